// Process tests: fork, exit, wait, kill, getpid, sleep, uptime, procinfo
// and the process-table limit. Uses only system calls and ut.h.
#include "ut.h"

static struct procinfo pi_buf[NPROC];

// Exit statuses pass through wait() unchanged, including wide values.
static void
proc_exit_status(void)
{
    static const int codes[] = {0, 1, 42, 255, 1000};
    int pid;

    for (int i = 0; i < (int)(sizeof(codes) / sizeof(codes[0])); i++) {
        pid = UT_FORK();
        if (pid == 0)
            exit(codes[i]);
        UT_EQ(UT_WAIT(pid), codes[i]);
    }
}

// Children finishing out of order are each reaped once with their status.
static void
proc_wait_order(void)
{
    int pids[5], seen = 0, status, w, i;

    for (i = 0; i < 5; i++) {
        pids[i] = UT_FORK();
        if (pids[i] == 0) {
            sleep((5 - i) * 2);
            exit(10 + i);
        }
    }
    for (int n = 0; n < 5; n++) {
        w = wait(&status);
        for (i = 0; i < 5 && pids[i] != w; i++)
            ;
        UT_CHECK(i < 5);
        UT_CHECK((seen & (1 << i)) == 0);
        seen |= 1 << i;
        UT_EQ(status, 10 + i);
    }
    UT_EQ(wait(0), -1);
}

static void
proc_wait_nochild(void)
{
    int status = 1234;

    UT_EQ(wait(0), -1);
    UT_EQ(wait(&status), -1);
    UT_EQ(status, 1234);
}

// wait(0) reaps without storing the status (xv6's sh relies on it).
static void
proc_wait_null(void)
{
    int pid = UT_FORK();

    if (pid == 0)
        exit(3);
    UT_EQ(wait(0), pid);
    UT_EQ(wait(0), -1);
}

static void
proc_getpid(void)
{
    int me = getpid(), fds[2], pid, got = 0;

    UT_CHECK(me > 1);
    UT_EQ(getpid(), me);
    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        got = getpid();
        write(fds[1], &got, sizeof(got));
        exit(got != me ? 0 : 2);
    }
    UT_EQ(read(fds[0], &got, sizeof(got)), sizeof(got));
    UT_EQ(got, pid);
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(getpid(), me);
    close(fds[0]);
    close(fds[1]);
}

// The child gets a copy of memory, not a share of it.
static void
proc_fork_copy(void)
{
    static volatile int shared_check = 5;
    int pid = UT_FORK();

    if (pid == 0) {
        if (shared_check != 5)
            exit(2);
        shared_check = 7;
        exit(shared_check == 7 ? 0 : 3);
    }
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(shared_check, 5);
}

// Fill the process table: fork() must fail cleanly, and every child
// must still be reaped, leaving the table usable.
static void
proc_fork_full(void)
{
    int fds[2], n = 0, pid, status;
    char c;

    UT_EQ(pipe(fds), 0);
    for (;;) {
        pid = fork();
        if (pid < 0)
            break;
        if (pid == 0) {
            close(fds[1]);
            exit(read(fds[0], &c, 1) == 0 ? 0 : 2);
        }
        n++;
        UT_CHECK(n < NPROC);
    }
    UT_CHECK(n >= NPROC / 2);
    close(fds[1]);
    for (int i = 0; i < n; i++) {
        status = 9;
        UT_CHECK(wait(&status) > 0);
        UT_EQ(status, 0);
    }
    UT_EQ(wait(0), -1);
    close(fds[0]);
    pid = UT_FORK();
    if (pid == 0)
        exit(0);
    UT_EQ(UT_WAIT(pid), 0);
}

// A tree of forks four levels deep; each node reports its subtree size.
static int
proc_tree_node(int depth)
{
    int a, b, sa, sb;

    if (depth == 0)
        return 1;
    a = fork();
    if (a == 0)
        exit(proc_tree_node(depth - 1));
    b = fork();
    if (b == 0)
        exit(proc_tree_node(depth - 1));
    if (a < 0 || b < 0)
        exit(200);
    if (wait(&sa) < 0 || wait(&sb) < 0)
        exit(201);
    return 1 + sa + sb;
}

static void
proc_fork_tree(void)
{
    int pid = UT_FORK();
    int status;

    if (pid == 0)
        exit(proc_tree_node(4));
    status = UT_WAIT(pid);
    UT_EQ(status, 31);
}

static void
proc_kill_bad(void)
{
    int pid;

    UT_EQ(kill(-1), -1);
    UT_EQ(kill(0), -1);
    UT_EQ(kill(100000), -1);
    UT_EQ(kill(0x7fffffff), -1);
    UT_EQ(kill(-0x7fffffff - 1), -1);
    UT_EQ(kill(1), -1); // init: refused (it must never exit)
    // A reaped child's pid names nobody any more.
    pid = UT_FORK();
    if (pid == 0)
        exit(0);
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(kill(pid), -1);
}

// Kill must cut a long sleep() short.
static void
proc_kill_sleeping(void)
{
    int pid = UT_FORK();
    int t0;

    if (pid == 0) {
        sleep(1000);
        exit(2);
    }
    sleep(2);
    t0 = uptime();
    UT_EQ(kill(pid), 0);
    UT_EQ(UT_WAIT(pid), -1);
    UT_CHECK(uptime() - t0 < 100);
}

// Kill wakes a reader blocked on an empty pipe.
static void
proc_kill_pipe_reader(void)
{
    int fds[2], pid;
    char c;

    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        read(fds[0], &c, 1);
        exit(2);
    }
    sleep(2);
    UT_EQ(kill(pid), 0);
    UT_EQ(UT_WAIT(pid), -1);
    close(fds[0]);
    close(fds[1]);
}

// Kill wakes a parent blocked in wait(); its own child then sees EOF
// on a pipe only the killed process kept open, and exits.
static void
proc_kill_in_wait(void)
{
    int fds[2], pid, gc;
    char c;

    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        gc = fork();
        if (gc == 0) {
            close(fds[1]);
            read(fds[0], &c, 1);
            exit(0);
        }
        wait(0);
        exit(2);
    }
    close(fds[1]);
    close(fds[0]);
    sleep(2);
    UT_EQ(kill(pid), 0);
    UT_EQ(UT_WAIT(pid), -1);
}

// A process spinning in user mode dies at its next trap.
static void
proc_kill_spinning(void)
{
    int pid = UT_FORK();

    if (pid == 0)
        ut_spin_exit(1000);
    sleep(1);
    UT_EQ(kill(pid), 0);
    UT_EQ(UT_WAIT(pid), -1);
}

static void
proc_kill_self(void)
{
    int pid = UT_FORK();

    if (pid == 0) {
        kill(getpid());
        for (int i = 0; i < 1000; i++)
            getpid();
        exit(2);
    }
    UT_EQ(UT_WAIT(pid), -1);
}

// A child that exits before its own child: we reap it and only it; init
// takes the orphan (the runner's leak check sees its pages come back).
static void
proc_orphan(void)
{
    int pid = UT_FORK();

    if (pid == 0) {
        if (fork() == 0) {
            sleep(3);
            exit(0);
        }
        exit(7);
    }
    UT_EQ(UT_WAIT(pid), 7);
    UT_EQ(wait(0), -1);
    sleep(6);
}

static void
proc_sleep_ticks(void)
{
    int t0 = uptime(), d;

    UT_CHECK(t0 >= 0);
    UT_EQ(sleep(10), 0);
    d = uptime() - t0;
    UT_CHECK(d >= 10);
    UT_CHECK(d < 40);
    t0 = uptime();
    UT_EQ(sleep(0), 0);
    UT_CHECK(uptime() - t0 <= 1);
}

// Ticks advance while we compute in user mode, and never go backwards.
static void
proc_uptime(void)
{
    int t0 = uptime(), last, now, i;

    for (i = 0; i < 4000 && uptime() == t0; i++)
        for (volatile int j = 0; j < 100000; j++)
            ;
    UT_CHECK(i < 4000);
    last = uptime();
    for (i = 0; i < 2000; i++) {
        now = uptime();
        UT_CHECK(now >= last);
        last = now;
    }
}

// Finds pid in a fresh procinfo() snapshot; 0 if absent.
static struct procinfo *
proc_find(int pid)
{
    int n = procinfo(pi_buf, NPROC);

    UT_CHECK(n > 0 && n <= NPROC);
    for (int i = 0; i < n; i++)
        if (pi_buf[i].pid == pid)
            return &pi_buf[i];
    return 0;
}

static void
proc_procinfo(void)
{
    struct procinfo *p;
    int pid;

    UT_CHECK(proc_find(1) != 0);
    p = proc_find(getpid());
    UT_CHECK(p != 0);
    UT_EQ(p->state, 4);
    UT_EQ(strcmp(p->name, "usertests"), 0);
    UT_EQ(p->vsize, (uint64)sbrk(0));
    UT_CHECK(p->resident_pages > 0);
    pid = UT_FORK();
    if (pid == 0) {
        sleep(1000);
        exit(2);
    }
    ut_await_state(pid, 2);
    UT_EQ(kill(pid), 0);
    ut_await_state(pid, 5);
    UT_EQ(UT_WAIT(pid), -1);
    UT_CHECK(proc_find(pid) == 0);
}

// procinfo() never writes more than max entries.
static void
proc_procinfo_max(void)
{
    int n;

    pi_buf[0].pid = -12345;
    pi_buf[1].pid = -12345;
    procinfo(pi_buf, 0);
    UT_EQ(pi_buf[0].pid, -12345);
    procinfo(pi_buf, -1);
    UT_EQ(pi_buf[0].pid, -12345);
    n = procinfo(pi_buf, 1);
    UT_CHECK(n >= 1);
    UT_CHECK(pi_buf[0].pid > 0);
    UT_EQ(pi_buf[1].pid, -12345);
}

// Many short-lived processes: nothing may accumulate.
static void
proc_many_forks(void)
{
    int pid;

    for (int i = 0; i < 500; i++) {
        pid = UT_FORK();
        if (pid == 0)
            exit(i & 0x7f);
        UT_EQ(UT_WAIT(pid), i & 0x7f);
    }
}

const struct ut_test ut_proc_tests[] = {
    {"proc_exit_status", proc_exit_status, 0},
    {"proc_wait_order", proc_wait_order, 0},
    {"proc_wait_nochild", proc_wait_nochild, 0},
    {"proc_wait_null", proc_wait_null, 0},
    {"proc_getpid", proc_getpid, 0},
    {"proc_fork_copy", proc_fork_copy, 0},
    {"proc_fork_full", proc_fork_full, 0},
    {"proc_fork_tree", proc_fork_tree, 0},
    {"proc_kill_bad", proc_kill_bad, 0},
    {"proc_kill_sleeping", proc_kill_sleeping, 0},
    {"proc_kill_pipe_reader", proc_kill_pipe_reader, 0},
    {"proc_kill_in_wait", proc_kill_in_wait, 0},
    {"proc_kill_spinning", proc_kill_spinning, 0},
    {"proc_kill_self", proc_kill_self, 0},
    {"proc_orphan", proc_orphan, 0},
    {"proc_sleep_ticks", proc_sleep_ticks, 0},
    {"proc_uptime", proc_uptime, 0},
    {"proc_procinfo", proc_procinfo, 0},
    {"proc_procinfo_max", proc_procinfo_max, 0},
    {"proc_many_forks", proc_many_forks, 1},
    {0, 0, 0},
};
