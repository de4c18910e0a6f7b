// sleep N: waits N seconds (the clock ticks TICK_HZ times a second).
#include "kernel/types.h"
#include "user/user.h"

#define TICK_HZ 100 // kernel/trap.h; the tick rate is part of sleep()'s ABI

// Nonzero if s is one or more decimal digits and nothing else.
static int
is_number(const char *s)
{
    if (*s == 0)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int
main(int argc, char *argv[])
{
    // Up to a day: more would overflow sleep()'s int of ticks.
    if (argc != 2 || !is_number(argv[1]) || strlen(argv[1]) > 5 ||
        atoi(argv[1]) > 86400) {
        fprintf(2, "usage: sleep SECONDS (0 to 86400)\n");
        exit(1);
    }
    if (sleep(atoi(argv[1]) * TICK_HZ) < 0)
        exit(1); // killed while waiting
    exit(0);
}
