// mmap tests over files: pages read on a fault, MAP_PRIVATE stores never
// reaching the file, MAP_SHARED pages written back at munmap, exit and
// msync (checked by reading the file), closing the fd, and mapped
// buffers handed to read() and write(). The runner checks free pages.
#include "ut.h"
#include "kernel/mm/mmap_abi.h"

#define FNAME "mmap.tmp"
#define FSIZE ((int)(2 * PGSIZE + 100)) // two pages and a bit of a third

static char buf[3 * PGSIZE];

static char
pat(int i)
{
    return (char)('a' + i % 23);
}

// Creates FNAME holding pat(0..FSIZE) and opens it with mode.
static int
make_file(int mode)
{
    for (int i = 0; i < FSIZE; i++)
        buf[i] = pat(i);
    ut_write_file(FNAME, buf, FSIZE);
    int fd = open(FNAME, mode);
    UT_CHECK(fd >= 0);
    return fd;
}

// Reads FNAME whole into buf; checks its size stayed FSIZE.
static void
read_back(void)
{
    ut_read_file(FNAME, buf, sizeof(buf), FSIZE);
}

static char *
map_file(int fd, int prot, int flags)
{
    char *p = mmap(0, 3 * PGSIZE, prot, flags, fd, 0);
    if (p == MAP_FAILED)
        UT_FAIL("mmap of the file failed");
    return p;
}

// The file's bytes, zeros past its end; the mapping outlives close(fd).
static void
mmap_file_read(void)
{
    struct meminfo m0, m1;
    int fd = make_file(O_RDONLY);
    ut_meminfo(&m0);
    char *p = map_file(fd, PROT_READ, MAP_PRIVATE);
    close(fd);
    UT_EQ(p[PGSIZE + 5], pat(PGSIZE + 5));
    ut_meminfo(&m1);
    UT_EQ(m1.resident_pages, m0.resident_pages + 1); // one page read
    for (int i = 0; i < FSIZE; i += 97)
        UT_EQ(p[i], pat(i));
    UT_EQ(p[FSIZE - 1], pat(FSIZE - 1));
    UT_EQ(p[FSIZE], 0);
    UT_EQ(p[3 * PGSIZE - 1], 0);
    UT_KILLED(ut_store, (uint64)p); // PROT_READ only
    UT_EQ(munmap(p, 3 * PGSIZE), 0);
    unlink(FNAME);
}

// MAP_PRIVATE: stores are the process's own, never written back, and a
// child's stores stay the child's.
static void
mmap_file_private(void)
{
    int fd = make_file(O_RDONLY); // writable private maps need no O_RDWR
    char *p = map_file(fd, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    close(fd);
    p[10] = '#';
    int pid = UT_FORK();
    if (pid == 0) {
        p[11] = '$';
        UT_EQ(p[10], '#');
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(p[11], pat(11));
    UT_EQ(munmap(p, 3 * PGSIZE), 0);
    read_back();
    UT_EQ(buf[10], pat(10));
    UT_EQ(buf[11], pat(11));
    unlink(FNAME);
}

// MAP_SHARED: stores reach the file at munmap, never past its end (the
// file keeps its size), and a partial munmap writes its part back.
static void
mmap_file_shared(void)
{
    int fd = make_file(O_RDWR);
    char *p = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
    close(fd);
    p[1] = 'X';
    p[PGSIZE + 1] = 'Y';
    p[FSIZE - 1] = 'Z';
    p[FSIZE] = 'W'; // past the end: not written back
    UT_EQ(munmap(p + PGSIZE, PGSIZE), 0);
    read_back();
    UT_EQ(buf[1], 'X');          // still mapped: read() sees the page itself
    UT_EQ(buf[PGSIZE + 1], 'Y'); // no longer resident: written back
    UT_EQ(munmap(p, 3 * PGSIZE), 0);
    read_back();
    UT_EQ(buf[1], 'X');
    UT_EQ(buf[FSIZE - 1], 'Z');
    unlink(FNAME);
}

// A child's shared stores reach the file when it exits without munmap,
// and the parent sees them at once in its own mapping.
static void
mmap_file_exit(void)
{
    int fd = make_file(O_RDWR);
    char *p = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
    int pid = UT_FORK();
    if (pid == 0) {
        p[2 * PGSIZE + 3] = 'C';
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(p[2 * PGSIZE + 3], 'C');
    read_back();
    UT_EQ(buf[2 * PGSIZE + 3], 'C');
    pid = UT_FORK();
    if (pid == 0) {
        char *q = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
        q[4] = 'E';
        exit(0); // no munmap, no msync
    }
    UT_EQ(UT_WAIT(pid), 0);
    read_back();
    UT_EQ(buf[4], 'E');
    close(fd);
    UT_EQ(munmap(p, 3 * PGSIZE), 0);
    unlink(FNAME);
}

// msync writes back while the mapping stays.
static void
mmap_file_msync(void)
{
    int fd = make_file(O_RDWR);
    char *p = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
    p[PGSIZE] = 'M';
    UT_EQ(msync(p, 3 * PGSIZE, MS_SYNC), 0);
    read_back();
    UT_EQ(buf[PGSIZE], 'M');
    p[PGSIZE] = 'N';
    UT_EQ(msync(p + PGSIZE, PGSIZE, 0), 0);
    read_back();
    UT_EQ(buf[PGSIZE], 'N');
    UT_EQ(munmap(p, 3 * PGSIZE), 0);
    UT_EQ(msync(p, PGSIZE, 0), -1); // nothing mapped there any more
    close(fd);
    unlink(FNAME);
}

// Mapped pages as system-call buffers: write() from a file mapping that
// was never touched, read() into an untouched anonymous mapping.
static void
mmap_file_syscalls(void)
{
    int fd = make_file(O_RDWR);
    char *p = map_file(fd, PROT_READ, MAP_PRIVATE);
    char *a = mmap(0, PGSIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    UT_CHECK(a != MAP_FAILED);
    int out = open("mmap2.tmp", O_CREATE | O_TRUNC | O_RDWR);
    UT_CHECK(out >= 0);
    UT_EQ(write(out, p + PGSIZE, 200), 200); // a file read inside copyin
    close(out);
    out = open("mmap2.tmp", O_RDONLY);
    UT_EQ(read(out, a, 200), 200); // an anonymous page inside copyout
    close(out);
    unlink("mmap2.tmp");
    for (int i = 0; i < 200; i++)
        UT_EQ(a[i], pat(PGSIZE + i));
    // Pipes copy under a spinlock, where no disk read may sleep: an
    // untouched file page fails the write, a resident one works.
    int fds[2];
    UT_EQ(pipe(fds), 0);
    UT_CHECK(write(fds[1], p + 2 * PGSIZE, 10) <= 0);
    UT_EQ(write(fds[1], p + PGSIZE, 10), 10);
    close(fds[0]);
    close(fds[1]);
    // read() of a file into a mapping of that same file: must not hang.
    char *s = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
    int r = read(fd, s + 2 * PGSIZE, 10);
    UT_CHECK(r == 10 || r == -1);
    UT_EQ(*(volatile char *)s, pat(0)); // resident now: a read into it works
    UT_EQ(read(fd, s, 10), 10);
    UT_EQ(munmap(s, 3 * PGSIZE), 0);
    UT_EQ(munmap(p, 3 * PGSIZE), 0);
    UT_EQ(munmap(a, PGSIZE), 0);
    close(fd);
    unlink(FNAME);
}

const struct ut_test ut_mmap_file_tests[] = {
    {"mmap_file_read", mmap_file_read, 0},
    {"mmap_file_private", mmap_file_private, 0},
    {"mmap_file_shared", mmap_file_shared, 0},
    {"mmap_file_exit", mmap_file_exit, 0},
    {"mmap_file_msync", mmap_file_msync, 0},
    {"mmap_file_syscalls", mmap_file_syscalls, 0},
    {0, 0, 0},
};
