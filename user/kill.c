// kill: asks the kernel to kill each process named by pid, or with -g
// every process of the process groups named.
#include "kernel/types.h"
#include "user/user.h"

// A pid is one or more decimal digits and nothing else.
static int
is_pid(const char *s)
{
    if (*s == 0)
        return 0;
    for (; *s != 0; s++) {
        if (*s < '0' || *s > '9')
            return 0;
    }
    return 1;
}

int
main(int argc, char *argv[])
{
    int status = 0;
    int group = argc > 1 && strcmp(argv[1], "-g") == 0;
    int first = group ? 2 : 1;

    if (argc <= first) {
        fprintf(2, "usage: kill PID...  or  kill -g PGID...\n");
        return 1;
    }
    for (int i = first; i < argc; i++) {
        if (!is_pid(argv[i])) {
            fprintf(2, "kill: %s is not a %s\n", argv[i],
                    group ? "process group" : "pid");
            status = 1;
        } else if ((group ? killpg(atoi(argv[i])) : kill(atoi(argv[i]))) < 0) {
            fprintf(2, "kill: no %s %s\n", group ? "process group" : "process",
                    argv[i]);
            status = 1;
        }
    }
    return status;
}
