// The shell: prompts on fd 2, reads lines from fd 0 (through the line
// editor in sh_edit.c at the console), runs the trees that sh_parse.c
// builds (commands, pipes, redirections, lists, &, sub-shells) as jobs with
// process groups of their own, and the built-ins cd and exit.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/sh.h"
#include "user/sh_edit.h"

static char line[SH_LINE];
static char path[MAXPATH];
// Only the shell itself does job control; the children that run a job's
// parts (a pipeline, a sub-shell) stay in the job's group.
static int job_control;

static void exec_node(struct sh_node *n) __attribute__((noreturn));
static void run_program(char **argv) __attribute__((noreturn));

static int
fork_or_warn(void)
{
    int pid = fork();

    if (pid < 0)
        fprintf(2, "sh: fork failed\n");
    return pid;
}

// Waits for pid and returns its exit status (-1 if it is not our child).
// Background jobs that finish meanwhile are reaped here: without a
// non-blocking wait this is the shell's chance to collect them.
static int
wait_for(int pid)
{
    int status;
    int w;

    while ((w = wait(&status)) >= 0) {
        if (w == pid)
            return status;
    }
    return -1;
}

// Makes fd `from` appear as fd `to` and closes `from`; exits on failure
// since the caller is a child about to exec.
static void
move_fd(int from, int to)
{
    if (from == to)
        return;
    close(to);
    if (dup(from) != to) {
        fprintf(2, "sh: cannot redirect fd %d\n", to);
        exit(1);
    }
    close(from);
}

// Moves fd's offset to the end of a regular file by reading it through,
// since the system-call set has no lseek. Devices are left alone: reading
// the console would wait for typing.
static void
seek_end(int fd)
{
    static char scratch[512];
    struct stat st;

    if (fstat(fd, &st) < 0 || st.type != T_FILE)
        return;
    while (read(fd, scratch, sizeof(scratch)) > 0)
        ;
}

static void
apply_redirs(struct sh_node *n)
{
    for (int i = 0; i < n->nredir; i++) {
        struct sh_redir *r = &n->redir[i];
        int fd = open(r->file, r->mode);
        if (fd < 0) {
            fprintf(2, "sh: cannot open %s\n", r->file);
            exit(1);
        }
        if (r->append)
            seek_end(fd);
        move_fd(fd, r->fd);
    }
}

// Runs cd or exit in this process; -1 if n is not a built-in.
static int
builtin(struct sh_node *n)
{
    if (n->argc == 0)
        return -1;
    if (strcmp(n->argv[0], "exit") == 0)
        exit(n->argc > 1 ? atoi(n->argv[1]) : 0);
    if (strcmp(n->argv[0], "cd") != 0)
        return -1;
    if (n->argc > 2) {
        fprintf(2, "usage: cd [DIR]\n");
        return 1;
    }
    // Like xv6, a bare cd goes to the root: there is no $HOME.
    if (chdir(n->argc == 2 ? n->argv[1] : "/") < 0) {
        fprintf(2, "sh: cannot cd %s\n", n->argc == 2 ? n->argv[1] : "/");
        return 1;
    }
    return 0;
}

// Replaces this process with argv[0]. Programs live in "/", so a bare
// name that is not in the current directory is tried there too.
static void
run_program(char **argv)
{
    exec(argv[0], argv);
    if (strchr(argv[0], '/') == 0 && strlen(argv[0]) + 2 <= sizeof(path)) {
        path[0] = '/';
        strcpy(path + 1, argv[0]);
        exec(path, argv);
    }
    fprintf(2, "exec %s failed\n", argv[0]);
    exit(1);
}

static int run(struct sh_node *n);

// Forks a child to run n as a job: at the top level, in a new process
// group named after the child, which a foreground job also makes the
// console's. Both sides do both, so all is set whichever runs first: a ^C
// typed as soon as the job prints must find it in the foreground.
// Returns the child's pid or -1.
static int
start_job(struct sh_node *n, int foreground)
{
    int pid = fork_or_warn();
    if (pid == 0) {
        if (job_control && setpgid(0, 0) == 0 && foreground)
            fgpgrp(getpid());
        job_control = 0;
        exec_node(n);
    }
    if (pid > 0 && job_control && setpgid(pid, pid) == 0 && foreground)
        fgpgrp(pid);
    return pid;
}

// Runs left | right in two children; returns right's status. Called in a
// child of the shell, so its only children are the two it forks here.
static int
run_pipe(struct sh_node *n)
{
    int p[2];
    int left, right;
    int status = 1;
    int st, w;

    if (pipe(p) < 0) {
        fprintf(2, "sh: pipe failed\n");
        return 1;
    }
    left = fork_or_warn();
    if (left == 0) {
        close(p[0]);
        move_fd(p[1], 1);
        exec_node(n->left);
    }
    right = left < 0 ? -1 : fork_or_warn();
    if (right == 0) {
        close(p[1]);
        move_fd(p[0], 0);
        exec_node(n->right);
    }
    // Both ends must close here or the reader never sees end of file.
    close(p[0]);
    close(p[1]);
    while ((w = wait(&st)) >= 0) {
        if (w == right)
            status = st;
    }
    return status;
}

// Runs n in this process, which is a disposable child; never returns.
static void
exec_node(struct sh_node *n)
{
    int status;

    switch (n->kind) {
    case SH_CMD:
        apply_redirs(n);
        if (n->argc == 0)
            exit(0);
        // A built-in here (in a pipe or behind &) only affects this child.
        if ((status = builtin(n)) >= 0)
            exit(status);
        run_program(n->argv);
    case SH_PIPE:
        exit(run_pipe(n));
    case SH_SUB:
        apply_redirs(n);
        exit(run(n->left));
    default:
        exit(run(n));
    }
}

// Runs n on behalf of the shell, forking where a command needs its own
// process; returns the exit status of the last foreground command.
static int
run(struct sh_node *n)
{
    int pid;
    int status;

    switch (n->kind) {
    case SH_SEQ:
        run(n->left);
        return run(n->right);
    case SH_BACK:
        pid = start_job(n->left, 0);
        return pid < 0 ? 1 : 0;
    case SH_CMD:
        // Built-ins must change this process, so they run before any fork.
        if ((status = builtin(n)) >= 0)
            return status;
        break;
    default:
        break;
    }
    // The job owns the console (^C) until it is done; then nobody does,
    // and a ^C reaches the line editor.
    pid = start_job(n, 1);
    if (pid < 0)
        return 1;
    status = wait_for(pid);
    if (job_control)
        fgpgrp(0);
    return status;
}

// Makes sure fds 0, 1 and 2 are open, so redirections and the children
// that inherit them behave even when we were started without them.
static void
ensure_std_fds(void)
{
    int fd;

    while ((fd = open("console", O_RDWR)) >= 0) {
        if (fd > 2) {
            close(fd);
            break;
        }
    }
}

// Reads the rest of an overlong line so it is not run as a command.
static void
discard_line(void)
{
    char c;

    while (read(0, &c, 1) == 1 && c != '\n' && c != '\r')
        ;
}

// One line into `line`: edited at the console, plain gets() from a file
// or pipe. Returns its length, 0 for nothing to run, -1 at end of input.
static int
read_line(int console)
{
    if (console)
        return sh_readline("$ ", line, sizeof(line));
    fprintf(2, "$ ");
    gets(line, sizeof(line));
    uint len = strlen(line);
    if (len == 0)
        return -1;
    if (len == sizeof(line) - 1 && line[len - 1] != '\n' &&
        line[len - 1] != '\r') {
        discard_line();
        fprintf(2, "sh: line too long\n");
        return 0;
    }
    return len;
}

int
main(void)
{
    struct sh_node *tree;
    struct stat st;
    const char *err;
    int len;

    ensure_std_fds();
    int console = fstat(0, &st) == 0 && st.type == T_DEVICE;
    // A group of our own, so that no job's ^C can reach the shell.
    job_control = console && setpgid(0, 0) == 0;
    while ((len = read_line(console)) >= 0) {
        if (len == 0)
            continue;
        err = sh_parse(line, &tree);
        if (err != 0)
            fprintf(2, "sh: %s\n", err);
        else if (tree != 0)
            run(tree);
    }
    return 0;
}
