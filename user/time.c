// time CMD [ARG...]: runs CMD and reports, on fd 2, the clock ticks it
// took, its demand-zero faults and the most pages it had resident.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/jobs.h"
#include "user/user.h"

// Runs argv like the shell does: as given, then from "/".
static void
run(char **argv)
{
    static char path[MAXPATH];
    exec(argv[0], argv);
    if (strchr(argv[0], '/') == 0 && strlen(argv[0]) + 2 <= sizeof(path)) {
        path[0] = '/';
        strcpy(path + 1, argv[0]);
        exec(path, argv);
    }
    fprintf(2, "time: cannot run %s\n", argv[0]);
    exit(127);
}

int
main(int argc, char *argv[])
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(2, "usage: time CMD [ARG...]\n");
        exit(1);
    }
    int pid = fork();
    if (pid < 0) {
        fprintf(2, "time: fork failed\n");
        exit(1);
    }
    if (pid == 0)
        run(argv + 1);
    struct usage u;
    int status = 0;
    if (waitusage(&status, &u) != pid) {
        fprintf(2, "time: lost %s\n", argv[1]);
        exit(1);
    }
    fprintf(2, "time: %lu ticks, %lu faults, %lu peak resident pages\n",
            u.ticks, u.faults, u.peak_resident_pages);
    exit(status);
}
