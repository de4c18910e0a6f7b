// File tests: create/read/write, open flags, shared offsets, big files,
// unlink while open, fd limits, devices. Uses only system calls and ut.h.
#include "ut.h"

static uchar fbuf[4096];

// Byte k of a big file: differs between blocks as well as within one.
static uchar
file_pat(uint k)
{
    return (uchar)((k >> 10) * 31 + (k & 0x3ff) + (k >> 18));
}

static void
file_create_rw(void)
{
    int fd;
    char buf[16];

    unlink("utf_rw");
    UT_EQ(open("utf_rw", O_RDONLY), -1);
    fd = open("utf_rw", O_CREATE | O_WRONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(write(fd, "hello ", 6), 6);
    UT_EQ(write(fd, "world", 5), 5);
    close(fd);
    fd = open("utf_rw", O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(read(fd, buf, 4), 4);
    UT_EQ(read(fd, buf + 4, sizeof(buf) - 4), 7);
    UT_EQ(memcmp(buf, "hello world", 11), 0);
    UT_EQ(read(fd, buf, sizeof(buf)), 0);
    close(fd);
    UT_EQ(unlink("utf_rw"), 0);
    UT_EQ(open("utf_rw", O_RDONLY), -1);
}

// Reads a whole small file into fbuf; returns its length.
static int
file_slurp(const char *path)
{
    int fd = open(path, O_RDONLY), n;

    UT_CHECK(fd >= 0);
    n = read(fd, fbuf, sizeof(fbuf));
    close(fd);
    return n;
}

static void
file_trunc(void)
{
    struct stat st;
    int fd;

    ut_write_file("utf_tr", "0123456789", 10);
    // O_CREATE alone on an existing file keeps its contents.
    fd = open("utf_tr", O_CREATE | O_RDWR);
    UT_CHECK(fd >= 0);
    UT_EQ(fstat(fd, &st), 0);
    UT_EQ(st.size, 10);
    close(fd);
    fd = open("utf_tr", O_TRUNC | O_WRONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(fstat(fd, &st), 0);
    UT_EQ(st.size, 0);
    UT_EQ(write(fd, "ab", 2), 2);
    close(fd);
    UT_EQ(file_slurp("utf_tr"), 2);
    UT_EQ(memcmp(fbuf, "ab", 2), 0);
    UT_EQ(unlink("utf_tr"), 0);
}

// One O_RDWR descriptor: reads and writes share the offset.
static void
file_rdwr(void)
{
    int fd;
    char buf[8];

    ut_write_file("utf_rdwr", "hello", 5);
    fd = open("utf_rdwr", O_RDWR);
    UT_CHECK(fd >= 0);
    UT_EQ(read(fd, buf, 2), 2);
    UT_EQ(write(fd, "XY", 2), 2);
    UT_EQ(read(fd, buf, sizeof(buf)), 1);
    UT_EQ(buf[0], 'o');
    UT_EQ(write(fd, "!", 1), 1);
    close(fd);
    UT_EQ(file_slurp("utf_rdwr"), 6);
    UT_EQ(memcmp(fbuf, "heXYo!", 6), 0);
    UT_EQ(unlink("utf_rdwr"), 0);
}

static void
file_modes(void)
{
    int fd;
    char c;

    ut_write_file("utf_mode", "m", 1);
    fd = open("utf_mode", O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(write(fd, "x", 1), -1);
    UT_EQ(read(fd, &c, 1), 1);
    close(fd);
    fd = open("utf_mode", O_WRONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(read(fd, &c, 1), -1);
    UT_EQ(write(fd, "w", 1), 1);
    close(fd);
    UT_EQ(file_slurp("utf_mode"), 1);
    UT_EQ(fbuf[0], 'w');
    UT_EQ(unlink("utf_mode"), 0);
}

static void
file_lengths(void)
{
    int fd;

    unlink("utf_len");
    fd = open("utf_len", O_CREATE | O_RDWR);
    UT_CHECK(fd >= 0);
    UT_EQ(write(fd, fbuf, -1), -1);
    UT_EQ(write(fd, fbuf, -100000), -1);
    UT_EQ(write(fd, fbuf, 0), 0);
    UT_EQ(read(fd, fbuf, -1), -1);
    UT_EQ(read(fd, fbuf, 0), 0);
    close(fd);
    UT_EQ(file_slurp("utf_len"), 0);
    UT_EQ(unlink("utf_len"), 0);
}

// dup() and fork() share one open file, so one offset.
static void
file_shared_offset(void)
{
    int fd, fd2, pid;

    unlink("utf_off");
    fd = open("utf_off", O_CREATE | O_WRONLY);
    UT_CHECK(fd >= 0);
    fd2 = dup(fd);
    UT_CHECK(fd2 >= 0);
    UT_EQ(write(fd, "ab", 2), 2);
    UT_EQ(write(fd2, "cd", 2), 2);
    pid = UT_FORK();
    if (pid == 0)
        exit(write(fd, "ef", 2) == 2 ? 0 : 2);
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(write(fd2, "g", 1), 1);
    close(fd);
    close(fd2);
    UT_EQ(file_slurp("utf_off"), 7);
    UT_EQ(memcmp(fbuf, "abcdefg", 7), 0);
    UT_EQ(unlink("utf_off"), 0);
}

// Overwriting in place keeps the size; bytes past it are untouched.
static void
file_overwrite(void)
{
    int fd;

    for (int i = 0; i < 3000; i++)
        fbuf[i] = 'a' + i % 26;
    ut_write_file("utf_ow", fbuf, 3000);
    fd = open("utf_ow", O_WRONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(write(fd, "ZZZZ", 4), 4);
    close(fd);
    UT_EQ(file_slurp("utf_ow"), 3000);
    UT_EQ(memcmp(fbuf, "ZZZZe", 5), 0);
    UT_EQ(fbuf[2999], 'a' + 2999 % 26);
    UT_EQ(unlink("utf_ow"), 0);
}

// Writes size bytes in odd chunk sizes (so writes straddle blocks), then
// reads them back in other odd sizes and checks every byte.
static void
file_big_size(const char *path, uint size)
{
    struct stat st;
    uint k = 0;
    int fd, n;

    unlink(path);
    fd = open(path, O_CREATE | O_WRONLY);
    UT_CHECK(fd >= 0);
    for (int i = 0; k < size; i++) {
        n = 1 + (i * 1237) % (int)sizeof(fbuf);
        if ((uint)n > size - k)
            n = size - k;
        for (int j = 0; j < n; j++)
            fbuf[j] = file_pat(k + j);
        UT_EQ(write(fd, fbuf, n), n);
        k += n;
    }
    UT_EQ(fstat(fd, &st), 0);
    UT_EQ(st.size, size);
    close(fd);
    fd = open(path, O_RDONLY);
    UT_CHECK(fd >= 0);
    for (k = 0; (n = read(fd, fbuf, 1 + (k * 7) % 4000)) > 0; k += n)
        for (int j = 0; j < n; j++)
            if (fbuf[j] != file_pat(k + j))
                UT_FAIL("big file data corrupted");
    UT_EQ(n, 0);
    UT_EQ(k, size);
    close(fd);
    UT_EQ(unlink(path), 0);
}

// 300 KiB reaches the double-indirect block (direct + single = 267 KiB).
static void
file_300k(void)
{
    file_big_size("utf_300k", 300 * 1024);
}

static void
file_1m(void)
{
    file_big_size("utf_1m", 1024 * 1024);
}

// The name goes at once; the inode and data live until the last close.
static void
file_unlink_open(void)
{
    struct stat st;
    int w, r;
    char buf[8];

    unlink("utf_ul");
    w = open("utf_ul", O_CREATE | O_WRONLY);
    r = open("utf_ul", O_RDONLY);
    UT_CHECK(w >= 0 && r >= 0);
    UT_EQ(write(w, "still", 5), 5);
    UT_EQ(unlink("utf_ul"), 0);
    UT_EQ(open("utf_ul", O_RDONLY), -1);
    UT_EQ(unlink("utf_ul"), -1);
    UT_EQ(fstat(r, &st), 0);
    UT_EQ(st.nlink, 0);
    UT_EQ(st.size, 5);
    UT_EQ(write(w, " here", 5), 5);
    UT_EQ(read(r, buf, sizeof(buf)), 8);
    UT_EQ(memcmp(buf, "still he", 8), 0);
    close(w);
    close(r);
    // A new file under the old name starts empty.
    r = open("utf_ul", O_CREATE | O_RDWR);
    UT_CHECK(r >= 0);
    UT_EQ(read(r, buf, sizeof(buf)), 0);
    close(r);
    UT_EQ(unlink("utf_ul"), 0);
}

// NOFILE descriptors per process, and a freed slot is reused.
static void
file_fd_limit(void)
{
    int fd, last = -1, count = 0;

    ut_write_file("utf_fdl", "x", 1);
    while ((fd = open("utf_fdl", O_RDONLY)) >= 0) {
        last = fd;
        count++;
        UT_CHECK(count <= NOFILE);
    }
    UT_EQ(last, NOFILE - 1);
    UT_EQ(dup(0), -1);
    UT_EQ(open("utf_fdl", O_CREATE | O_RDWR), -1);
    close(7);
    UT_EQ(open("utf_fdl", O_RDONLY), 7);
    for (fd = 3; fd < NOFILE; fd++)
        UT_EQ(close(fd), 0);
    UT_EQ(ut_lowest_fd(), 3);
    UT_EQ(unlink("utf_fdl"), 0);
}

static void
file_fstat(void)
{
    struct stat st, st2;
    int fd;

    ut_write_file("utf_st", "12345", 5);
    fd = open("utf_st", O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(fstat(fd, &st), 0);
    UT_EQ(st.type, T_FILE);
    UT_EQ(st.size, 5);
    UT_EQ(st.nlink, 1);
    UT_CHECK(st.ino > ROOTINO);
    UT_EQ(stat("utf_st", &st2), 0);
    UT_EQ(st2.ino, st.ino);
    UT_EQ(st2.dev, st.dev);
    close(fd);
    fd = open(".", O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(fstat(fd, &st2), 0);
    UT_EQ(st2.type, T_DIR);
    UT_EQ(st2.dev, st.dev);
    close(fd);
    UT_EQ(unlink("utf_st"), 0);
}

// A device node: T_DEVICE in fstat; a major with no driver cannot open.
static void
file_mknod(void)
{
    struct stat st;
    int fd;

    unlink("utf_dev");
    unlink("utf_nodev");
    UT_EQ(mknod("utf_dev", 1, 0), 0);
    UT_EQ(mknod("utf_dev", 1, 0), -1);
    fd = open("utf_dev", O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(fstat(fd, &st), 0);
    UT_EQ(st.type, T_DEVICE);
    close(fd);
    UT_EQ(mknod("utf_nodev", NDEV + 5, 0), 0);
    UT_EQ(open("utf_nodev", O_RDWR), -1);
    UT_EQ(mknod("utf_neg", -1, 0) == 0 && open("utf_neg", O_RDWR) >= 0, 0);
    unlink("utf_neg");
    UT_EQ(unlink("utf_dev"), 0);
    UT_EQ(unlink("utf_nodev"), 0);
}

// A killed writer stops within a chunk of one long write(), long before
// its end: the kernel checks the killed flag between transactions.
static void
file_kill_long_write(void)
{
    const int n = 48 << 20; // one write() of 48 MiB
    struct stat st;

    unlink("utf_kill");
    int fd = open("utf_kill", O_CREATE | O_WRONLY);
    UT_CHECK(fd >= 0);
    char *buf = sbrk(n); // untouched: the child's copy faults pages in
    UT_CHECK(buf != (char *)-1);
    int pid = UT_FORK();
    if (pid == 0) {
        write(fd, buf, n);
        exit(0);
    }
    // Kill once the write has made progress, then wait for the child.
    do {
        sleep(1);
        UT_EQ(fstat(fd, &st), 0);
    } while (st.size == 0);
    UT_EQ(kill(pid), 0);
    UT_EQ(wait(0), pid);
    UT_EQ(fstat(fd, &st), 0);
    UT_CHECK(st.size > 0 && st.size < (uint64)n);
    close(fd);
    sbrk(-n);
    UT_EQ(unlink("utf_kill"), 0);
}

const struct ut_test ut_file_tests[] = {
    {"file_create_rw", file_create_rw, 0},
    {"file_trunc", file_trunc, 0},
    {"file_rdwr", file_rdwr, 0},
    {"file_modes", file_modes, 0},
    {"file_lengths", file_lengths, 0},
    {"file_shared_offset", file_shared_offset, 0},
    {"file_overwrite", file_overwrite, 0},
    {"file_300k", file_300k, 0},
    {"file_1m", file_1m, 1},
    {"file_unlink_open", file_unlink_open, 0},
    {"file_fd_limit", file_fd_limit, 0},
    {"file_fstat", file_fstat, 0},
    {"file_mknod", file_mknod, 0},
    {"file_kill_long_write", file_kill_long_write, 1},
    {0, 0, 0},
};
