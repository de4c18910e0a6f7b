// usertests main: picks tests from the per-file tables, runs each in its
// own child under a watchdog, checks free pages around it, prints a summary.
#include "ut.h"

static const struct ut_test *const ut_tables[] = {
    ut_proc_tests, ut_pipe_tests, ut_file_tests,  ut_dir_tests, ut_args_tests,
    ut_exec_tests, ut_mem_tests,  ut_fault_tests, ut_smp_tests,
    ut_mmap_tests, ut_mmap_file_tests, ut_mmap_bad_tests, ut_mmap_view_tests,
    0,
};

static struct procinfo ut_procs[NPROC];

// Kills every process with a larger pid than ours: all were forked after
// us, so they descend from a test. Returns how many there were.
static int
ut_kill_descendants(void)
{
    int n = procinfo(ut_procs, NPROC);
    int me = getpid(), found = 0;

    for (int i = 0; i < n; i++) {
        if (ut_procs[i].pid > me) {
            kill(ut_procs[i].pid);
            found++;
        }
    }
    return found;
}

// Prints why status (from a test that timed_out or not) is a failure.
// Returns 0 for a pass.
static int
ut_verdict(const struct ut_test *t, int status, int timed_out)
{
    char num[24];

    if (timed_out) {
        ut_itoa(t->slow ? UT_TICKS_SLOW : UT_TICKS_FAST, num);
        ut_line("FAIL ", t->name, ": timed out after ", num, " ticks",
                (char *)0);
        return 1;
    }
    if (status == -1)
        ut_line("FAIL ", t->name, ": killed by the kernel", (char *)0);
    else if (status != 0 && status != 1)
        ut_line("FAIL ", t->name, ": exit status ", ut_itoa(status, num),
                (char *)0);
    return status;
}

// A child that sleeps ticks and exits: its exit wakes our wait().
static int
ut_watchdog(int ticks)
{
    int pid = fork();

    if (pid == 0) {
        sleep(ticks);
        exit(0);
    }
    return pid;
}

// Waits for the test child under watchdog dog. On a timeout the test and
// its descendants are killed; a test still alive UT_TICKS_KILL later is
// given up on. Returns the test's status, or 1 after printing why it failed.
static int
ut_collect(const struct ut_test *t, int pid, int dog)
{
    int status = 0, w, timed_out = 0;

    while ((w = wait(&status)) != pid) {
        if (w < 0) {
            ut_line("FAIL ", t->name, ": lost the test process", (char *)0);
            return 1;
        }
        if (w != dog)
            continue; // left over from an earlier test
        if (timed_out) {
            ut_verdict(t, 1, 1);
            ut_line("FAIL ", t->name, ": still alive after kill", (char *)0);
            return 1;
        }
        timed_out = 1;
        kill(pid);
        ut_kill_descendants();
        dog = ut_watchdog(UT_TICKS_KILL);
    }
    if (dog > 0) {
        kill(dog);
        while ((w = wait(0)) != dog && w >= 0)
            ;
    }
    return ut_verdict(t, status, timed_out);
}

// Free pages now; 0 if meminfo() itself fails (no leak check then,
// but the runner still reaches its summary line).
static uint64
ut_runner_free(void)
{
    struct meminfo m;

    return meminfo(&m) == 0 ? m.free_pages : 0;
}

// Pages may come back a little late when init reaps an orphaned
// grandchild, so a difference is only final after a short grace period.
static int
ut_leak_check(const struct ut_test *t, uint64 before)
{
    uint64 after = ut_runner_free();
    char num[24];

    for (int tries = 0; after != before && tries < 20; tries++) {
        sleep(1);
        after = ut_runner_free();
    }
    if (after == before)
        return 0;
    ut_line("FAIL ", t->name, ": leaked ",
            ut_itoa((int64)before - (int64)after, num), " pages", (char *)0);
    return 1;
}

// Returns 1 when the test passed.
static int
ut_run(const struct ut_test *t)
{
    uint64 before = ut_runner_free();
    int dog, pid, bad;

    // The watchdog first: a test may fill the process table.
    dog = ut_watchdog(t->slow ? UT_TICKS_SLOW : UT_TICKS_FAST);
    pid = fork();
    if (pid == 0) {
        ut_name = t->name;
        t->fn();
        exit(0);
    }
    if (pid < 0 || dog < 0) {
        ut_line("FAIL ", t->name, ": runner cannot fork", (char *)0);
        if (pid > 0)
            kill(pid);
        while (wait(0) >= 0)
            ;
        bad = 1;
    } else {
        bad = ut_collect(t, pid, dog) != 0;
    }
    bad |= ut_leak_check(t, before);
    // Whatever a failed test left running must not skew the next test's
    // page count: kill it and give init time to reap it.
    for (int tries = 0; bad && tries < 200 && ut_kill_descendants(); tries++)
        sleep(1);
    ut_line("test ", t->name, bad ? ": FAILED" : ": ok", (char *)0);
    return !bad;
}

// Before the first measurement, fill the process table once with
// throw-away children: whatever the kernel sets up for good on a slot's
// first use must not count against the first test to use that slot.
static void
ut_warm_up(void)
{
    int fds[2], n = 0, pid;
    char c;

    if (pipe(fds) < 0)
        return;
    while (n < NPROC && (pid = fork()) >= 0) {
        if (pid == 0) {
            close(fds[1]);
            read(fds[0], &c, 1);
            exit(0);
        }
        n++;
    }
    close(fds[1]);
    close(fds[0]);
    while (wait(0) >= 0)
        ;
}

static const struct ut_test *
ut_find(const char *name)
{
    for (int i = 0; ut_tables[i]; i++)
        for (const struct ut_test *t = ut_tables[i]; t->fn; t++)
            if (strcmp(t->name, name) == 0)
                return t;
    return 0;
}

// Runs t and counts the result.
static void
ut_count(const struct ut_test *t, int *passed, int *failed)
{
    if (ut_run(t))
        (*passed)++;
    else
        (*failed)++;
}

// A name ending in '*' selects every test starting with what precedes it
// ("mem_*"), so a long list still fits on one console line.
static int
ut_run_prefix(const char *pat, int *passed, int *failed)
{
    int n = strlen(pat) - 1, found = 0;

    for (int i = 0; ut_tables[i]; i++)
        for (const struct ut_test *t = ut_tables[i]; t->fn; t++)
            if (strncmp(t->name, pat, n) == 0) {
                ut_count(t, passed, failed);
                found = 1;
            }
    return found;
}

// Named tests run in the order given, slow or not.
static void
ut_run_named(int argc, char **argv, int *passed, int *failed)
{
    const struct ut_test *t;

    for (int i = 1; i < argc; i++) {
        int len = strlen(argv[i]);
        if (strcmp(argv[i], "-q") == 0)
            continue;
        if (len > 0 && argv[i][len - 1] == '*') {
            if (!ut_run_prefix(argv[i], passed, failed)) {
                ut_line("usertests: no test ", argv[i], (char *)0);
                (*failed)++;
            }
            continue;
        }
        t = ut_find(argv[i]);
        if (t == 0) {
            ut_line("usertests: no test ", argv[i], (char *)0);
            (*failed)++;
        } else {
            ut_count(t, passed, failed);
        }
    }
}

static void
ut_run_all(int quick, int *passed, int *failed)
{
    for (int i = 0; ut_tables[i]; i++) {
        for (const struct ut_test *t = ut_tables[i]; t->fn; t++) {
            if (quick && t->slow)
                continue;
            if (ut_run(t))
                (*passed)++;
            else
                (*failed)++;
        }
    }
}

int
main(int argc, char **argv)
{
    int quick = 0, named = 0, passed = 0, failed = 0;
    char p[24], f[24];

    ut_heap_start = (uint64)sbrk(0);
    if (argc >= 2 && strcmp(argv[1], "-argcheck") == 0)
        ut_argcheck(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "-mmapexec") == 0)
        ut_mmap_exec_side(argc, argv);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-q") == 0)
            quick = 1;
        else
            named = 1;
    }
    ut_warm_up();
    if (named)
        ut_run_named(argc, argv, &passed, &failed);
    else
        ut_run_all(quick, &passed, &failed);
    ut_line("usertests: ", ut_itoa(passed, p), " passed, ", ut_itoa(failed, f),
            " failed", (char *)0);
    exit(failed ? 1 : 0);
}
