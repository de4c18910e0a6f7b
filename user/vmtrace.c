// vmtrace: prints one console line per page fault of a process (address,
// cause, cost in instructions), by the kernel switch vmtrace().
//   vmtrace COMMAND [ARG...]   runs COMMAND traced (its children too)
#include "kernel/types.h"
#include "user/user.h"

static int
usage(void)
{
    fprintf(2, "usage: vmtrace COMMAND [ARG...]\n");
    return 1;
}

int
main(int argc, char *argv[])
{
    if (argc < 2)
        return usage();
    if (argv[1][0] == '-')
        return usage(); // no options: a command name never starts with '-'
    // Tracing survives exec: the command runs traced from its first fault.
    vmtrace(0, 1);
    exec(argv[1], argv + 1);
    vmtrace(0, 0);
    fprintf(2, "vmtrace: cannot run %s\n", argv[1]);
    return 1;
}
