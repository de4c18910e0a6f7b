// The watchdog's own test: tests that spin or deadlock on purpose (hidden:
// only named runs select them) and runner_hangs, which runs them in a
// nested usertests with small limits and checks both are caught; and
// runner_polls_free: the watchdog's polling costs a test no page.
#include "ut.h"

// Every hart busy in user mode, forever: only the CPU budget stops this.
static void
hang_spin(void)
{
    for (int i = 0; i < NCPU - 1; i++)
        if (UT_FORK() == 0)
            break;
    for (;;)
        ;
}

// Two processes reading a pipe whose write end only they hold: neither
// ever runs again, so only the no-progress rule stops this.
static void
hang_block(void)
{
    int fds[2];
    char c;

    UT_EQ(pipe(fds), 0);
    UT_FORK();
    read(fds[0], &c, 1);
    UT_FAIL("read returned from a pipe nobody writes");
}

const struct ut_test ut_hang_tests[] = {
    {"hang_spin", hang_spin, 0},
    {"hang_block", hang_block, 0},
    {0, 0, 0},
};

// Reads fd to its end into buf (NUL-terminated, at most max - 1 bytes).
static int
hang_read_all(int fd, char *buf, int max)
{
    int n = 0, r;

    while (n < max - 1 && (r = read(fd, buf + n, max - 1 - n)) > 0)
        n += r;
    buf[n] = 0;
    return n;
}

// Does some line of out start with first and contain then?
static int
hang_has_line(const char *out, const char *first, const char *then)
{
    int flen = strlen(first), tlen = strlen(then);

    for (const char *l = out; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
        if (strncmp(l, first, flen) != 0)
            continue;
        for (const char *c = l; *c && *c != '\n'; c++)
            if (strncmp(c, then, tlen) == 0)
                return 1;
    }
    return 0;
}

static char hang_out[4096];

// Small limits keep this quick: 100 ticks of CPU, 200 quiet polls.
static void
runner_hangs(void)
{
    char *argv[] = {"usertests", "-cpu", "100", "-stall", "200",
                    "hang_spin", "hang_block", 0};
    int fds[2], pid;

    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        close(1);
        dup(fds[1]);
        close(fds[0]);
        close(fds[1]);
        exec(UT_SELF, argv);
        exit(3);
    }
    close(fds[1]);
    hang_read_all(fds[0], hang_out, sizeof(hang_out));
    close(fds[0]);
    UT_EQ(UT_WAIT(pid), 1);
    if (!hang_has_line(hang_out, "FAIL hang_spin: ", "CPU budget") ||
        !hang_has_line(hang_out, "FAIL hang_block: ", "no progress") ||
        !hang_has_line(hang_out, "usertests: 0 passed, 2 failed", "")) {
        write(1, hang_out, strlen(hang_out));
        UT_FAIL("the nested runner did not catch both hangs");
    }
    UT_CHECK(!hang_has_line(hang_out, "FAIL ", "still alive"));
}

static struct procinfo hang_procs[NPROC];

// Scheduler runs of the runner (our parent: the largest smaller pid
// named usertests), 0 if it is not found.
static uint64
hang_runner_runs(void)
{
    int n = procinfo(hang_procs, NPROC), me = getpid(), best = -1;

    for (int i = 0; i < n; i++)
        if (hang_procs[i].pid < me &&
            strcmp(hang_procs[i].name, "usertests") == 0 &&
            (best < 0 || hang_procs[i].pid > hang_procs[best].pid))
            best = i;
    return best < 0 ? 0 : hang_procs[best].runs;
}

// The runner's watchdog writes one procinfo() entry per process while a
// test runs. Filling the process table makes it write every page of its
// arrays; those pages were shared copy-on-write with this test, and no
// copy of them may show in the test's free-page count.
static void
runner_polls_free(void)
{
    uint64 before = ut_free_pages(), runs;
    int fds[2], n;

    UT_EQ(pipe(fds), 0);
    n = ut_fork_sleepers(fds);
    // Progress, not time: wait until the runner has polled three times.
    runs = hang_runner_runs();
    for (int i = 0; i < 1000 && hang_runner_runs() < runs + 3; i++)
        sleep(1);
    close(fds[1]);
    close(fds[0]);
    for (int i = 0; i < n; i++)
        UT_CHECK(wait(0) > 0);
    UT_CHECK(n > 8);
    UT_EQ(ut_free_pages(), before);
}

const struct ut_test ut_runner_tests[] = {
    {"runner_hangs", runner_hangs, 0},
    {"runner_polls_free", runner_polls_free, 0},
    {0, 0, 0},
};
