// usertests watchdog: waits for one test while judging its progress from
// procinfo() (CPU ticks and scheduler runs of its processes), never from
// elapsed time, so a slow host cannot fail a correct kernel.
#include "ut.h"

// Limits the watchdog applies; `usertests -cpu N -stall N` change them.
int ut_cpu_fast = UT_CPU_FAST;
int ut_cpu_slow = UT_CPU_SLOW;
int ut_stall_polls = UT_STALL_POLLS;

// One sample of every process; the previous one, to compute progress.
static struct procinfo w_now[NPROC], w_prev[NPROC];
static int w_nprev;

struct ut_watch {
    int me, pid;          // the runner, the test's first process
    uint64 cpu, runs;     // summed over every test process seen so far
    // Polls in a row without a run or a tick. Counted in polls, not
    // ticks, so a host that stops the whole guest for a while does not
    // count as the test stalling. (Under -icount with sleep=off the guest
    // clock jumps ahead while a disk request is with the host, so there
    // a test waiting for the disk can look stalled: use sleep=on.)
    int quiet;
    int state;            // the test process's state, 0 if not listed
};

// What one process did since the previous sample (all of it if new).
static void
w_add(struct ut_watch *w, const struct procinfo *p)
{
    uint64 cpu = p->cputicks, runs = p->runs;

    for (int i = 0; i < w_nprev; i++) {
        if (w_prev[i].pid == p->pid) {
            cpu -= w_prev[i].cputicks;
            runs -= w_prev[i].runs;
            break;
        }
    }
    w->cpu += cpu;
    w->runs += runs;
}

// Takes a sample. The test's processes are those with a larger pid than
// the runner: all were forked after it. Returns 1 if any made progress.
static int
w_sample(struct ut_watch *w)
{
    uint64 cpu = w->cpu, runs = w->runs;
    int n = procinfo(w_now, NPROC);

    if (n < 0)
        return 1; // no data is no evidence of a hang
    w->state = 0;
    for (int i = 0; i < n; i++) {
        if (w_now[i].pid == w->pid)
            w->state = w_now[i].state;
        if (w_now[i].pid > w->me)
            w_add(w, &w_now[i]);
    }
    memcpy(w_prev, w_now, n * sizeof(w_now[0]));
    w_nprev = n;
    return w->cpu != cpu || w->runs != runs;
}

// One line per test process: what it is doing and what it waits on (a
// kernel address; `nm kernel.elf` names it).
static void
w_dump(struct ut_watch *w)
{
    static const char *const states[] = {"?",        "used", "sleeping",
                                         "runnable", "running", "zombie"};
    char pid[24], cpu[24], runs[24], chan[24];

    for (int i = 0; i < w_nprev; i++) {
        struct procinfo *p = &w_prev[i];
        if (p->pid <= w->me)
            continue;
        ut_line("  pid ", ut_itoa(p->pid, pid), " ", p->name, " ",
                states[p->state >= 1 && p->state <= 5 ? p->state : 0],
                " cpu ", ut_itoa(p->cputicks, cpu), " runs ",
                ut_itoa(p->runs, runs), p->wchan ? " on " : "",
                p->wchan ? ut_xtoa(p->wchan, chan) : "", (char *)0);
    }
}

// Why the test must be stopped now, or 0 to let it go on.
static const char *
w_judge(struct ut_watch *w, const struct ut_test *t, int progressed)
{
    w->quiet = progressed ? 0 : w->quiet + 1;
    if (w->cpu > (uint64)(t->slow ? ut_cpu_slow : ut_cpu_fast))
        return "used its CPU budget (spinning?)";
    if (w->quiet > ut_stall_polls)
        return "made no progress (blocked?)";
    return 0;
}

// Polls until the test process is a zombie, then reaps it and returns
// its exit status. With why, stops early (returning 1) when w_judge says
// so; without (the test was killed), gives up after UT_KILL_POLLS polls
// and returns UT_WATCH_ALIVE.
static int
w_until_exit(struct ut_watch *w, const struct ut_test *t, const char **why)
{
    int status = 0, got;

    for (int polls = 0; why || polls < UT_KILL_POLLS; polls++) {
        int progressed = w_sample(w);
        if (w->state == 5 || w->state == 0) {
            // Anything else reaped here is an earlier test given up on.
            while ((got = wait(&status)) != w->pid && got >= 0)
                ;
            return got < 0 ? 1 : status;
        }
        if (why && (*why = w_judge(w, t, progressed)) != 0)
            return 1;
        sleep(1);
    }
    return UT_WATCH_ALIVE;
}

int
ut_watch(const struct ut_test *t, int pid, uint64 *cpu_used)
{
    struct ut_watch w = {.me = getpid(), .pid = pid};
    const char *why = 0;
    int status;
    char num[24];

    w_nprev = 0;
    status = w_until_exit(&w, t, &why);
    *cpu_used = w.cpu;
    if (why == 0)
        return status;
    ut_line("FAIL ", t->name, ": ", why, " after ", ut_itoa(w.cpu, num),
            " ticks of CPU; its processes:", (char *)0);
    w_dump(&w);
    kill(pid);
    ut_kill_descendants();
    if (w_until_exit(&w, t, 0) == UT_WATCH_ALIVE)
        ut_line("FAIL ", t->name, ": still alive after kill", (char *)0);
    return UT_WATCH_KILLED;
}
