// vmtrace: prints one console line per page fault of a process (address,
// cause, cost in instructions), by the kernel switch vmtrace().
//   vmtrace COMMAND [ARG...]   runs COMMAND traced (children too)
//   vmtrace -p PID on|off      switches tracing for a running process
#include "kernel/types.h"
#include "user/user.h"

static int
usage(void)
{
    fprintf(2, "usage: vmtrace COMMAND [ARG...]\n"
               "       vmtrace -p PID on|off\n");
    return 1;
}

int
main(int argc, char *argv[])
{
    if (argc < 2)
        return usage();
    if (argv[1][0] == '-') {
        if (strcmp(argv[1], "-p") != 0 || argc != 4 ||
            (strcmp(argv[3], "on") != 0 && strcmp(argv[3], "off") != 0))
            return usage();
        int pid = atoi(argv[2]);
        if (pid <= 0 || vmtrace(pid, strcmp(argv[3], "on") == 0) < 0) {
            fprintf(2, "vmtrace: no process %s\n", argv[2]);
            return 1;
        }
        return 0;
    }
    // Tracing survives exec: the command runs traced from its first fault.
    vmtrace(0, 1);
    exec(argv[1], argv + 1);
    vmtrace(0, 0);
    fprintf(2, "vmtrace: cannot run %s\n", argv[1]);
    return 1;
}
