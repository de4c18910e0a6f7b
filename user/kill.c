// kill: asks the kernel to kill each process named by pid.
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

    if (argc < 2) {
        fprintf(2, "usage: kill PID...\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (!is_pid(argv[i])) {
            fprintf(2, "kill: %s is not a pid\n", argv[i]);
            status = 1;
        } else if (kill(atoi(argv[i])) < 0) {
            fprintf(2, "kill: no process %s\n", argv[i]);
            status = 1;
        }
    }
    return status;
}
