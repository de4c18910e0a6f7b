// Bad arguments to every system call: wild pointers, kernel and trapframe
// addresses, the break, bad fds. Each must return -1, never hang or kill.
#include "ut.h"

static uint64 bad[UT_NBAD];
static char abuf[64];

// The list is built per call: the break and the stack move between tests.
int
ut_bad_addrs(uint64 *out)
{
    static const uint64 fixed[] = {
        0,
        1,
        0x80000000UL,
        0x80200000UL,
        0xffffffffffffffffUL,
        0xfffffffffffff000UL,
        UT_TRAPFRAME,
        UT_TRAMPOLINE,
        MAXVA,
        MAXVA + PGSIZE,
        0x3000000000UL,
        1UL << 48,
    };
    uint64 brk = (uint64)sbrk(0);
    int n = 0, local;

    for (; n < (int)(sizeof(fixed) / sizeof(fixed[0])); n++)
        out[n] = fixed[n];
    // Memory is mapped a page at a time: the rest of the break's own page
    // is readable, so the first bad address is the next page boundary.
    out[n++] = PGROUNDUP(brk);
    out[n++] = PGROUNDUP(brk) + 10 * PGSIZE;
    out[n++] = PGROUNDDOWN((uint64)&local) - PGSIZE;
    return n;
}

static int
args_open_sample(void)
{
    int fd;

    for (int i = 0; i < (int)sizeof(abuf); i++)
        abuf[i] = 'A' + i % 26;
    ut_write_file("uta_sample", abuf, sizeof(abuf));
    fd = open("uta_sample", O_RDONLY);
    UT_CHECK(fd >= 0);
    return fd;
}

static void
args_read(void)
{
    int n = ut_bad_addrs(bad), fd = args_open_sample();

    for (int i = 0; i < n; i++) {
        ut_note("addr", bad[i]);
        UT_EQ(read(fd, (void *)bad[i], 10), -1);
    }
    close(fd);
    UT_EQ(unlink("uta_sample"), 0);
}

// Text is readable but not writable: read() may not store into it.
static void
args_read_into_text(void)
{
    uint64 text = (uint64)args_read;
    uchar before[16];
    int fd = args_open_sample();

    memmove(before, (void *)text, sizeof(before));
    UT_EQ(read(fd, (void *)text, sizeof(before)), -1);
    UT_EQ(memcmp(before, (void *)text, sizeof(before)), 0);
    close(fd);
    // Reading text as a write() source is fine.
    fd = open("uta_sample", O_WRONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(write(fd, (void *)text, sizeof(before)), sizeof(before));
    close(fd);
    UT_EQ(unlink("uta_sample"), 0);
}

static void
args_read_pipe(void)
{
    int n = ut_bad_addrs(bad), fds[2];

    UT_EQ(pipe(fds), 0);
    for (int i = 0; i < n; i++) {
        ut_note("addr", bad[i]);
        // One byte per try so a read can never block on an empty pipe.
        UT_EQ(write(fds[1], "b", 1), 1);
        UT_EQ(read(fds[0], (void *)bad[i], 10), -1);
    }
    close(fds[0]);
    close(fds[1]);
}

// Nothing reaches a file or pipe from a bad source buffer.
static void
args_write(void)
{
    int n = ut_bad_addrs(bad), fd, fds[2];
    struct stat st;

    unlink("uta_w");
    fd = open("uta_w", O_CREATE | O_RDWR);
    UT_CHECK(fd >= 0);
    UT_EQ(pipe(fds), 0);
    for (int i = 0; i < n; i++) {
        ut_note("addr", bad[i]);
        UT_EQ(write(fd, (void *)bad[i], 10), -1);
        UT_EQ(write(fds[1], (void *)bad[i], 10), -1);
    }
    ut_note(0, 0);
    UT_EQ(fstat(fd, &st), 0);
    UT_EQ(st.size, 0);
    UT_EQ(write(fds[1], "k", 1), 1);
    UT_EQ(read(fds[0], abuf, sizeof(abuf)), 1);
    UT_EQ(abuf[0], 'k');
    close(fd);
    close(fds[0]);
    close(fds[1]);
    UT_EQ(unlink("uta_w"), 0);
}

// A buffer that starts below the break and ends above it is bad too.
static void
args_straddle_break(void)
{
    int fd = args_open_sample();
    char *brk = sbrk(PGSIZE) + PGSIZE;

    UT_EQ(read(fd, brk - 5, 10), -1);
    close(fd);
    fd = open("uta_sample", O_WRONLY | O_TRUNC);
    UT_CHECK(fd >= 0);
    // The bytes before the bad page are written and counted, and the
    // offset moves by exactly that much.
    UT_EQ(write(fd, brk - 5, 10), 5);
    UT_EQ(write(fd, brk, 10), -1); // nothing at all: -1
    close(fd);
    fd = open("uta_sample", O_WRONLY | O_TRUNC);
    UT_CHECK(fd >= 0);
    UT_EQ(write(fd, brk - 2048, 4096), 2048);
    struct stat st;
    UT_EQ(fstat(fd, &st), 0);
    UT_EQ(st.size, 2048);
    UT_EQ(write(fd, "z", 1), 1);
    UT_EQ(fstat(fd, &st), 0);
    UT_EQ(st.size, 2049);
    close(fd);
    UT_EQ(unlink("uta_sample"), 0);
}

// Every call taking a path: open, unlink, mkdir, chdir, mknod, link.
static void
args_paths(void)
{
    int n = ut_bad_addrs(bad);
    const char *p;

    ut_write_file("uta_p", "p", 1);
    for (int i = 0; i < n; i++) {
        ut_note("addr", bad[i]);
        p = (const char *)bad[i];
        UT_EQ(open(p, O_RDONLY), -1);
        UT_EQ(open(p, O_CREATE | O_RDWR), -1);
        UT_EQ(unlink(p), -1);
        UT_EQ(mkdir(p), -1);
        UT_EQ(chdir(p), -1);
        UT_EQ(mknod(p, 1, 0), -1);
        UT_EQ(link(p, "uta_q"), -1);
        UT_EQ(link("uta_p", p), -1);
    }
    ut_note(0, 0);
    UT_EQ(ut_lowest_fd(), 3);
    UT_EQ(unlink("uta_q"), -1);
    UT_EQ(unlink("uta_p"), 0);
}

// A path that runs into the break without a NUL.
static void
args_path_unterminated(void)
{
    char *brk = sbrk(PGSIZE) + PGSIZE;

    memset(brk - 40, 'u', 40);
    UT_EQ(open(brk - 40, O_CREATE | O_RDWR), -1);
    UT_EQ(mkdir(brk - 40), -1);
    UT_EQ(unlink(brk - 40), -1);
    UT_EQ(chdir(brk - 40), -1);
    // Terminated, the same bytes are a good (DIRSIZ-truncated) name.
    brk[-1] = 0;
    UT_EQ(mkdir(brk - 40), 0);
    UT_EQ(unlink(brk - 40), 0);
}

static void
args_fstat(void)
{
    int n = ut_bad_addrs(bad), fd = args_open_sample();

    for (int i = 0; i < n; i++) {
        ut_note("addr", bad[i]);
        UT_EQ(fstat(fd, (struct stat *)bad[i]), -1);
    }
    close(fd);
    UT_EQ(unlink("uta_sample"), 0);
}

// A failed copy-out must not leave the two new fds behind.
static void
args_pipe(void)
{
    int n = ut_bad_addrs(bad), low = ut_lowest_fd();

    for (int i = 0; i < n; i++) {
        ut_note("addr", bad[i]);
        UT_EQ(pipe((int *)bad[i]), -1);
        UT_EQ(ut_lowest_fd(), low);
    }
}

// wait(0) is legal, so the null address is skipped. A failed copy-out
// may keep the zombie for a later wait or drop it, but never lose count.
static void
args_wait(void)
{
    int n = ut_bad_addrs(bad), pid, r, status;

    for (int i = 0; i < n; i++) {
        ut_note("addr", bad[i]);
        if (bad[i] == 0)
            continue;
        pid = UT_FORK();
        if (pid == 0)
            exit(5);
        UT_EQ(wait((int *)bad[i]), -1);
        status = 0;
        r = wait(&status);
        UT_CHECK(r == -1 || (r == pid && status == 5));
        UT_EQ(wait(0), -1);
    }
}

static void
args_info(void)
{
    int n = ut_bad_addrs(bad);

    for (int i = 0; i < n; i++) {
        ut_note("addr", bad[i]);
        UT_EQ(meminfo((struct meminfo *)bad[i]), -1);
        UT_EQ(procinfo((struct procinfo *)bad[i], NPROC), -1);
    }
}

// Out-of-range and closed fds fail everywhere an fd is taken.
static void
args_bad_fd(void)
{
    static const int fds[] = {-1, NOFILE, 100, -100000, 0x7fffffff, 9};
    struct stat st;

    for (int i = 0; i < (int)(sizeof(fds) / sizeof(fds[0])); i++) {
        UT_EQ(read(fds[i], abuf, 1), -1);
        UT_EQ(write(fds[i], abuf, 1), -1);
        UT_EQ(fstat(fds[i], &st), -1);
        UT_EQ(dup(fds[i]), -1);
        UT_EQ(close(fds[i]), -1);
    }
    UT_EQ(ut_lowest_fd(), 3);
    UT_EQ(close(dup(0)), 0);
    UT_EQ(close(3), -1);
}

const struct ut_test ut_args_tests[] = {
    {"args_read", args_read, 0},
    {"args_read_into_text", args_read_into_text, 0},
    {"args_read_pipe", args_read_pipe, 0},
    {"args_write", args_write, 0},
    {"args_straddle_break", args_straddle_break, 0},
    {"args_paths", args_paths, 0},
    {"args_path_unterminated", args_path_unterminated, 0},
    {"args_fstat", args_fstat, 0},
    {"args_pipe", args_pipe, 0},
    {"args_wait", args_wait, 0},
    {"args_info", args_info, 0},
    {"args_bad_fd", args_bad_fd, 0},
    {0, 0, 0},
};
