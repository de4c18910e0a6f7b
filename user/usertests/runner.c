// usertests main: picks tests from the per-file tables, runs each in its
// own child under a watchdog, checks free pages around it, prints a summary.
#include "ut.h"

static const struct ut_test *const ut_tables[] = {
    ut_proc_tests, ut_pipe_tests, ut_file_tests,  ut_dir_tests, ut_args_tests,
    ut_exec_tests, ut_mem_tests,  ut_fault_tests, ut_smp_tests, ut_cow_tests,
    ut_job_tests,  ut_mmap_tests, ut_mmap_file_tests, ut_mmap_bad_tests,
    ut_mmap_view_tests, ut_mmap_share_tests, ut_runner_tests, ut_fuzz_tests,
    ut_mmap_rw_tests,
    0,
};

static struct procinfo ut_procs[NPROC];

int
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

// Prints why status (from ut_watch) is a failure. Returns 0 for a pass.
static int
ut_verdict(const struct ut_test *t, int status)
{
    char num[24];

    if (status == UT_WATCH_KILLED)
        return 1; // ut_watch said why
    if (status == -1)
        ut_line("FAIL ", t->name, ": killed by the kernel", (char *)0);
    else if (status != 0 && status != 1)
        ut_line("FAIL ", t->name, ": exit status ", ut_itoa(status, num),
                (char *)0);
    return status;
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

// Gives the test child its own copy of every page it shares with the
// runner: the data, the bss, the stack and any heap. fork shares them
// copy-on-write, and the runner keeps writing its watchdog state (stack,
// procinfo() arrays) while the test runs: the first store to a page both
// map copies it, which would cost the test's free-page count one page
// until the child exits. Storing a byte of each page back to itself breaks
// every such share here, before the test takes its first count; neither
// side allocates after that. (The runner may copy a page first; then the
// store here finds it ours alone and takes it back as it is. Or both copy
// at once: see ut_run.)
static void
ut_unshare(void)
{
    extern char __data_start[], _end[];
    // exec puts the stack right below the heap (t_exec checks the layout).
    uint64 stack = ut_heap_start - USERSTACK * PGSIZE, brk = (uint64)sbrk(0);

    for (uint64 va = PGROUNDDOWN((uint64)__data_start); va < (uint64)_end;
         va += PGSIZE)
        *(volatile char *)va = *(volatile char *)va;
    for (uint64 va = stack; va < brk; va += PGSIZE)
        *(volatile char *)va = *(volatile char *)va;
}

// Returns 1 when the test passed.
static int
ut_run(const struct ut_test *t)
{
    int nbefore = ut_nprocs(), runner = getpid();
    uint64 before = ut_runner_free(), cpu = 0;
    int pid, bad, t0 = uptime();
    char num[24], el[24];

    pid = fork();
    if (pid == 0) {
        ut_name = t->name;
        ut_unshare();
        // The runner may still be half-way through its own copy of a page
        // we shared: two processes storing to one copy-on-write page at
        // once both copy it, and the original is freed only when the
        // slower copy finishes, perhaps after the test took its first
        // count (and then it gets a page back). Once the runner sleeps
        // between its polls, no such copy is in flight.
        ut_await_state(runner, 2);
        t->fn();
        exit(0);
    }
    if (pid < 0) {
        ut_line("FAIL ", t->name, ": runner cannot fork", (char *)0);
        bad = 1;
    } else {
        bad = ut_verdict(t, ut_watch(t, pid, &cpu)) != 0;
    }
    // Orphans the test left are init's to reap: count once they are gone.
    ut_settle(nbefore);
    bad |= ut_leak_check(t, before);
    // Whatever a failed test left running must not skew the next test's
    // page count: kill it and give init time to reap it.
    for (int tries = 0; bad && tries < 200 && ut_kill_descendants(); tries++)
        sleep(1);
    // CPU ticks against elapsed ones show how busy the host was.
    ut_line("test ", t->name, bad ? ": FAILED" : ": ok", " (cpu ",
            ut_itoa(cpu, num), " ticks, ", ut_itoa(uptime() - t0, el),
            " elapsed)", (char *)0);
    return !bad;
}

// Before the first measurement, fill the process table once with
// throw-away children: whatever the kernel sets up for good on a slot's
// first use must not count against the first test to use that slot.
static void
ut_warm_up(void)
{
    int fds[2];

    if (pipe(fds) < 0)
        return;
    ut_fork_sleepers(fds);
    close(fds[1]);
    close(fds[0]);
    while (wait(0) >= 0)
        ;
}

// Exact names also find the hidden tests, which no pattern selects.
static const struct ut_test *
ut_find(const char *name)
{
    for (int i = 0; ut_tables[i]; i++)
        for (const struct ut_test *t = ut_tables[i]; t->fn; t++)
            if (strcmp(t->name, name) == 0)
                return t;
    for (const struct ut_test *t = ut_hang_tests; t->fn; t++)
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
ut_run_named(int n, char **names, int *passed, int *failed)
{
    const struct ut_test *t;

    for (int i = 0; i < n; i++) {
        int len = strlen(names[i]);
        if (len > 0 && names[i][len - 1] == '*') {
            if (!ut_run_prefix(names[i], passed, failed)) {
                ut_line("usertests: no test ", names[i], (char *)0);
                (*failed)++;
            }
            continue;
        }
        t = ut_find(names[i]);
        if (t == 0) {
            ut_line("usertests: no test ", names[i], (char *)0);
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

void
ut_usage(void)
{
    ut_line("usage: usertests [-q] [-cpu TICKS] [-stall POLLS] [TEST|PREFIX*]...",
            (char *)0);
    ut_line("       usertests -fuzz CALLS [SEED]", (char *)0);
    exit(2);
}

// Reads the number after option argv[*i] (a positive int) or exits with
// the usage.
static int
ut_opt_num(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc || atoi(argv[*i + 1]) <= 0)
        ut_usage();
    *i += 1;
    return atoi(argv[*i]);
}

// Applies the options; moves the test names to the front of argv and
// returns how many there are.
static int
ut_options(int argc, char **argv, int *quick)
{
    int n = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-q") == 0)
            *quick = 1;
        else if (strcmp(argv[i], "-cpu") == 0)
            ut_cpu_fast = ut_cpu_slow = ut_opt_num(argc, argv, &i);
        else if (strcmp(argv[i], "-stall") == 0)
            ut_stall_polls = ut_opt_num(argc, argv, &i);
        else if (strcmp(argv[i], "-fuzz") == 0)
            argv[n++] = ut_fuzz_options(argc, argv, &i);
        else if (argv[i][0] == '-')
            ut_usage();
        else
            argv[n++] = argv[i];
    }
    return n;
}

int
main(int argc, char **argv)
{
    int quick = 0, named, passed = 0, failed = 0;
    char p[24], f[24];

    ut_heap_start = (uint64)sbrk(0);
    if (argc >= 2 && strcmp(argv[1], "-argcheck") == 0)
        ut_argcheck(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "-mmapexec") == 0)
        ut_mmap_exec_side(argc, argv);
    named = ut_options(argc, argv, &quick);
    ut_warm_up();
    if (named)
        ut_run_named(named, argv, &passed, &failed);
    else
        ut_run_all(quick, &passed, &failed);
    ut_line("usertests: ", ut_itoa(passed, p), " passed, ", ut_itoa(failed, f),
            " failed", (char *)0);
    exit(failed ? 1 : 0);
}
