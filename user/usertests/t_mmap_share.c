// MAP_SHARED mappings of one file made by separate mmap calls share their
// pages: between processes, within one process at different addresses and
// offsets, on four harts at once; private mappings and fork beside them.
#include "ut.h"
#include "kernel/mm/mmap_abi.h"

#define FNAME "mshare.tmp"
#define NPAGE 4
#define FSIZE ((int)(NPAGE * PGSIZE))
#define NKID 4 // one per hart of QEMU virt

static char buf[FSIZE + PGSIZE];
static struct vmmap vm;

static char
pat(int i)
{
    return (char)('A' + i % 19);
}

// Creates FNAME holding pat(0..FSIZE).
static void
make_file(void)
{
    for (int i = 0; i < FSIZE; i++)
        buf[i] = pat(i);
    ut_write_file(FNAME, buf, FSIZE);
}

// Reads FNAME whole into buf; its size must still be FSIZE.
static void
read_back(void)
{
    ut_read_file(FNAME, buf, sizeof(buf), FSIZE);
}

// A new mapping of npage pages of FNAME from page pg on; fd closed again.
static char *
map_at(int npage, int pg, int prot, int flags)
{
    int fd = open(FNAME, O_RDWR);
    UT_CHECK(fd >= 0);
    char *p = mmap(0, npage * PGSIZE, prot, flags, fd, pg * PGSIZE);
    if (p == MAP_FAILED)
        UT_FAIL("mmap of the file failed");
    close(fd);
    return p;
}

static char *
map_shared(int npage, int pg)
{
    return map_at(npage, pg, PROT_READ | PROT_WRITE, MAP_SHARED);
}

// vminfo's counts for the caller's mapping at p.
static struct vmregion_info *
info(char *p)
{
    UT_EQ(vminfo(0, &vm), 0);
    for (int i = 0; i < vm.nregions; i++)
        if (vm.region[i].start == (uint64)p)
            return &vm.region[i];
    UT_FAIL("vminfo lacks the mapping");
}

static void
send(int fd, int n)
{
    for (int i = 0; i < n; i++)
        UT_EQ(write(fd, "x", 1), 1);
}

static void
recv(int fd, int n)
{
    char c;
    for (int i = 0; i < n; i++)
        UT_EQ(read(fd, &c, 1), 1);
}

// Reaps n children; each must exit 0.
static void
reap(int n)
{
    int status;
    for (int i = 0; i < n; i++) {
        UT_CHECK(wait(&status) > 0);
        UT_EQ(status, 0);
    }
}

// The child's side of mmap_share_procs: its own mmap, no fork after it.
static void
procs_child(int in, int out)
{
    char *q = map_shared(NPAGE, 0);
    UT_EQ(q[0], pat(0)); // resident before the parent's store
    send(out, 1);
    recv(in, 1);
    UT_EQ(q[0], 'P');          // no msync, no munmap: the same page
    UT_EQ(q[PGSIZE + 1], 'P'); // first touched after the store
    q[2 * PGSIZE + 2] = 'C';
    send(out, 1);
    recv(in, 1);
    UT_EQ(munmap(q, FSIZE), 0);
    exit(0);
}

// Two processes map the file independently: a store through one is seen
// through the other at once, and both stores reach the file.
static void
mmap_share_procs(void)
{
    int down[2], up[2];
    make_file();
    UT_EQ(pipe(down), 0);
    UT_EQ(pipe(up), 0);
    int pid = UT_FORK(); // before either mmap
    if (pid == 0) {
        close(down[1]); // so that either side sees the other fail (EOF)
        close(up[0]);
        procs_child(down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    char *p = map_shared(NPAGE, 0);
    recv(up[0], 1);
    p[0] = 'P';
    p[PGSIZE + 1] = 'P';
    send(down[1], 1);
    recv(up[0], 1);
    UT_EQ(p[2 * PGSIZE + 2], 'C');
    UT_EQ(info(p)->shared, 3); // pages 0-2 are the child's too
    send(down[1], 1);
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(info(p)->shared, 0); // the child let go
    read_back();
    UT_EQ(buf[2 * PGSIZE + 2], 'C'); // the child's munmap wrote its page
    UT_EQ(munmap(p, FSIZE), 0);
    read_back();
    UT_EQ(buf[0], 'P');
    UT_EQ(buf[PGSIZE + 1], 'P');
    UT_EQ(buf[2 * PGSIZE + 2], 'C');
    UT_EQ(buf[3], pat(3));
    unlink(FNAME);
}

// One process, three mappings: two of the whole file at different
// addresses, one of pages 1-2 only. All see one set of pages.
static void
mmap_share_self(void)
{
    make_file();
    char *a = map_shared(NPAGE, 0);
    char *b = map_shared(NPAGE, 0);
    char *c = map_shared(2, 1);
    UT_CHECK(a != b && b != c && a != c);
    UT_EQ(b[10], pat(10)); // resident before the store
    a[10] = 'a';
    UT_EQ(b[10], 'a');
    UT_EQ(c[20], pat(PGSIZE + 20));
    b[PGSIZE + 20] = 'b';
    UT_EQ(a[PGSIZE + 20], 'b');
    UT_EQ(c[20], 'b');
    c[PGSIZE + 30] = 'c';
    UT_EQ(a[2 * PGSIZE + 30], 'c');
    UT_EQ(b[2 * PGSIZE + 30], 'c');
    UT_EQ(info(a)->resident, 3);
    UT_EQ(info(a)->shared, 3);
    UT_EQ(info(c)->shared, 2);
    UT_EQ(munmap(b, FSIZE), 0);
    UT_EQ(info(a)->shared, 2); // page 0 is a's alone now
    UT_EQ(munmap(c, 2 * PGSIZE), 0);
    UT_EQ(info(a)->shared, 0);
    UT_EQ(a[2 * PGSIZE + 30], 'c'); // the page outlived c's mapping
    UT_EQ(munmap(a, FSIZE), 0);
    read_back();
    UT_EQ(buf[10], 'a');
    UT_EQ(buf[PGSIZE + 20], 'b');
    UT_EQ(buf[2 * PGSIZE + 30], 'c');
    unlink(FNAME);
}

// A private page is a snapshot taken at its first touch, from the shared
// page when one is resident: later shared stores never reach it, and its
// own stores never reach the shared page or the file.
static void
mmap_share_private(void)
{
    make_file();
    char *s = map_shared(NPAGE, 0);
    char *v = map_at(NPAGE, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    UT_EQ(v[0], pat(0));
    s[0] = 'S';
    s[PGSIZE] = 'S';
    UT_EQ(v[0], pat(0));   // touched before the store
    UT_EQ(v[PGSIZE], 'S'); // touched after it, before any write-back
    s[PGSIZE + 2] = 'T';
    UT_EQ(v[PGSIZE + 2], pat(PGSIZE + 2));
    v[PGSIZE + 1] = 'V';
    UT_EQ(s[PGSIZE + 1], pat(PGSIZE + 1));
    UT_EQ(info(v)->shared, 0); // copies, never the shared pages
    UT_EQ(munmap(v, FSIZE), 0);
    UT_EQ(munmap(s, FSIZE), 0);
    read_back();
    UT_EQ(buf[0], 'S');
    UT_EQ(buf[PGSIZE], 'S');
    UT_EQ(buf[PGSIZE + 1], pat(PGSIZE + 1));
    unlink(FNAME);
}

// fork with pages untouched before it: those either side faults in later
// are still one page for both, and a new mapping in the child joins them.
static void
mmap_share_fork(void)
{
    int down[2], up[2];
    make_file();
    UT_EQ(pipe(down), 0);
    UT_EQ(pipe(up), 0);
    char *p = map_shared(NPAGE, 0);
    int pid = UT_FORK();
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        p[PGSIZE] = 'c';
        UT_EQ(p[2 * PGSIZE], pat(2 * PGSIZE)); // resident before the store
        send(up[1], 1);
        recv(down[0], 1);
        UT_EQ(p[2 * PGSIZE], 'p');
        char *q = map_shared(1, 3);
        UT_EQ(q[5], 'p');
        exit(0); // no munmap: exit writes back
    }
    close(down[0]);
    close(up[1]);
    recv(up[0], 1);
    UT_EQ(p[PGSIZE], 'c');
    p[2 * PGSIZE] = 'p';
    p[3 * PGSIZE + 5] = 'p';
    send(down[1], 1);
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(munmap(p, FSIZE), 0);
    read_back();
    UT_EQ(buf[PGSIZE], 'c');
    UT_EQ(buf[2 * PGSIZE], 'p');
    unlink(FNAME);
}

// One of mmap_share_harts' children: maps the file, waits for the start,
// then loads and stores every page at once with the others; checks all
// their stores once told that all are done.
static void
harts_child(int id, int go, int done, int check)
{
    char *p = map_shared(NPAGE, 0);
    recv(go, 1);
    for (int pg = 0; pg < NPAGE; pg++)
        UT_EQ(p[pg * PGSIZE + 64 + id], pat(pg * PGSIZE + 64 + id));
    for (int pg = 0; pg < NPAGE; pg++)
        p[pg * PGSIZE + id] = (char)('0' + id);
    send(done, 1);
    recv(check, 1); // a pipe of its own: go's bytes are one per child
    for (int pg = 0; pg < NPAGE; pg++)
        for (int k = 0; k < NKID; k++)
            UT_EQ(p[pg * PGSIZE + k], '0' + k);
    UT_EQ(info(p)->shared, NPAGE);
    exit(0); // exit writes the pages back
}

// Four processes on four harts fault the same pages at the same moment:
// one page each for all of them, every store seen by all and written back.
static void
mmap_share_harts(void)
{
    int go[2], done[2], check[2];
    make_file();
    UT_EQ(pipe(go), 0);
    UT_EQ(pipe(done), 0);
    UT_EQ(pipe(check), 0);
    for (int k = 0; k < NKID; k++) {
        if (UT_FORK() == 0) {
            close(go[1]);
            close(done[0]);
            close(check[1]);
            harts_child(k, go[0], done[1], check[0]);
        }
    }
    close(go[0]);
    close(done[1]); // a child that fails ends the wait below (EOF)
    close(check[0]);
    send(go[1], NKID);
    recv(done[0], NKID);
    send(check[1], NKID);
    reap(NKID);
    read_back();
    for (int pg = 0; pg < NPAGE; pg++)
        for (int k = 0; k < NKID; k++)
            UT_EQ(buf[pg * PGSIZE + k], '0' + k);
    unlink(FNAME);
}

// One of mmap_share_churn's children: maps, touches and unmaps the file
// over and over, storing now and then, while the others do the same.
static void
churn_child(int id)
{
    for (int round = 0; round < 40; round++) {
        int store = round % 8 == id;
        char *p = map_at(NPAGE, 0, store ? PROT_READ | PROT_WRITE : PROT_READ,
                         MAP_SHARED);
        for (int i = 0; i < NPAGE; i++) {
            int pg = (i + round + id) % NPAGE, at = pg * PGSIZE + 200 + round;
            UT_EQ(p[at], pat(at)); // bytes nobody stores to
            if (store)
                p[pg * PGSIZE + 100 + id] = (char)round;
        }
        UT_EQ(munmap(p, FSIZE), 0);
    }
    exit(0);
}

// Mappings made and taken apart on four harts at once: the shared pages
// come and go under them without a leak (the runner counts free pages).
static void
mmap_share_churn(void)
{
    make_file();
    for (int k = 0; k < NKID; k++)
        if (UT_FORK() == 0)
            churn_child(k);
    reap(NKID);
    read_back();
    UT_EQ(buf[100], 32); // child 0's last store: round 32
    unlink(FNAME);
}

const struct ut_test ut_mmap_share_tests[] = {
    {"mmap_share_procs", mmap_share_procs, 0},
    {"mmap_share_self", mmap_share_self, 0},
    {"mmap_share_private", mmap_share_private, 0},
    {"mmap_share_fork", mmap_share_fork, 0},
    {"mmap_share_harts", mmap_share_harts, 0},
    {"mmap_share_churn", mmap_share_churn, 0},
    {0, 0, 0},
};
