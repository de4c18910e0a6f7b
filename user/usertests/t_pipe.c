// Pipe tests: large transfers, end-of-file and broken-pipe rules, dup,
// several writers, fd exhaustion. Uses only system calls and ut.h.
#include "ut.h"

#define PIPE_BIG (100 * 1024)

static uchar pbuf[2048];

// Byte k of the big stream: varies with position and is not periodic in
// the pipe buffer size, so a lost or repeated chunk shows.
static uchar
pipe_pat(int k)
{
    return (uchar)(k * 7 + k / 251);
}

static void
pipe_basic(void)
{
    int fds[2];
    char buf[8];

    UT_EQ(pipe(fds), 0);
    UT_CHECK(fds[0] >= 3 && fds[1] >= 3 && fds[0] != fds[1]);
    UT_EQ(write(fds[1], "hello", 5), 5);
    UT_EQ(read(fds[0], buf, sizeof(buf)), 5);
    UT_EQ(memcmp(buf, "hello", 5), 0);
    // Wrong direction on each end.
    UT_EQ(read(fds[1], buf, 1), -1);
    UT_EQ(write(fds[0], "x", 1), -1);
    close(fds[0]);
    close(fds[1]);
}

static void
pipe_big_writer(int fd)
{
    int k = 0, n;

    for (int i = 0; k < PIPE_BIG; i++) {
        n = 1 + (i * 37) % 1500;
        if (n > PIPE_BIG - k)
            n = PIPE_BIG - k;
        for (int j = 0; j < n; j++)
            pbuf[j] = pipe_pat(k + j);
        if (write(fd, pbuf, n) != n)
            exit(2);
        k += n;
    }
    exit(0);
}

// 100 KiB between two processes, odd chunk sizes on both sides.
static void
pipe_big(void)
{
    int fds[2], pid, total = 0, n;

    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        close(fds[0]);
        pipe_big_writer(fds[1]);
    }
    close(fds[1]);
    for (int i = 0;; i++) {
        n = read(fds[0], pbuf, 1 + (i * 53) % 2000);
        if (n <= 0)
            break;
        for (int j = 0; j < n; j++)
            if (pbuf[j] != pipe_pat(total + j))
                UT_FAIL("pipe data corrupted");
        total += n;
    }
    UT_EQ(n, 0);
    UT_EQ(total, PIPE_BIG);
    UT_EQ(UT_WAIT(pid), 0);
    close(fds[0]);
}

// No writer left: read drains what is buffered, then returns 0.
static void
pipe_eof(void)
{
    int fds[2];
    char buf[4];

    UT_EQ(pipe(fds), 0);
    UT_EQ(write(fds[1], "ab", 2), 2);
    close(fds[1]);
    UT_EQ(read(fds[0], buf, sizeof(buf)), 2);
    UT_EQ(read(fds[0], buf, sizeof(buf)), 0);
    UT_EQ(read(fds[0], buf, sizeof(buf)), 0);
    close(fds[0]);
}

// A writer's exit closes its end: the reader sees EOF.
static void
pipe_exit_closes(void)
{
    int fds[2], pid;
    char buf[4];

    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        write(fds[1], "z", 1);
        exit(0);
    }
    close(fds[1]);
    UT_EQ(read(fds[0], buf, sizeof(buf)), 1);
    UT_EQ(buf[0], 'z');
    UT_EQ(read(fds[0], buf, sizeof(buf)), 0);
    UT_EQ(UT_WAIT(pid), 0);
    close(fds[0]);
}

// No reader: write fails with -1 (no signals here), never blocks or kills.
static void
pipe_no_reader(void)
{
    int fds[2], pid;

    UT_EQ(pipe(fds), 0);
    close(fds[0]);
    pid = UT_FORK();
    if (pid == 0)
        exit(write(fds[1], "x", 1) == -1 ? 0 : 2);
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(write(fds[1], "x", 1), -1);
    close(fds[1]);
}

// The reader goes away while the writer is blocked on a full pipe.
static void
pipe_reader_leaves(void)
{
    int fds[2], pid, r;

    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        close(fds[0]);
        for (int i = 0; i < 400; i++) {
            r = write(fds[1], pbuf, 512);
            if (r < 0)
                exit(0);
        }
        exit(3);
    }
    close(fds[1]);
    UT_EQ(read(fds[0], pbuf, 10), 10);
    sleep(2);
    close(fds[0]);
    UT_EQ(UT_WAIT(pid), 0);
}

// EOF comes only when every copy of the write end is closed.
static void
pipe_dup(void)
{
    int fds[2], w2;
    char buf[4];

    UT_EQ(pipe(fds), 0);
    w2 = dup(fds[1]);
    UT_CHECK(w2 >= 0);
    close(fds[1]);
    UT_EQ(write(w2, "q", 1), 1);
    UT_EQ(read(fds[0], buf, sizeof(buf)), 1);
    UT_EQ(buf[0], 'q');
    UT_EQ(write(w2, "rs", 2), 2);
    close(w2);
    UT_EQ(read(fds[0], buf, sizeof(buf)), 2);
    UT_EQ(read(fds[0], buf, sizeof(buf)), 0);
    close(fds[0]);
}

// Four writers, one reader: every byte arrives exactly once.
static void
pipe_writers(void)
{
    int fds[2], counts[4] = {0, 0, 0, 0}, n, pid;

    UT_EQ(pipe(fds), 0);
    for (int w = 0; w < 4; w++) {
        pid = UT_FORK();
        if (pid == 0) {
            close(fds[0]);
            memset(pbuf, 'a' + w, 100);
            for (int i = 0; i < 20; i++)
                if (write(fds[1], pbuf, 100) != 100)
                    exit(2);
            exit(0);
        }
    }
    close(fds[1]);
    while ((n = read(fds[0], pbuf, sizeof(pbuf))) > 0) {
        for (int i = 0; i < n; i++) {
            UT_CHECK(pbuf[i] >= 'a' && pbuf[i] < 'a' + 4);
            counts[pbuf[i] - 'a']++;
        }
    }
    UT_EQ(n, 0);
    for (int w = 0; w < 4; w++) {
        UT_EQ(counts[w], 2000);
        UT_CHECK(wait(&n) > 0);
        UT_EQ(n, 0);
    }
    close(fds[0]);
}

// A reader blocks until data comes, then returns what is there
// without waiting for the full count.
static void
pipe_blocking(void)
{
    int fds[2], pid;
    char buf[100];

    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        sleep(3);
        write(fds[1], "late", 4);
        sleep(3);
        exit(0);
    }
    UT_EQ(read(fds[0], buf, sizeof(buf)), 4);
    UT_EQ(memcmp(buf, "late", 4), 0);
    UT_EQ(UT_WAIT(pid), 0);
    close(fds[0]);
    close(fds[1]);
}

static void
pipe_lengths(void)
{
    int fds[2];
    char buf[4];

    UT_EQ(pipe(fds), 0);
    UT_EQ(write(fds[1], buf, 0), 0);
    UT_EQ(write(fds[1], buf, -1), -1);
    UT_EQ(write(fds[1], "k", 1), 1);
    UT_EQ(read(fds[0], buf, -1), -1);
    UT_EQ(read(fds[0], buf, 0), 0);
    // n = 0 on an empty pipe with a writer must not wait for data.
    UT_EQ(read(fds[0], buf, 1), 1);
    UT_EQ(read(fds[0], buf, 0), 0);
    UT_EQ(write(fds[1], "k", 1), 1);
    UT_EQ(read(fds[0], buf, 1), 1);
    UT_EQ(buf[0], 'k');
    close(fds[0]);
    close(fds[1]);
}

// Creating and closing many pipes leaves no fds (and, per the runner,
// no pages) behind.
static void
pipe_many(void)
{
    int fds[2], low = ut_lowest_fd();

    for (int i = 0; i < 500; i++) {
        UT_EQ(pipe(fds), 0);
        UT_EQ(fds[0], low);
        if (i & 1)
            UT_EQ(write(fds[1], "x", 1), 1);
        close(fds[0]);
        close(fds[1]);
    }
    UT_EQ(ut_lowest_fd(), low);
}

// With one free fd, pipe() needs two: it fails and takes none.
static void
pipe_fd_full(void)
{
    int fds[2] = {-7, -7}, last = -1, fd;

    while ((fd = dup(0)) >= 0)
        last = fd;
    UT_EQ(last, NOFILE - 1);
    close(last);
    UT_EQ(pipe(fds), -1);
    UT_EQ(ut_lowest_fd(), last);
    close(last - 1);
    UT_EQ(pipe(fds), 0);
    UT_EQ(fds[0] + fds[1], 2 * NOFILE - 3);
    UT_EQ(dup(0), -1);
}

const struct ut_test ut_pipe_tests[] = {
    {"pipe_basic", pipe_basic, 0},
    {"pipe_big", pipe_big, 0},
    {"pipe_eof", pipe_eof, 0},
    {"pipe_exit_closes", pipe_exit_closes, 0},
    {"pipe_no_reader", pipe_no_reader, 0},
    {"pipe_reader_leaves", pipe_reader_leaves, 0},
    {"pipe_dup", pipe_dup, 0},
    {"pipe_writers", pipe_writers, 0},
    {"pipe_blocking", pipe_blocking, 0},
    {"pipe_lengths", pipe_lengths, 0},
    {"pipe_many", pipe_many, 0},
    {"pipe_fd_full", pipe_fd_full, 0},
    {0, 0, 0},
};
