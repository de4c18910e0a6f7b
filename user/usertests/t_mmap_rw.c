// read() and write() agree with MAP_SHARED mappings of the same file: a
// write() is seen through a mapping at once, a store is seen by read()
// before any write-back, neither loses the other's bytes (also on four
// harts at once), truncation zeroes what a mapping keeps past the end.
#include "ut.h"
#include "kernel/mm/mmap_abi.h"

#define FNAME "mrw.tmp"
#define NPAGE 3
#define FSIZE ((int)(NPAGE * PGSIZE))

static char buf[FSIZE + PGSIZE];

static char
pat(int i)
{
    return (char)('a' + i % 23);
}

// Maps all of FNAME shared; the descriptor is closed again.
static char *
map_file(void)
{
    int fd = open(FNAME, O_RDWR);
    UT_CHECK(fd >= 0);
    char *p = mmap(0, FSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        UT_FAIL("mmap of the file failed");
    close(fd);
    return p;
}

// Creates FNAME holding pat(0..FSIZE) and maps it.
static char *
make_and_map(void)
{
    for (int i = 0; i < FSIZE; i++)
        buf[i] = pat(i);
    ut_write_file(FNAME, buf, FSIZE);
    return map_file();
}

// Opens FNAME with flags and moves to offset off by reading up to it.
static int
open_at(int flags, int off)
{
    int fd = open(FNAME, flags);
    UT_CHECK(fd >= 0);
    if (off > 0)
        UT_EQ(read(fd, buf, off), off);
    return fd;
}

// write() of n bytes of c at off; the descriptor is closed again.
static void
write_at(int off, char c, int n)
{
    int fd = open_at(O_RDWR, off);
    char src[64];
    memset(src, c, n);
    UT_EQ(write(fd, src, n), n);
    close(fd);
}

// Reads FNAME whole into buf with read(); its size must be want.
static void
read_back(int want)
{
    ut_read_file(FNAME, buf, sizeof(buf), want);
}

// A write() to resident pages shows through the mapping before anything
// is written back or unmapped, also one spanning two pages.
static void
mmap_rw_write_seen(void)
{
    char *p = make_and_map();
    UT_EQ(p[10], pat(10)); // resident before the write
    UT_EQ(p[PGSIZE], pat(PGSIZE));
    write_at(10, 'W', 5);
    UT_EQ(p[10], 'W');
    UT_EQ(p[14], 'W');
    UT_EQ(p[15], pat(15));
    write_at(PGSIZE - 2, 'X', 4); // the end of page 0, the start of 1
    UT_EQ(p[PGSIZE - 2], 'X');
    UT_EQ(p[PGSIZE + 1], 'X');
    UT_EQ(p[PGSIZE + 2], pat(PGSIZE + 2));
    write_at(2 * PGSIZE + 3, 'Y', 1); // page 2 arrives after the write
    UT_EQ(p[2 * PGSIZE + 3], 'Y');
    UT_EQ(munmap(p, FSIZE), 0);
    read_back(FSIZE);
    UT_EQ(buf[10], 'W');
    UT_EQ(buf[PGSIZE + 1], 'X');
    unlink(FNAME);
}

// A store through a mapping is what read() returns, with no msync and no
// munmap: the resident page is newer than the file's block.
static void
mmap_rw_store_read(void)
{
    char *p = make_and_map();
    p[5] = 'S';
    p[PGSIZE + 7] = 'T';
    read_back(FSIZE);
    UT_EQ(buf[5], 'S');
    UT_EQ(buf[6], pat(6));
    UT_EQ(buf[PGSIZE + 7], 'T');
    int fd = open_at(O_RDONLY, PGSIZE + 6); // a read within one page
    char got[3];
    UT_EQ(read(fd, got, 3), 3);
    UT_EQ(got[1], 'T');
    close(fd);
    UT_EQ(munmap(p, FSIZE), 0);
    unlink(FNAME);
}

// write() into a page a mapping has dirtied, then munmap: the write-back
// carries the write()'s bytes where it wrote and the stores elsewhere.
static void
mmap_rw_no_lost(void)
{
    char *p = make_and_map();
    p[100] = 'M';
    p[PGSIZE + 50] = 'M';
    write_at(0, 'W', 4);
    write_at(PGSIZE + 49, 'W', 1);
    UT_EQ(munmap(p, FSIZE), 0);
    read_back(FSIZE);
    UT_EQ(buf[0], 'W');
    UT_EQ(buf[3], 'W');
    UT_EQ(buf[4], pat(4));
    UT_EQ(buf[100], 'M');
    UT_EQ(buf[PGSIZE + 49], 'W');
    UT_EQ(buf[PGSIZE + 50], 'M');
    unlink(FNAME);
}

static void
send(int fd)
{
    UT_EQ(write(fd, "x", 1), 1);
}

static void
recv(int fd)
{
    char c;
    UT_EQ(read(fd, &c, 1), 1);
}

// Two processes: the child maps the file, the parent only uses write()
// and read(). Each sees the other's bytes while the mapping lasts.
static void
mmap_rw_procs(void)
{
    int down[2], up[2];
    char *p = make_and_map();
    UT_EQ(munmap(p, FSIZE), 0); // only the child maps it
    UT_EQ(pipe(down), 0);
    UT_EQ(pipe(up), 0);
    int pid = UT_FORK();
    if (pid == 0) {
        close(down[1]); // either side sees the other fail as EOF
        close(up[0]);
        char *q = map_file();
        UT_EQ(q[PGSIZE + 9], pat(PGSIZE + 9));
        q[2 * PGSIZE] = 'C';
        send(up[1]);
        recv(down[0]);
        UT_EQ(q[PGSIZE + 9], 'P');
        exit(0); // exit writes the page back
    }
    close(down[0]);
    close(up[1]);
    recv(up[0]);
    write_at(PGSIZE + 9, 'P', 1);
    read_back(FSIZE);
    UT_EQ(buf[PGSIZE + 9], 'P');
    UT_EQ(buf[2 * PGSIZE], 'C'); // still only in the child's mapping
    send(down[1]);
    UT_EQ(UT_WAIT(pid), 0);
    read_back(FSIZE);
    UT_EQ(buf[PGSIZE + 9], 'P');
    UT_EQ(buf[2 * PGSIZE], 'C');
    unlink(FNAME);
}

// O_TRUNC zeroes the resident pages, dirty ones too; a write() then grows
// the file through them, and write-back stops at the new size.
static void
mmap_rw_truncate(void)
{
    char *p = make_and_map();
    UT_EQ(p[0], pat(0));
    p[PGSIZE + 5] = 'D';
    int fd = open(FNAME, O_RDWR | O_TRUNC);
    UT_CHECK(fd >= 0);
    UT_EQ(p[0], 0);
    UT_EQ(p[PGSIZE + 5], 0);
    UT_EQ(write(fd, "abc", 3), 3);
    close(fd);
    UT_EQ(p[1], 'b');
    UT_EQ(p[3], 0);
    p[PGSIZE + 6] = 'E'; // past the end: never written back
    UT_EQ(munmap(p, FSIZE), 0);
    read_back(3);
    UT_EQ(buf[0], 'a');
    UT_EQ(buf[2], 'c');
    unlink(FNAME);
}

// One of mmap_rw_churn's children: write()s its own byte of every page,
// then maps the file and must see it, stores a second byte of its own,
// unmaps (writing back) and must read both back with read().
static void
churn_child(int id)
{
    for (int round = 1; round <= 20; round++) {
        for (int pg = 0; pg < NPAGE; pg++)
            write_at(pg * PGSIZE + id, (char)round, 1);
        char *p = map_file();
        for (int pg = 0; pg < NPAGE; pg++) {
            UT_EQ(p[pg * PGSIZE + id], round); // no stale fill
            p[pg * PGSIZE + 64 + id] = (char)round;
        }
        UT_EQ(munmap(p, FSIZE), 0);
        read_back(FSIZE);
        for (int pg = 0; pg < NPAGE; pg++) {
            UT_EQ(buf[pg * PGSIZE + id], round); // no write-back undid it
            UT_EQ(buf[pg * PGSIZE + 64 + id], round);
        }
    }
    exit(0);
}

// Four processes on four harts write(), fill, store and write back the
// same pages at once: nobody's bytes are lost, and no page leaks.
static void
mmap_rw_churn(void)
{
    char *p = make_and_map();
    UT_EQ(munmap(p, FSIZE), 0);
    for (int k = 0; k < 4; k++)
        if (UT_FORK() == 0)
            churn_child(k);
    for (int k = 0; k < 4; k++) {
        int status;
        UT_CHECK(wait(&status) > 0);
        UT_EQ(status, 0);
    }
    unlink(FNAME);
}

// read() of a file into a never-touched mapping of the same file: the
// mapping's pages come in before read() locks the file (they need that
// lock themselves), so the read works.
static void
mmap_rw_into_own_map(void)
{
    char *p = make_and_map();
    int fd = open(FNAME, O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(read(fd, p + PGSIZE, PGSIZE), PGSIZE); // page 1 <- page 0
    UT_EQ(p[PGSIZE], pat(0));
    UT_EQ(p[2 * PGSIZE - 1], pat(PGSIZE - 1));
    close(fd);
    UT_EQ(munmap(p, FSIZE), 0);
    unlink(FNAME);
}

// Two files, each read into a never-touched mapping of the other, by two
// processes at once, many times: crossed, the fills' inode locks would
// deadlock if taken under read()'s own.
static void
mmap_rw_crossed(void)
{
    static const char *names[2] = {"mrwa.tmp", "mrwb.tmp"};
    for (int i = 0; i < FSIZE; i++)
        buf[i] = pat(i);
    ut_write_file(names[0], buf, FSIZE);
    ut_write_file(names[1], buf, FSIZE);
    for (int k = 0; k < 2; k++) {
        if (UT_FORK() != 0)
            continue;
        for (int round = 0; round < 20; round++) {
            int from = open(names[k], O_RDONLY), to = open(names[1 - k], O_RDWR);
            char *m = mmap(0, FSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, to, 0);
            if (from < 0 || to < 0 || m == MAP_FAILED ||
                read(from, m, FSIZE) != FSIZE || m[FSIZE - 1] != pat(FSIZE - 1))
                exit(1);
            munmap(m, FSIZE);
            close(from);
            close(to);
        }
        exit(0);
    }
    for (int k = 0; k < 2; k++) {
        int status;
        UT_CHECK(wait(&status) > 0);
        UT_EQ(status, 0);
    }
    unlink(names[0]);
    unlink(names[1]);
}

const struct ut_test ut_mmap_rw_tests[] = {
    {"mmap_rw_write_seen", mmap_rw_write_seen, 0},
    {"mmap_rw_store_read", mmap_rw_store_read, 0},
    {"mmap_rw_no_lost", mmap_rw_no_lost, 0},
    {"mmap_rw_procs", mmap_rw_procs, 0},
    {"mmap_rw_truncate", mmap_rw_truncate, 0},
    {"mmap_rw_churn", mmap_rw_churn, 0},
    {"mmap_rw_into_own_map", mmap_rw_into_own_map, 0},
    {"mmap_rw_crossed", mmap_rw_crossed, 0},
    {0, 0, 0},
};
