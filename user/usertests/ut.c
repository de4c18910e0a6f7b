// usertests framework helpers: failure reports, fork/wait/kill wrappers,
// one-line output and small file and memory helpers. Knows no test.
#include <stdarg.h>
#include "ut.h"

const char *ut_name = "usertests";
int ut_line_fd = 1;
uint64 ut_heap_start;

char *
ut_itoa(int64 v, char *out)
{
    char tmp[24];
    uint64 mag = v < 0 ? -(uint64)v : (uint64)v;
    int n = 0, i = 0;

    do {
        tmp[n++] = '0' + mag % 10;
        mag /= 10;
    } while (mag);
    if (v < 0)
        out[i++] = '-';
    while (n > 0)
        out[i++] = tmp[--n];
    out[i] = 0;
    return out;
}

char *
ut_xtoa(uint64 v, char *out)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[20];
    int n = 0, i = 0;

    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v);
    out[i++] = '0';
    out[i++] = 'x';
    while (n > 0)
        out[i++] = tmp[--n];
    out[i] = 0;
    return out;
}

// Builds the whole line first: one write() keeps lines from concurrent
// processes from interleaving character by character.
void
ut_line(const char *first, ...)
{
    char buf[512];
    int n = 0;
    const char *s;
    va_list ap;

    va_start(ap, first);
    for (s = first; s; s = va_arg(ap, const char *))
        while (*s && n < (int)sizeof(buf) - 1)
            buf[n++] = *s++;
    va_end(ap);
    buf[n++] = '\n';
    write(ut_line_fd, buf, n);
}

static const char *note_label;
static int64 note_value;

void
ut_note(const char *label, int64 value)
{
    note_label = label;
    note_value = value;
}

// The note as " [label value]", or "" without one.
static const char *
ut_note_text(char *out)
{
    char *p = out;

    if (note_label == 0)
        return "";
    *p++ = ' ';
    *p++ = '[';
    strcpy(p, note_label);
    p += strlen(p);
    *p++ = ' ';
    ut_xtoa((uint64)note_value, p);
    p += strlen(p);
    *p++ = ']';
    *p = 0;
    return out;
}

void
ut_fail(const char *file, int line, const char *msg)
{
    char num[24], note[64];

    ut_line("FAIL ", ut_name, ": ", file, ":", ut_itoa(line, num), ": ", msg,
            ut_note_text(note), (char *)0);
    exit(1);
}

// Large values are most likely addresses: show them in hex too.
static char *
ut_fmt_value(int64 v, char *out)
{
    char *end;

    ut_itoa(v, out);
    if (v > -65536 && v < 65536)
        return out;
    end = out + strlen(out);
    end[0] = ' ';
    end[1] = '(';
    ut_xtoa((uint64)v, end + 2);
    end += strlen(end);
    end[0] = ')';
    end[1] = 0;
    return out;
}

void
ut_fail_eq(const char *file, int line, const char *expr, int64 got, int64 want)
{
    char num[24], g[48], w[48], note[64];

    ut_line("FAIL ", ut_name, ": ", file, ":", ut_itoa(line, num), ": ", expr,
            " (got ", ut_fmt_value(got, g), ", want ", ut_fmt_value(want, w),
            ")", ut_note_text(note), (char *)0);
    exit(1);
}

int
ut_fork_at(const char *file, int line)
{
    int pid = fork();

    if (pid < 0)
        ut_fail(file, line, "fork failed");
    return pid;
}

int
ut_wait_at(const char *file, int line, int pid)
{
    int status = 0x5a5a5a5a;
    int got = wait(&status);

    if (got != pid)
        ut_fail_eq(file, line, "wait() == pid", got, pid);
    return status;
}

void
ut_killed_at(const char *file, int line, void (*fn)(uint64), uint64 arg)
{
    int pid = ut_fork_at(file, line);
    int status;

    if (pid == 0) {
        fn(arg);
        exit(2);
    }
    status = ut_wait_at(file, line, pid);
    if (status != -1)
        ut_fail_eq(file, line, "expected a kill: status == -1", status, -1);
}

// noinline and a separate file: the compiler must not see the address
// (it may turn a constant null dereference into a trap instruction).
__attribute__((noinline)) void
ut_load(uint64 va)
{
    (void)*(volatile char *)va;
}

__attribute__((noinline)) void
ut_store(uint64 va)
{
    *(volatile char *)va = 0x5a;
}

__attribute__((noinline)) void
ut_call(uint64 va)
{
    ((void (*)(void))va)();
}

void
ut_spin_exit(int ticks)
{
    int stop = uptime() + ticks;

    while (uptime() < stop)
        for (volatile int i = 0; i < 100000; i++)
            ;
    exit(0);
}

void
ut_meminfo(struct meminfo *m)
{
    if (meminfo(m) != 0)
        UT_FAIL("meminfo() failed");
}

int
ut_nprocs(void)
{
    // Static: NPROC entries are too big for a test's one-page stack.
    static struct procinfo all[NPROC];

    return procinfo(all, NPROC);
}

int
ut_settle(int n)
{
    // An orphan is reaped by init when init gets to run, so how long this
    // takes follows the machine, not the test: poll, with a generous
    // bound that only a process that never ends reaches.
    for (int polls = 0; polls < UT_SETTLE_POLLS; polls++) {
        if (ut_nprocs() <= n)
            return 1;
        sleep(1);
    }
    return 0;
}

void
ut_await_state(int pid, int state)
{
    static struct procinfo all[NPROC];
    uint64 first = 0;

    for (int seen = 0;; seen = 1) {
        int n = procinfo(all, NPROC), i;
        for (i = 0; i < n && all[i].pid != pid; i++)
            ;
        if (i >= n)
            UT_FAIL("the process awaited is gone");
        if (all[i].state == state)
            return;
        if (!seen)
            first = all[i].cputicks;
        else if (all[i].cputicks - first >= UT_AWAIT_TICKS)
            UT_FAIL("the process awaited ran on without reaching its state");
        // Spread the polls between ticks: a sleep() sleeper wakes briefly
        // at each tick, just when a poller woken by that tick would look.
        for (volatile int j = 0; j < 20000; j++)
            ;
    }
}

uint64
ut_free_pages(void)
{
    struct meminfo m;

    ut_meminfo(&m);
    return m.free_pages;
}

int
ut_lowest_fd(void)
{
    int fd = dup(0);

    if (fd >= 0)
        close(fd);
    return fd;
}

void
ut_write_file(const char *path, const void *buf, int n)
{
    int fd = open(path, O_CREATE | O_TRUNC | O_WRONLY);

    if (fd < 0)
        UT_FAIL("ut_write_file: cannot create the file");
    if (write(fd, buf, n) != n)
        UT_FAIL("ut_write_file: short write");
    close(fd);
}

void
ut_read_file(const char *path, void *buf, int max, int want)
{
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        UT_FAIL("ut_read_file: cannot open the file");
    UT_EQ(read(fd, buf, max), want);
    close(fd);
}

int
ut_fork_sleepers(int fds[2])
{
    int n = 0, pid;
    char c;

    while (n < NPROC && (pid = fork()) >= 0) {
        if (pid == 0) {
            close(fds[1]);
            read(fds[0], &c, 1);
            exit(0);
        }
        n++;
    }
    return n;
}
