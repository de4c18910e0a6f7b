// exec tests: argument passing and limits, failures that leave the old
// image running, and hand-made ELF files (a minimal program and broken ones).
#include "ut.h"

// The minimal program: one R-X LOAD segment at 0x1000 covering the whole
// file (headers included), code at ELF_CODE calling exit(77).
#define ELF_SIZE 192
#define ELF_CODE 176
#define ELF_VADDR 0x1000UL
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_PHNUM 56
#define PH0 64 // first program header
#define PH1 120
#define PH_TYPE 0
#define PH_FLAGS 4
#define PH_OFFSET 8
#define PH_VADDR 16
#define PH_FILESZ 32
#define PH_MEMSZ 40

// What a test program may do: exec fails, it runs (exit 77), it is killed.
#define EX_FAILS 1
#define EX_RUNS 2
#define EX_KILLED 4

static uchar elf[ELF_SIZE];
static char *eargv[MAXARG + 4];
static char bigarg[2][3000];

static void
elf_put(int off, uint64 v, int n)
{
    for (int i = 0; i < n; i++)
        elf[off + i] = (uchar)(v >> (8 * i));
}

static void
elf_build(void)
{
    static const uint32 code[] = {
        0x04d00513, // addi a0, zero, 77
        0x00200893, // addi a7, zero, 2 (SYS_exit)
        0x00000073, // ecall
        0x0000006f, // j . (exit does not return)
    };

    memset(elf, 0, sizeof(elf));
    memmove(elf, "\177ELF\2\1\1", 7); // 64-bit, little-endian, version 1
    elf_put(16, 2, 2);                // ET_EXEC
    elf_put(18, 243, 2);              // EM_RISCV
    elf_put(20, 1, 4);
    elf_put(EH_ENTRY, ELF_VADDR + ELF_CODE, 8);
    elf_put(EH_PHOFF, PH0, 8);
    elf_put(52, 64, 2); // header size
    elf_put(54, 56, 2); // program header size
    elf_put(EH_PHNUM, 1, 2);
    elf_put(PH0 + PH_TYPE, 1, 4);  // PT_LOAD
    elf_put(PH0 + PH_FLAGS, 5, 4); // R+X
    elf_put(PH0 + PH_VADDR, ELF_VADDR, 8);
    elf_put(PH0 + PH_VADDR + 8, ELF_VADDR, 8); // paddr
    elf_put(PH0 + PH_FILESZ, ELF_SIZE, 8);
    elf_put(PH0 + PH_MEMSZ, ELF_SIZE, 8);
    elf_put(PH0 + PH_MEMSZ + 8, PGSIZE, 8); // align
    for (int i = 0; i < 4; i++)
        elf_put(ELF_CODE + 4 * i, code[i], 4);
}

// Writes the first size bytes of elf to "ute_prog", runs it in a child
// and fails unless the outcome is one of `allowed`.
static void
elf_try_at(int line, const char *why, int size, int allowed)
{
    char *argv[] = {"ute_prog", 0};
    int pid, status, outcome;

    ut_write_file("ute_prog", elf, size);
    pid = UT_FORK();
    if (pid == 0) {
        exec("ute_prog", argv);
        exit(0);
    }
    status = UT_WAIT(pid);
    outcome = status == 0    ? EX_FAILS
              : status == 77 ? EX_RUNS
              : status == -1 ? EX_KILLED
                             : 0;
    if ((outcome & allowed) == 0)
        ut_fail_eq(__FILE__, line, why, status, allowed);
    unlink("ute_prog");
}
#define ELF_TRY(why, size, allowed) elf_try_at(__LINE__, why, size, allowed)

static void
exec_elf_minimal(void)
{
    elf_build();
    ELF_TRY("minimal program exits 77", ELF_SIZE, EX_RUNS);
}

// Malformed headers: each exec must fail cleanly with -1.
static void
exec_elf_bad(void)
{
    static const struct {
        const char *why;
        int off, n;
        uint64 v;
    } bad[] = {
        {"bad magic", 1, 1, 'X'},
        {"phoff past eof", EH_PHOFF, 8, 4096},
        {"phoff overflow", EH_PHOFF, 8, 0xfffffffffffffff0UL},
        {"huge phnum", EH_PHNUM, 2, 0xffff},
        {"memsz < filesz", PH0 + PH_MEMSZ, 8, 8},
        {"vaddr+memsz wraps", PH0 + PH_VADDR, 8, 0xfffffffffffff000UL},
        {"segment on trapframe", PH0 + PH_VADDR, 8, UT_TRAPFRAME},
        {"segment at MAXVA", PH0 + PH_VADDR, 8, MAXVA},
        {"memsz reaches MAXVA", PH0 + PH_MEMSZ, 8, MAXVA},
        {"filesz past eof", PH0 + PH_FILESZ, 8, 100000},
        {"offset overflow", PH0 + PH_OFFSET, 8, 0xffffffffffffff00UL},
        // 64-bit offsets whose low 32 bits are valid: a kernel that
        // truncates them would load the program and run it.
        {"phoff above 4 GiB", EH_PHOFF, 8, (1UL << 32) + PH0},
        {"offset above 4 GiB", PH0 + PH_OFFSET, 8, 1UL << 32},
    };

    for (int i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
        elf_build();
        if (bad[i].off == PH0 + PH_FILESZ)
            elf_put(PH0 + PH_MEMSZ, bad[i].v, 8);
        elf_put(bad[i].off, bad[i].v, bad[i].n);
        ELF_TRY(bad[i].why, ELF_SIZE, EX_FAILS);
    }
    elf_build();
    ELF_TRY("only the magic", 4, EX_FAILS);
    ELF_TRY("cut inside the program header", PH0 + 20, EX_FAILS);
    ELF_TRY("empty file", 0, EX_FAILS);
}

// Odd but not malformed: the kernel may refuse or run them; it must not
// fall over. Two LOAD segments on the same page, none at all, a wild entry.
static void
exec_elf_odd(void)
{
    elf_build();
    memmove(elf + PH1, elf + PH0, PH1 - PH0);
    elf_put(EH_PHNUM, 2, 2);
    ELF_TRY("two segments on one page", ELF_SIZE, EX_FAILS | EX_RUNS);
    elf_build();
    elf_put(PH0 + PH_TYPE, 0, 4);
    ELF_TRY("no LOAD segment", ELF_SIZE, EX_FAILS | EX_KILLED);
    elf_build();
    elf_put(EH_ENTRY, 0x80000000UL, 8);
    ELF_TRY("entry outside the image", ELF_SIZE, EX_FAILS | EX_KILLED);
}

// Fills eargv for `usertests -argcheck mode` with total entries in all.
static void
exec_fill(int total, const char *mode)
{
    eargv[0] = UT_SELF;
    eargv[1] = "-argcheck";
    eargv[2] = (char *)mode;
    for (int i = 3; i < total; i++)
        eargv[i] = (char *)ut_argpat(i);
    eargv[total] = 0;
}

// Runs eargv in a child and returns its status (-2: exec returned).
static int
exec_run(void)
{
    int pid = UT_FORK();

    if (pid == 0) {
        exec(UT_SELF, eargv);
        exit(-2);
    }
    return UT_WAIT(pid);
}

static void
exec_args(void)
{
    exec_fill(3, "pat");
    UT_EQ(exec_run(), 103);
    exec_fill(12, "pat");
    UT_EQ(exec_run(), 112);
    exec_fill(MAXARG - 1, "pat");
    UT_EQ(exec_run(), 100 + MAXARG - 1);
}

// Failing execs return -1 here, with this image still intact.
static void
exec_args_limits(void)
{
    static volatile int alive = 1234;

    exec_fill(MAXARG + 1, "pat");
    UT_EQ(exec(UT_SELF, eargv), -1);
    exec_fill(MAXARG + 3, "pat");
    UT_EQ(exec(UT_SELF, eargv), -1);
    // More argument bytes than the one-page stack holds.
    memset(bigarg, 'x', sizeof(bigarg));
    bigarg[0][sizeof(bigarg[0]) - 1] = 0;
    bigarg[1][sizeof(bigarg[1]) - 1] = 0;
    exec_fill(5, "pat");
    eargv[3] = bigarg[0];
    eargv[4] = bigarg[1];
    UT_EQ(exec(UT_SELF, eargv), -1);
    // One string longer than a page.
    bigarg[0][sizeof(bigarg[0]) - 1] = 'x';
    eargv[4] = 0;
    UT_EQ(exec(UT_SELF, eargv), -1);
    UT_EQ(alive, 1234);
}

static void
exec_missing(void)
{
    char *argv[] = {"x", 0};

    mknod("ute_dev", 1, 0);
    ut_write_file("ute_junk", "#!/bin/sh\nthis is not an ELF file\n", 34);
    UT_EQ(exec("/ute_no_such_program", argv), -1);
    UT_EQ(exec("ute_junk", argv), -1);
    UT_EQ(exec("/", argv), -1);
    UT_EQ(exec(".", argv), -1);
    UT_EQ(exec("", argv), -1);
    UT_EQ(exec("ute_dev", argv), -1);
    UT_EQ(unlink("ute_junk"), 0);
    UT_EQ(unlink("ute_dev"), 0);
}

// Bad path and argv pointers; each exec must return -1 (the minimal
// program exiting 77 would show a wrong success in our status).
static void
exec_bad_pointers(void)
{
    static uint64 bad[UT_NBAD];
    int n = ut_bad_addrs(bad);
    char *argv[] = {"ute_prog", 0, 0};
    char **tail;

    elf_build();
    ut_write_file("ute_prog", elf, ELF_SIZE);
    for (int i = 0; i < n; i++) {
        ut_note("addr", bad[i]);
        UT_EQ(exec((char *)bad[i], argv), -1);
        UT_EQ(exec("ute_prog", (char **)bad[i]), -1);
        // A null argv[1] would just end the list.
        if (bad[i] == 0)
            continue;
        argv[1] = (char *)bad[i];
        UT_EQ(exec("ute_prog", argv), -1);
        argv[1] = 0;
    }
    ut_note(0, 0);
    // An argv array with no terminator before the break. The break is
    // page-aligned first: bytes past it in its last page are readable.
    sbrk(PGROUNDUP((uint64)sbrk(0)) - (uint64)sbrk(0));
    tail = (char **)(sbrk(PGSIZE) + PGSIZE) - 2;
    tail[0] = "ute_prog";
    tail[1] = "x";
    UT_EQ(exec("ute_prog", tail), -1);
    UT_EQ(unlink("ute_prog"), 0);
}

// A big touched heap is dropped by exec (the runner counts the pages).
static void
exec_after_sbrk(void)
{
    char *argv[] = {"ute_prog", 0};
    char *p;
    int pid;

    elf_build();
    ut_write_file("ute_prog", elf, ELF_SIZE);
    pid = UT_FORK();
    if (pid == 0) {
        p = sbrk(64 << 20);
        for (int i = 0; i < 100; i++)
            p[i * 3 * PGSIZE] = 1;
        exec("ute_prog", argv);
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 77);
    UT_EQ(unlink("ute_prog"), 0);
}

const char *
ut_argpat(int i)
{
    static char pats[MAXARG + 8][20];
    int len = (i * 7) % 19;

    for (int j = 0; j < len; j++)
        pats[i][j] = 'a' + (i + j) % 26;
    pats[i][len] = 0;
    return pats[i];
}

// Runs in the freshly exec'd image: argv content, its termination and
// placement, the 16-byte stack alignment and the process name.
void
ut_argcheck(int argc, char **argv)
{
    static struct procinfo procs[NPROC];
    int empty, n, me = getpid(), named = 0;

    ut_name = "argcheck";
    UT_CHECK(argc >= 3);
    UT_CHECK(argv[argc] == 0);
    UT_EQ((uint64)argv & 7, 0);
    // argv lives in the one stack page, right below the heap.
    UT_CHECK((uint64)argv < ut_heap_start);
    UT_CHECK((uint64)argv >= ut_heap_start - PGSIZE);
    UT_EQ((uint64)__builtin_frame_address(0) & 15, 0);
    UT_EQ(strcmp(argv[0], UT_SELF), 0);
    empty = strcmp(argv[2], "empty") == 0;
    UT_CHECK(empty || strcmp(argv[2], "pat") == 0);
    for (int i = 3; i < argc; i++)
        UT_EQ(strcmp(argv[i], empty ? "" : ut_argpat(i)), 0);
    n = procinfo(procs, NPROC);
    for (int i = 0; i < n; i++)
        if (procs[i].pid == me)
            named = strcmp(procs[i].name, "usertests") == 0;
    UT_CHECK(named);
    exit(100 + argc);
}

const struct ut_test ut_exec_tests[] = {
    {"exec_elf_minimal", exec_elf_minimal, 0},
    {"exec_elf_bad", exec_elf_bad, 0},
    {"exec_elf_odd", exec_elf_odd, 0},
    {"exec_args", exec_args, 0},
    {"exec_args_limits", exec_args_limits, 0},
    {"exec_missing", exec_missing, 0},
    {"exec_bad_pointers", exec_bad_pointers, 0},
    {"exec_after_sbrk", exec_after_sbrk, 0},
    {0, 0, 0},
};
