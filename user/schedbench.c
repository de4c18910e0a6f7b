// schedbench: what a context switch costs, in guest instructions. Two
// processes bounce one byte through a pair of pipes; on one hart every
// round trip is two switches. `make bench` runs it under -icount.
#include "kernel/types.h"
#include "user/user.h"
#include "user/bench.h"

#define ROUNDS 2000

// The child: echo every byte back until the parent closes its end.
static void
echo_loop(int in, int out)
{
    char c;
    while (read(in, &c, 1) == 1)
        if (write(out, &c, 1) != 1)
            break;
    exit(0);
}

int
main(int argc, char *argv[])
{
    int to[2], from[2];
    if (argc != 1) {
        fprintf(2, "usage: schedbench\n");
        exit(1);
    }
    if (pipe(to) < 0 || pipe(from) < 0) {
        fprintf(2, "schedbench: pipe failed\n");
        exit(1);
    }
    int pid = fork();
    if (pid < 0) {
        fprintf(2, "schedbench: fork failed\n");
        exit(1);
    }
    if (pid == 0) {
        close(to[1]);
        close(from[0]);
        echo_loop(to[0], from[1]);
    }
    close(to[0]);
    close(from[1]);
    char c = 'x';
    uint64 t0 = instret();
    for (int i = 0; i < ROUNDS; i++) {
        if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1) {
            fprintf(2, "schedbench: pipe broke at round %d\n", i);
            exit(1);
        }
    }
    uint64 total = instret() - t0;
    close(to[1]);
    wait(0);
    printf("bench pingpong_round_trip %lu instructions\n", total / ROUNDS);
    printf("bench context_switch %lu instructions\n", total / ROUNDS / 2);
    return 0;
}
