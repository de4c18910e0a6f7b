// usertests: process groups, killpg, the console's foreground group and
// mode, and waitusage (our calls 31-36, docs/processes.md).
#include "ut.h"
#include "kernel/jobs.h"

// Checks that would pass even with the calls missing are not enough: each
// test also watches the effect (who dies, who survives, what is counted).

static void
job_pgid_basics(void)
{
    int me = getpid();
    int pid = UT_FORK();
    if (pid == 0) {
        // A new group, named after us.
        UT_EQ(setpgid(0, 0), 0);
        UT_EQ(getpgid(0), getpid());
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
    // A child starts in its parent's group.
    int grp = getpgid(0);
    UT_CHECK(grp > 0);
    pid = UT_FORK();
    if (pid == 0)
        exit(getpgid(0) == grp ? 0 : 1);
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(getpgid(me), grp);
}

static void
job_pgid_bad(void)
{
    UT_EQ(setpgid(-1, 0), -1);
    UT_EQ(setpgid(0, -1), -1);
    UT_EQ(setpgid(100000, 0), -1);
    UT_EQ(setpgid(0, 100000), -1); // no such group to join
    UT_EQ(setpgid(1, 0), -1);      // init is nobody's child here
    UT_EQ(getpgid(-5), -1);
    UT_EQ(getpgid(100000), -1);
    UT_EQ(killpg(0), -1);
    UT_EQ(killpg(-1), -1);
    UT_EQ(killpg(100000), -1);
    UT_EQ(kill(-1), -1); // xv6's kill knows no groups
    UT_EQ(fgpgrp(-1), -1);
    UT_EQ(fgpgrp(100000), -1);
    UT_EQ(consmode(2), -1);
    UT_EQ(consmode(-1), -1);
    UT_EQ(waitusage(0, (struct usage *)1), -1); // no children
}

// Makes a child that leads a new group and runs fn there; the parent
// also sets the group, so it exists when this returns.
static int
group_leader(void (*fn)(int), int arg)
{
    int pid = UT_FORK();
    if (pid == 0) {
        setpgid(0, 0);
        fn(arg);
        exit(2);
    }
    setpgid(pid, pid);
    UT_EQ(getpgid(pid), pid);
    return pid;
}

// The leader and n-1 helpers each block in one kind of wait (kind) or
// spin, after reporting their pid on fd.
static int report_fd = -1;

static void
block_in(int kind)
{
    int p[2];
    char c;
    int me = getpid();
    write(report_fd, &me, sizeof(me));
    switch (kind) {
    case 0: // a pipe nobody writes to
        if (pipe(p) < 0)
            exit(3);
        read(p[0], &c, 1);
        break;
    case 1: // a long sleep
        sleep(100000);
        break;
    case 2: // wait for a child that blocks in turn
        if (fork() == 0) {
            int q = getpid();
            write(report_fd, &q, sizeof(q));
            sleep(100000);
            exit(0);
        }
        wait(0);
        break;
    default:
        for (;;)
            ;
    }
}

// The leader forks a helper for each other kind, then blocks itself.
static void
family(int unused)
{
    for (int kind = 1; kind < 4; kind++)
        if (fork() == 0)
            block_in(kind);
    block_in(0);
}

// Nonzero while a process with this pid is listed.
static int
alive(int pid)
{
    static struct procinfo pi[NPROC];
    int n = procinfo(pi, NPROC);
    for (int i = 0; i < n; i++)
        if (pi[i].pid == pid && pi[i].state != 5) // not yet a zombie
            return 1;
    return 0;
}

// Every process of a group, blocked in a pipe, sleep, wait, or spinning,
// ends when the group is killed; the rest go to init and end too.
static void
job_killpg_family(void)
{
    int fds[2], pids[8], n = 0;
    UT_EQ(pipe(fds), 0);
    report_fd = fds[1];
    int leader = group_leader(family, 0);
    close(fds[1]);
    // Leader, three helpers and the waiter's child: five pids.
    while (n < 5 && read(fds[0], &pids[n], sizeof(int)) == sizeof(int))
        n++;
    UT_EQ(n, 5);
    UT_EQ(killpg(leader), 0);
    UT_EQ(UT_WAIT(leader), -1);
    // Progress, not time: init reaps the orphans when they exit.
    for (int tries = 0; tries < 1000; tries++) {
        int left = 0;
        for (int i = 0; i < n; i++)
            left += alive(pids[i]);
        if (left == 0)
            return;
        sleep(1);
    }
    UT_FAIL("a group member outlived killpg");
}

static void
sleeper(int unused)
{
    sleep(100000);
}

static void
spinner(int unused)
{
    for (;;)
        ;
}

// Killing one group leaves another (a background job) alone.
static void
job_killpg_spares_others(void)
{
    int bg = group_leader(sleeper, 0);
    int fg = group_leader(spinner, 0);
    UT_EQ(killpg(fg), 0);
    UT_EQ(UT_WAIT(fg), -1);
    UT_CHECK(alive(bg));
    UT_EQ(kill(bg), 0);
    UT_EQ(UT_WAIT(bg), -1);
}

// waitusage counts the child's faults and its peak resident pages, and a
// bad pointer leaves the child for a later wait.
static void
job_waitusage(void)
{
    int pid = UT_FORK();
    if (pid == 0) {
        char *p = sbrk(100 * PGSIZE);
        for (int i = 0; i < 100; i++)
            p[i * PGSIZE] = 1;
        sbrk(-100 * (int)PGSIZE); // the peak stays counted
        exit(7);
    }
    UT_EQ(waitusage(0, (struct usage *)1), -1);
    struct usage u;
    int status = 0;
    UT_EQ(waitusage(&status, &u), pid);
    UT_EQ(status, 7);
    UT_CHECK(u.faults >= 100);
    UT_CHECK(u.peak_resident_pages >= 100);
    UT_CHECK(u.peak_resident_pages < 200);
}

// The foreground group and the mode are the console's, shared with the
// shell that runs us: each is put back as it was.
static void
job_console_calls(void)
{
    UT_EQ(fgpgrp(getpgid(0)), 0);
    int old = consmode(CONSOLE_RAW);
    UT_CHECK(old == CONSOLE_COOKED || old == CONSOLE_RAW);
    UT_EQ(consmode(old), CONSOLE_RAW);
}

const struct ut_test ut_job_tests[] = {
    {"job_pgid_basics", job_pgid_basics, 0},
    {"job_pgid_bad", job_pgid_bad, 0},
    {"job_killpg_family", job_killpg_family, 0},
    {"job_killpg_spares_others", job_killpg_spares_others, 0},
    {"job_waitusage", job_waitusage, 0},
    {"job_console_calls", job_console_calls, 0},
    {0, 0, 0},
};
