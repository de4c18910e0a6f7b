// The system-call fuzzer: batches of seeded random calls, each batch in a
// child so exit, kill and fork cannot end the run; the parent replays each
// plan to know how the child must end, and checks free pages as it goes.
#include "fuzz.h"

// What a plain usertests run makes: some 40 s of guest time on sifive_u,
// whose SD card over SPI makes file-system calls slow. `make check` adds
// `usertests -fuzz 20000` on QEMU virt.
#define FZ_CALLS_DEFAULT 5000
#define FZ_LAZY_PAGES 16
#define FZ_LEAK_EVERY 32     // batches between page counts and clean-ups
#define FZ_SHOW_EVERY 10000  // calls between progress lines
#define FZ_EXIT_ORACLE 201   // child: a result no correct kernel gives
#define FZ_EXIT_TEXT 202     // child: its text changed

uint64 ut_fuzz_calls = FZ_CALLS_DEFAULT, ut_fuzz_seed;

static uint64 fz_counts[64]; // calls made per number (replayed)
static uint64 fz_others;     // calls with numbers no call has

char *
ut_fuzz_options(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc || atoi(argv[*i + 1]) <= 0)
        ut_usage();
    ut_fuzz_calls = atoi(argv[++*i]);
    if (*i + 1 < argc && argv[*i + 1][0] >= '0' && argv[*i + 1][0] <= '9')
        ut_fuzz_seed = atoi(argv[++*i]);
    // A call costs about 0.1 tick of CPU on virt and 0.75 on sifive_u
    // (its SD card is polled): ten per call allows a slow host, and the
    // no-progress rule still catches a deadlock early.
    if (ut_cpu_slow < (int)ut_fuzz_calls * 10)
        ut_cpu_slow = ut_fuzz_calls * 10;
    return "fuzz_syscalls";
}

static uint64
fz_ecall(uint64 nr, const uint64 *a)
{
    register uint64 a0 asm("a0") = a[0], a1 asm("a1") = a[1];
    register uint64 a2 asm("a2") = a[2], a3 asm("a3") = a[3];
    register uint64 a4 asm("a4") = a[4], a5 asm("a5") = a[5];
    register uint64 a7 asm("a7") = nr;

    asm volatile("ecall"
                 : "+r"(a0)
                 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                 : "memory");
    return a0;
}

// Text and the read-only data after it (user.ld: from 0x1000, with
// fz_names in the rodata): no call may ever change a byte of them.
static uint64
fz_text_sum(void)
{
    uint64 sum = 0;

    for (uint64 p = 0x1000; p < PGROUNDDOWN((uint64)fz_names); p += 8)
        sum = sum * 31 + *(const uint64 *)p;
    return sum;
}

// Free descriptors 0..14 except a few the calls can use; the console
// moves to FZ_REPORT_FD, which no call is given.
static void
fz_child_fds(void)
{
    int fd, p[2];

    while ((fd = dup(1)) >= 0 && fd < FZ_REPORT_FD)
        ;
    for (fd = 0; fd < FZ_REPORT_FD; fd++)
        close(fd);
    open("fz0", O_CREATE | O_RDWR);
    open(".", O_RDONLY);
    // One end of a pipe only: with both, a read or write could wait
    // forever on ourselves.
    if (pipe(p) == 0)
        close(p[0]);
    if (pipe(p) == 0)
        close(p[1]);
}

static void
fz_report(const char *what, uint64 seed, uint64 batch, int k,
          const struct fz_call *c, const uint64 *a, uint64 ret)
{
    char s[24], b[24], n[24], v[6][24], r[24];

    for (int i = 0; i < 6; i++)
        ut_xtoa(a[i], v[i]);
    ut_line_fd = FZ_REPORT_FD;
    ut_line("FAIL fuzz_syscalls: seed ", ut_itoa(seed, s), " batch ",
            ut_itoa(batch, b), " call ", ut_itoa(k, n), ": ",
            c->nr < (uint64)fz_nnames && fz_names[c->nr] ? fz_names[c->nr]
                                                         : "(unknown)",
            "(", v[0], ", ", v[1], ", ", v[2], ", ", v[3], ") returned ",
            ut_itoa((int64)ret, r), ": ", what, (char *)0);
}

// After call k: end a forked copy, keep one end of a new pipe, check the
// oracle.
static void
fz_after(uint64 seed, uint64 batch, int k, const struct fz_call *c,
         const uint64 *a, uint64 ret)
{
    int most, must = fz_must_fail(c, a, &most);

    if (c->nr == SYS_fork && ret == 0)
        exit(0);
    if (c->nr == SYS_pipe && ret == 0) {
        int fds[2];
        memmove(fds, (void *)a[0], sizeof(fds)); // maybe unaligned
        close(fds[k & 1]);
    }
    if (must && ret != (uint64)-1) {
        fz_report("want -1", seed, batch, k, c, a, ret);
        exit(FZ_EXIT_ORACLE);
    }
    if (most && (int64)ret > 0) {
        fz_report("want -1 or 0", seed, batch, k, c, a, ret);
        exit(FZ_EXIT_ORACLE);
    }
}

static void
fz_child(uint64 seed, uint64 batch, int n)
{
    struct fz_rng r, fill;
    struct fz_call c;
    uint64 a[FZ_NARGS], sum = fz_text_sum(), ret;

    fz_child_fds();
    fz_lazy_len = FZ_LAZY_PAGES * PGSIZE;
    fz_lazy_base = (uint64)sbrk(fz_lazy_len);
    // Short names from few letters: calls meet each other's files.
    fz_seed(&fill, ~seed, batch);
    for (int i = 0; i < FZ_BUF_SIZE; i++)
        fz_buf[i] = "ab.c\0"[fz_next(&fill) % 5];
    fz_seed(&r, seed, batch);
    for (int k = 0; k < n; k++) {
        fz_plan(&r, &c);
        fz_resolve(&c, a);
        ret = fz_ecall(c.nr, a);
        fz_after(seed, batch, k, &c, a, ret);
    }
    if (fz_text_sum() != sum) {
        fz_report("text changed", seed, batch, n, &c, a, 0);
        exit(FZ_EXIT_TEXT);
    }
    exit(0);
}

// How the child of batch must end, from its plan alone: at the first
// exit (its status) or kill of itself (-1), else 0 after n calls.
// Counts the calls it will make into fz_counts and *made.
static int
fz_expect(uint64 seed, uint64 batch, int n, uint64 *made)
{
    struct fz_rng r;
    struct fz_call c;

    fz_seed(&r, seed, batch);
    for (int k = 0; k < n; k++) {
        fz_plan(&r, &c);
        ++*made;
        if (c.nr < (uint64)fz_nnames && fz_names[c.nr] && c.nr < 64)
            fz_counts[c.nr]++;
        else
            fz_others++;
        if (c.nr == SYS_exit)
            return (int)fz_int(c.raw[0]);
        if (c.nr == SYS_kill && fz_pid_is_self(c.raw[0]))
            return -1;
    }
    return 0;
}

// Runs one batch of at most n calls; adds the calls it made to *made.
static void
fz_batch(uint64 seed, uint64 batch, int n, uint64 *made)
{
    int want = fz_expect(seed, batch, n, made), got, pid = UT_FORK();
    char s[24], b[24];

    if (pid == 0)
        fz_child(seed, batch, n);
    got = UT_WAIT(pid);
    if (got == want)
        return;
    ut_line("FAIL fuzz_syscalls: seed ", ut_itoa(seed, s), " batch ",
            ut_itoa(batch, b), (char *)0);
    UT_EQ(got, want);
}

// Removes everything under dir (depth-first), then dir itself if rm.
static void
fz_clean(const char *dir, int depth, int rm)
{
    char path[MAXPATH];
    struct dirent de;
    int fd = open(dir, O_RDONLY), len = strlen(dir);

    if (fd < 0 || depth > 8 || len + DIRSIZ + 2 > MAXPATH)
        return;
    while (read(fd, &de, sizeof(de)) == sizeof(de)) {
        if (de.inum == 0 || strcmp(de.name, ".") == 0 ||
            strcmp(de.name, "..") == 0)
            continue;
        memmove(path, dir, len);
        path[len] = '/';
        memmove(path + len + 1, de.name, DIRSIZ);
        path[len + 1 + DIRSIZ] = 0;
        if (unlink(path) != 0)
            fz_clean(path, depth + 1, 1);
    }
    close(fd);
    if (rm)
        UT_EQ(unlink(dir), 0);
}

// Free pages may come back a moment late: init reaps orphaned forks.
static void
fz_leak_check(uint64 before, uint64 seed, uint64 batch)
{
    uint64 after = ut_free_pages();
    char s[24], b[24];

    for (int tries = 0; after != before && tries < 100; tries++) {
        sleep(1);
        after = ut_free_pages();
    }
    if (after == before)
        return;
    ut_line("FAIL fuzz_syscalls: seed ", ut_itoa(seed, s), " pages lost by batch ",
            ut_itoa(batch, b), (char *)0);
    UT_EQ(after, before);
}

static void
fz_summary(uint64 calls)
{
    char line[512], num[24], total[24];
    int n = 0;

    for (int nr = 0; nr < 64; nr++) {
        if (fz_counts[nr] == 0 || n > (int)sizeof(line) - 48)
            continue;
        n += strlen(strcpy(line + n, fz_names[nr]));
        line[n++] = ' ';
        n += strlen(strcpy(line + n, ut_itoa(fz_counts[nr], num)));
        line[n++] = ' ';
    }
    line[n] = 0;
    ut_line("fuzz: ", ut_itoa(calls, total), " calls: ", line, "unknown ",
            ut_itoa(fz_others, num), (char *)0);
}

static void
fuzz_syscalls(void)
{
    uint64 seed = ut_fuzz_seed, calls = ut_fuzz_calls, before, b, made = 0;
    uint64 shown = 0;
    char s[24], n[24];

    if (seed == 0) // a new seed each run, printed for a rerun
        seed = (uptime() * 2654435761u + ut_free_pages()) % 1000000000 + 1;
    ut_line("fuzz: seed ", ut_itoa(seed, s), ", ", ut_itoa(calls, n),
            " calls (again: usertests -fuzz ", n, " ", s, ")", (char *)0);
    fz_clean(FZ_DIR, 0, 0);
    unlink(FZ_DIR);
    UT_EQ(mkdir(FZ_DIR), 0);
    UT_EQ(chdir(FZ_DIR), 0);
    before = ut_free_pages();
    for (b = 0; made < calls; b++) {
        uint64 left = calls - made;
        fz_batch(seed, b, left < FZ_BATCH ? left : FZ_BATCH, &made);
        if ((b + 1) % FZ_LEAK_EVERY == 0) {
            fz_clean(".", 0, 0);
            fz_leak_check(before, seed, b);
        }
        if (made / FZ_SHOW_EVERY != shown) {
            shown = made / FZ_SHOW_EVERY;
            ut_line("fuzz: ", ut_itoa(made, n), " calls", (char *)0);
        }
    }
    fz_clean(".", 0, 0);
    fz_leak_check(before, seed, b);
    UT_EQ(chdir(".."), 0);
    fz_clean(FZ_DIR, 0, 1);
    fz_summary(made);
}

const struct ut_test ut_fuzz_tests[] = {
    {"fuzz_syscalls", fuzz_syscalls, 1},
    {0, 0, 0},
};
