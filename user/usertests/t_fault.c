// What the kernel must kill, and only that process: accesses outside the
// address space or against page permissions, bad instructions, running
// out of memory. Each case runs in its own child (UT_KILLED).
#include "ut.h"
#include "kernel/mm/mmap_abi.h"

#define GIB (1UL << 30)

// c.ret, for the no-execute tests: if it runs, the call just returns.
static uchar ret_data[4] = {0x82, 0x80, 0, 0};

static void
fault_null(void)
{
    UT_KILLED(ut_load, 0);
    UT_KILLED(ut_store, 0);
    UT_KILLED(ut_load, 1);
    UT_KILLED(ut_store, PGSIZE - 1);
}

static void
fault_above_break(void)
{
    uint64 brk = (uint64)sbrk(0);
    int pid;

    UT_KILLED(ut_load, brk);
    UT_KILLED(ut_store, brk);
    UT_KILLED(ut_store, brk + PGSIZE);
    UT_KILLED(ut_load, brk + GIB);
    // Ten more bytes make the first page legal, all of it (never touched
    // before), not the next one.
    sbrk(10);
    UT_KILLED(ut_store, brk + PGSIZE);
    pid = UT_FORK();
    if (pid == 0) {
        ut_load(brk + 11);
        ut_load(brk + PGSIZE - 1);
        ut_store(brk + 5);
        ut_store(brk + 100);
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
}

// The page below the one-page stack is a guard page.
static void
fault_guard(void)
{
    int local;
    uint64 guard = PGROUNDDOWN((uint64)&local) - PGSIZE;

    UT_KILLED(ut_load, guard);
    UT_KILLED(ut_store, guard);
    UT_KILLED(ut_store, guard + PGSIZE - 1);
}

static int
fault_recurse(int depth)
{
    volatile char pad[256];

    pad[0] = (char)depth;
    pad[255] = pad[0];
    if (depth > 1000000)
        return pad[255];
    return fault_recurse(depth + 1) + pad[255];
}

static void
fault_recurse_fn(uint64 arg)
{
    fault_recurse((int)arg);
}

// Running off the stack hits the guard page rather than the data below.
static void
fault_stack_overflow(void)
{
    UT_KILLED(fault_recurse_fn, 0);
}

static void
fault_text_store(void)
{
    UT_KILLED(ut_store, (uint64)fault_text_store);
    UT_KILLED(ut_store, (uint64)ut_load);
}

// Kernel RAM, the trapframe and trampoline (mapped, but not for user
// mode), MAXVA and addresses above it.
static void
fault_kernel(void)
{
    UT_KILLED(ut_store, 0x80000000UL);
    UT_KILLED(ut_load, 0x80000000UL);
    UT_KILLED(ut_load, 0x80200000UL);
    UT_KILLED(ut_load, UT_TRAPFRAME);
    UT_KILLED(ut_store, UT_TRAPFRAME + 8);
    UT_KILLED(ut_load, UT_TRAMPOLINE);
    UT_KILLED(ut_store, MAXVA);
    UT_KILLED(ut_load, 0x3000000000UL);
    UT_KILLED(ut_load, 0xffffffffffff0000UL);
}

static void
fault_exec_stack(uint64 arg)
{
    uchar code[4] = {0x82, 0x80, 0, 0};

    ut_call((uint64)code);
}

// Heap, stack and data pages are never executable.
static void
fault_noexec(void)
{
    uchar *heap = (uchar *)sbrk(PGSIZE);

    heap[0] = 0x82;
    heap[1] = 0x80;
    UT_KILLED(ut_call, (uint64)heap);
    UT_KILLED(fault_exec_stack, 0);
    UT_KILLED(ut_call, (uint64)ret_data);
}

// Code in a never-touched PROT_EXEC file mapping runs: the instruction
// fetch brings the page in as a load would. The same bytes mapped
// PROT_READ must not run, touched or not, nor a PROT_EXEC page of zeros.
static void
fault_exec_mapping(void)
{
    static const uint32 code[2] = {0x02a00513, 0x00008067}; // li a0,42; ret
    int fd = open("utf_code", O_CREATE | O_RDWR);
    UT_CHECK(fd >= 0);
    UT_EQ(write(fd, code, sizeof(code)), sizeof(code));
    int (*fn)(void) = mmap(0, PGSIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    uint32 *ro = mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    void *zeros = mmap(0, PGSIZE, PROT_READ | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    UT_CHECK(fn != MAP_FAILED && ro != MAP_FAILED && zeros != MAP_FAILED);
    UT_EQ(fn(), 42);
    UT_EQ(fn(), 42);
    UT_KILLED(ut_call, (uint64)ro); // never touched
    UT_EQ(ro[0], code[0]);
    UT_KILLED(ut_call, (uint64)ro); // present, still not executable
    UT_KILLED(ut_call, (uint64)zeros); // runs, but 0 is no instruction
    UT_EQ(munmap(fn, PGSIZE), 0);
    UT_EQ(munmap(ro, PGSIZE), 0);
    UT_EQ(munmap(zeros, PGSIZE), 0);
    close(fd);
    UT_EQ(unlink("utf_code"), 0);
}

static void
fault_illegal_fn(uint64 arg)
{
    asm volatile(".4byte 0");
}

static void
fault_ebreak_fn(uint64 arg)
{
    asm volatile("ebreak");
}

static void
fault_csr_fn(uint64 arg)
{
    uint64 x;

    asm volatile("csrr %0, sstatus" : "=r"(x));
    (void)x;
}

// Traps other than page faults and system calls kill too.
static void
fault_bad_insn(void)
{
    UT_KILLED(fault_illegal_fn, 0);
    UT_KILLED(fault_ebreak_fn, 0);
    UT_KILLED(fault_csr_fn, 0);
}

// ecall with number num and no arguments; returns a0.
static long
fault_raw_syscall(long num)
{
    register long a0 asm("a0") = 0;
    register long a7 asm("a7") = num;

    asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    return a0;
}

// Unknown system call numbers return -1 and kill nobody: below the first,
// the hole at 30 (kernel/syscall.tbl), one past the last, far out.
static void
fault_bad_syscall(void)
{
    static const long nums[] = {0, 30, 37, 1000, -1, 0x80000000L};

    for (int i = 0; i < (int)(sizeof(nums) / sizeof(nums[0])); i++) {
        ut_note("num", nums[i]);
        UT_EQ(fault_raw_syscall(nums[i]), -1);
    }
}

// Grows the break past all of RAM and touches page after page: the
// kernel must kill us when memory runs out.
static void
oom_toucher(uint64 arg)
{
    struct meminfo m;
    uint64 need;
    char *base = sbrk(0);

    ut_meminfo(&m);
    need = (m.total_pages + 1024) * PGSIZE;
    for (uint64 got = 0; got < need; got += GIB)
        if (sbrk(GIB) == (char *)-1)
            exit(3);
    for (uint64 off = 0; off < need; off += PGSIZE)
        base[off] = 1;
}

static void
fault_oom(void)
{
    uint64 before = ut_free_pages();

    UT_KILLED(oom_toucher, 0);
    UT_EQ(ut_free_pages(), before);
}

// Three at once: each is killed in turn; all the pages come back.
static void
fault_oom_three(void)
{
    uint64 before = ut_free_pages();
    int pid, status;

    for (int i = 0; i < 3; i++) {
        pid = UT_FORK();
        if (pid == 0) {
            oom_toucher(0);
            exit(2);
        }
    }
    for (int i = 0; i < 3; i++) {
        UT_CHECK(wait(&status) > 0);
        UT_EQ(status, -1);
    }
    UT_EQ(ut_free_pages(), before);
}

// A child that needs more pages than are free kills only itself while
// copying; the parent's data is intact and every page comes back.
static void
fault_fork_oom(void)
{
    uint64 pages = ut_free_pages() * 3 / 5, before;
    char *base = sbrk(0);
    int pid;

    for (uint64 got = 0; got < pages * PGSIZE; got += 1 << 28)
        UT_CHECK(sbrk(1 << 28) != (char *)-1);
    for (uint64 i = 0; i < pages; i++)
        base[i * PGSIZE] = (char)i;
    before = ut_free_pages();
    pid = UT_FORK(); // shares; it could not copy 60% of memory
    if (pid == 0) {
        for (uint64 i = 0; i < pages; i++)
            base[i * PGSIZE] = 1;
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), -1);
    UT_EQ(ut_free_pages(), before);
    for (uint64 i = 0; i < pages; i += 97)
        UT_EQ(base[i * PGSIZE], (char)i);
}

const struct ut_test ut_fault_tests[] = {
    {"fault_null", fault_null, 0},
    {"fault_above_break", fault_above_break, 0},
    {"fault_guard", fault_guard, 0},
    {"fault_stack_overflow", fault_stack_overflow, 0},
    {"fault_text_store", fault_text_store, 0},
    {"fault_kernel", fault_kernel, 0},
    {"fault_noexec", fault_noexec, 0},
    {"fault_exec_mapping", fault_exec_mapping, 0},
    {"fault_bad_insn", fault_bad_insn, 0},
    {"fault_bad_syscall", fault_bad_syscall, 0},
    {"fault_oom", fault_oom, 1},
    {"fault_oom_three", fault_oom_three, 1},
    {"fault_fork_oom", fault_fork_oom, 1},
    {0, 0, 0},
};
