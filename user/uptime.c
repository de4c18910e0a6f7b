// uptime: how long the system has been up, in ticks and seconds.
#include "kernel/types.h"
#include "user/user.h"

#define TICK_HZ 100 // kernel/trap.h

int
main(int argc, char *argv[])
{
    if (argc != 1) {
        fprintf(2, "usage: uptime\n");
        exit(1);
    }
    int t = uptime();
    printf("up %d ticks (%d.%d%d s)\n", t, t / TICK_HZ, t % TICK_HZ / 10,
           t % 10);
    exit(0);
}
