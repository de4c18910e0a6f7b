// init: the first user process. Opens the console as fds 0, 1 and 2, then
// keeps a shell running forever, reaping orphans as they are handed to it.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define CONSOLE_MAJOR 1

static char *sh_argv[] = {"sh", 0};

// fd 0 on the console device, creating its node on a fresh file system.
static void
open_console(void)
{
    if (open("console", O_RDWR) < 0) {
        mknod("console", CONSOLE_MAJOR, 0);
        if (open("console", O_RDWR) < 0)
            exit(1); // nowhere to even say so
    }
    dup(0); // stdout
    dup(0); // stderr
}

// Starts a shell; its pid, or -1.
static int
start_sh(void)
{
    int pid = fork();

    if (pid == 0) {
        exec("sh", sh_argv);
        fprintf(2, "init: exec sh failed\n");
        exit(1);
    }
    if (pid < 0)
        fprintf(2, "init: fork failed\n");
    return pid;
}

int
main(void)
{
    open_console();
    for (;;) {
        printf("init: starting sh\n");
        int pid = start_sh();
        if (pid < 0) {
            sleep(10); // out of processes: let some exit first
            continue;
        }
        // Every orphan in the system becomes our child; reap them all
        // until the shell itself is gone.
        for (;;) {
            int status = 0;
            int w = wait(&status);
            if (w == pid) {
                printf("init: sh exited with status %d, restarting\n", status);
                break;
            }
            if (w < 0) {
                fprintf(2, "init: wait failed\n");
                break;
            }
        }
    }
}
