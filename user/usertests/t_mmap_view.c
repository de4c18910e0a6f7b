// Tests of what pmap and vmtrace read: vminfo's regions and counts for
// the caller and for a sleeping child, the heap picture, and the vmtrace
// switch (inherited by children, refused for a missing process).
#include "ut.h"
#include "kernel/mm/mmap_abi.h"

static struct vmmap vm;

static struct vmregion_info *
find_kind(int kind, int nth)
{
    for (int i = 0; i < vm.nregions; i++)
        if (vm.region[i].kind == kind && nth-- == 0)
            return &vm.region[i];
    UT_FAIL("vminfo lacks a region");
}

// Text, data, stack, heap and a mapping, with their resident pages.
static void
mmap_view_self(void)
{
    char *m = mmap(0, 8 * PGSIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    UT_CHECK(m != MAP_FAILED);
    m[0] = m[3 * PGSIZE] = 1;
    char *h = sbrk(128 * PGSIZE);
    h[0] = 1;
    h[127 * PGSIZE] = 1;
    UT_EQ(vminfo(0, &vm), 0);
    UT_EQ(vm.pid, getpid());
    struct vmregion_info *t = find_kind(VR_TEXT, 0);
    UT_CHECK(t->start < (uint64)mmap_view_self &&
             (uint64)mmap_view_self < t->end);
    UT_CHECK(t->resident > 0 && t->prot == (PROT_READ | PROT_EXEC));
    struct vmregion_info *s = find_kind(VR_STACK, 0);
    UT_EQ(s->end, ut_heap_start);
    UT_EQ(s->resident, 1);
    struct vmregion_info *hp = find_kind(VR_HEAP, 0);
    UT_EQ(hp->start, ut_heap_start);
    UT_EQ(hp->end, PGROUNDUP((uint64)sbrk(0)));
    struct vmregion_info *mr = find_kind(VR_MMAP, 0);
    UT_EQ(mr->start, (uint64)m);
    UT_EQ(mr->end, (uint64)m + 8 * PGSIZE);
    UT_EQ(mr->resident, 2);
    UT_EQ(mr->shared, 0);
    UT_EQ(mr->flags & MAP_PRIVATE, MAP_PRIVATE);
    UT_EQ(mr->has_file, 0);
    // The heap picture: first and last groups touched, the middle not.
    int n = strlen(vm.picture);
    UT_CHECK(n > 2 && n <= VM_PICTURE);
    UT_EQ(vm.picture[n - 1], VMPIC_PRIVATE);
    UT_EQ(vm.picture[n / 2], VMPIC_UNTOUCHED);
    UT_EQ(munmap(m, 8 * PGSIZE), 0);
    UT_EQ(vminfo(0, &vm), 0);
    UT_EQ(vm.nregions, 4); // text, data, stack, heap
}

// Another process's view, read while it sleeps: shared pages count as
// shared on both sides. Bad pid and bad pointer return -1.
static void
mmap_view_child(void)
{
    int fds[2];
    char c;
    volatile char *m = mmap(0, 4 * PGSIZE, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    UT_CHECK(m != MAP_FAILED);
    m[0] = 1;
    UT_EQ(pipe(fds), 0);
    int pid = UT_FORK();
    if (pid == 0) {
        close(fds[1]);
        read(fds[0], &c, 1); // sleep until the parent has looked
        exit(0);
    }
    close(fds[0]);
    // vminfo reads a process only once it sleeps (a busy one gets -1,
    // mmap_view_busy): let the child get to its read() first.
    ut_await_state(pid, 2);
    UT_EQ(vminfo(pid, &vm), 0);
    UT_EQ(vm.pid, pid);
    struct vmregion_info *mr = find_kind(VR_MMAP, 0);
    UT_EQ(mr->resident, 4); // fork brought every shared page in
    UT_EQ(mr->shared, 4);
    UT_EQ(mr->flags & MAP_SHARED, MAP_SHARED);
    UT_EQ(vminfo(0, &vm), 0);
    UT_EQ(find_kind(VR_MMAP, 0)->shared, 4);
    UT_EQ(vminfo(0, (struct vmmap *)0), -1);
    UT_EQ(vminfo(0, (struct vmmap *)UT_TRAPFRAME), -1);
    UT_EQ(vminfo(99999, &vm), -1);
    UT_EQ(vminfo(-1, &vm), -1);
    write(fds[1], "x", 1);
    close(fds[1]);
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(vminfo(0, &vm), 0);
    UT_EQ(find_kind(VR_MMAP, 0)->shared, 0); // the child's exit let go
    UT_EQ(munmap((void *)m, 4 * PGSIZE), 0);
}

// A child that never sleeps: vminfo waits for it only while it makes
// progress of its own (a few of its ticks), then says -1; it neither
// hangs nor fails for a child that merely waits for a hart.
static void
mmap_view_busy(void)
{
    int pid = UT_FORK();
    if (pid == 0)
        for (;;)
            ;
    UT_EQ(vminfo(pid, &vm), -1);
    UT_EQ(kill(pid), 0);
    UT_EQ(UT_WAIT(pid), -1);
}

// Copy-on-write and the zero page as vminfo counts them: a private
// mapping shared with a sleeping child after fork, then taken back; a
// heap read but never written.
static void
mmap_view_cow(void)
{
    int fds[2];
    char c;
    char *m = mmap(0, 4 * PGSIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    UT_CHECK(m != MAP_FAILED);
    for (int i = 0; i < 4; i++)
        m[i * PGSIZE] = (char)i;
    UT_EQ(pipe(fds), 0);
    int pid = UT_FORK();
    if (pid == 0) {
        read(fds[0], &c, 1);
        exit(0);
    }
    UT_EQ(vminfo(0, &vm), 0);
    struct vmregion_info *mr = find_kind(VR_MMAP, 0);
    UT_EQ(mr->cow, 4);
    UT_EQ(mr->shared, 4);
    write(fds[1], "x", 1);
    UT_EQ(UT_WAIT(pid), 0);
    m[0] = 9; // the last owner takes the page back without a copy
    UT_EQ(vminfo(0, &vm), 0);
    mr = find_kind(VR_MMAP, 0);
    UT_EQ(mr->cow, 3);
    UT_EQ(mr->shared, 0);
    close(fds[0]);
    close(fds[1]);
    UT_EQ(munmap(m, 4 * PGSIZE), 0);
    // 64 heap pages read, one written: zero pages but one, in the picture.
    volatile char *h = sbrk(64 * PGSIZE);
    for (int i = 0; i < 64; i++)
        UT_EQ(h[i * PGSIZE], 0);
    h[0] = 1;
    UT_EQ(vminfo(0, &vm), 0);
    struct vmregion_info *hp = find_kind(VR_HEAP, 0);
    UT_EQ(hp->zero, 63);
    UT_EQ(vm.picture[0], VMPIC_PRIVATE);
    UT_EQ(vm.picture[strlen(vm.picture) - 1], VMPIC_ZERO);
}

// The switch: returns the old setting, children inherit it, faults while
// traced still work, a missing process is refused.
static void
mmap_vmtrace(void)
{
    UT_EQ(vmtrace(0, 0), 0);
    UT_EQ(vmtrace(0, 1), 0);
    UT_EQ(vmtrace(0, 1), 1);
    char *h = sbrk(2 * PGSIZE);
    h[0] = 7; // one traced line on the console
    UT_EQ(h[0], 7);
    int fds[2], me = getpid();
    char c;
    UT_EQ(pipe(fds), 0);
    int pid = UT_FORK();
    if (pid == 0) {
        read(fds[0], &c, 1); // the parent turns our tracing off first
        UT_EQ(vmtrace(0, 0), 0);
        UT_EQ(vmtrace(me, 1), -1); // a parent is no child
        exit(0);
    }
    UT_EQ(vmtrace(pid, 0), 1); // inherited; a child may be switched
    write(fds[1], "x", 1);
    UT_EQ(UT_WAIT(pid), 0);
    close(fds[0]);
    close(fds[1]);
    UT_EQ(vmtrace(0, 0), 1);
    UT_EQ(vmtrace(1, 1), -1); // init is no child of ours
    UT_EQ(vmtrace(99999, 1), -1);
    UT_EQ(vmtrace(-5, 1), -1);
    UT_KILLED(ut_load, (uint64)h + 2 * PGSIZE); // a refused fault still kills
}

const struct ut_test ut_mmap_view_tests[] = {
    {"mmap_view_self", mmap_view_self, 0},
    {"mmap_view_child", mmap_view_child, 0},
    {"mmap_view_busy", mmap_view_busy, 0},
    {"mmap_view_cow", mmap_view_cow, 0},
    {"mmap_vmtrace", mmap_vmtrace, 0},
    {0, 0, 0},
};
