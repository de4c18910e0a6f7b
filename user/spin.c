// spin [N]: burns the CPU forever in N processes (default 1) until it is
// killed: what the ^C and kill tests interrupt.
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
    int n = argc == 2 ? atoi(argv[1]) : 1;
    if (argc > 2 || n < 1 || n > 8) {
        fprintf(2, "usage: spin [N]   (1 to 8 processes)\n");
        exit(1);
    }
    // The children are in our process group: ^C ends them with us.
    for (int i = 1; i < n; i++)
        if (fork() == 0)
            break;
    // One write per line, so the processes' lines do not interleave.
    char line[40] = "spin: pid ", digits[12];
    int nd = 0, len = strlen(line);
    for (int pid = getpid(); nd == 0 || pid > 0; pid /= 10)
        digits[nd++] = '0' + pid % 10;
    while (nd > 0)
        line[len++] = digits[--nd];
    strcpy(line + len, " spinning\n");
    write(1, line, strlen(line));
    for (volatile uint64 x = 0;; x++)
        ;
}
