// Many harts busy at once: parallel compute, FPU state across switches,
// preemption, concurrent file-system and allocator use. Uses ut.h only.
#include "ut.h"

#define NWORK 8

static struct procinfo smp_procs[NPROC];

// Integer work mixed with system calls; deterministic per seed.
static uint32
smp_work(uint32 seed, int rounds)
{
    uint32 x = seed * 2654435761u + 1;

    for (int i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        if (i % 4096 == 0 && getpid() <= 0)
            x = 0;
    }
    return x;
}

// Forks n children running fn(i) (which exits) and checks each exits 0.
static void
smp_fan_out(int n, void (*fn)(int))
{
    int status;

    for (int i = 0; i < n; i++)
        if (UT_FORK() == 0)
            fn(i);
    for (int i = 0; i < n; i++) {
        UT_CHECK(wait(&status) > 0);
        UT_EQ(status, 0);
    }
    UT_EQ(wait(0), -1);
}

static uint32 smp_expect[NWORK];

static void
smp_compute_child(int i)
{
    exit(smp_work(i + 1, 2000000) == smp_expect[i] ? 0 : 2);
}

static void
smp_compute(void)
{
    for (int i = 0; i < NWORK; i++)
        smp_expect[i] = smp_work(i + 1, 2000000);
    smp_fan_out(NWORK, smp_compute_child);
}

// Floating point kept in registers across many context switches.
static double
smp_fp_work(int k)
{
    double sum = 0, x = k + 0.5;

    for (int i = 1; i < 300000; i++) {
        sum += x / (i + k);
        x = x * 0.999999 + 1e-7 * i;
    }
    return sum;
}

static double smp_fp_expect[NWORK];

static void
smp_fpu_child(int i)
{
    double got = smp_fp_work(i);

    exit(memcmp(&got, &smp_fp_expect[i], sizeof(got)) == 0 ? 0 : 2);
}

static void
smp_fpu(void)
{
    for (int i = 0; i < NWORK; i++)
        smp_fp_expect[i] = smp_fp_work(i);
    smp_fan_out(NWORK, smp_fpu_child);
}

// More user-mode spinners than harts: a sleeper still wakes on time,
// so the timer preempts compute-bound processes.
static void
smp_preempt(void)
{
    int stop = uptime() + 60, t0, d, status;

    for (int i = 0; i < NCPU + 1; i++) {
        if (UT_FORK() == 0) {
            while (uptime() < stop)
                for (volatile int j = 0; j < 100000; j++)
                    ;
            exit(0);
        }
    }
    t0 = uptime();
    sleep(5);
    d = uptime() - t0;
    UT_CHECK(uptime() < stop);
    UT_CHECK(d >= 5 && d < 40);
    for (int i = 0; i < NCPU + 1; i++) {
        UT_CHECK(wait(&status) > 0);
        UT_EQ(status, 0);
    }
}

// Kill a crowd of spinners at once.
static void
smp_kill_many(void)
{
    int pids[NWORK], status;

    for (int i = 0; i < NWORK; i++) {
        pids[i] = UT_FORK();
        if (pids[i] == 0)
            ut_spin_exit(1000);
    }
    sleep(2);
    for (int i = 0; i < NWORK; i++)
        UT_EQ(kill(pids[i]), 0);
    for (int i = 0; i < NWORK; i++) {
        UT_CHECK(wait(&status) > 0);
        UT_EQ(status, -1);
    }
}

// Each child allocates, fills, checks and frees heap pages in rounds.
static void
smp_sbrk_child(int i)
{
    char *p;

    for (int round = 0; round < 20; round++) {
        p = sbrk(64 * PGSIZE);
        if (p == (char *)-1)
            exit(3);
        for (int k = 0; k < 64; k++)
            p[k * PGSIZE + i] = (char)(i + k + round);
        for (int k = 0; k < 64; k++)
            if (p[k * PGSIZE + i] != (char)(i + k + round))
                exit(2);
        if (sbrk(-64 * (int)PGSIZE) == (char *)-1)
            exit(4);
    }
    exit(0);
}

static void
smp_sbrk(void)
{
    smp_fan_out(NWORK, smp_sbrk_child);
}

static void
smp_fork_child(int i)
{
    int pid, status;

    for (int k = 0; k < 40; k++) {
        pid = fork();
        if (pid < 0)
            exit(3);
        if (pid == 0)
            exit((i * 40 + k) & 0x7f);
        if (wait(&status) != pid || status != ((i * 40 + k) & 0x7f))
            exit(2);
    }
    exit(0);
}

// Eight processes forking and reaping at once.
static void
smp_fork(void)
{
    smp_fan_out(NWORK, smp_fork_child);
}

// A pair of processes bouncing a counter through two pipes.
static void
smp_pingpong_child(int i)
{
    int ab[2], ba[2], v = 0, pid;

    if (pipe(ab) < 0 || pipe(ba) < 0)
        exit(3);
    pid = fork();
    if (pid == 0) {
        close(ab[1]);
        close(ba[0]);
        while (read(ab[0], &v, sizeof(v)) == sizeof(v)) {
            v++;
            write(ba[1], &v, sizeof(v));
        }
        exit(0);
    }
    close(ab[0]);
    close(ba[1]);
    for (int k = 0; k < 300; k++) {
        if (write(ab[1], &v, sizeof(v)) != sizeof(v) ||
            read(ba[0], &v, sizeof(v)) != sizeof(v) || v != k + 1)
            exit(2);
    }
    close(ab[1]);
    exit(wait(&v) == pid && v == 0 ? 0 : 4);
}

static void
smp_pingpong(void)
{
    smp_fan_out(NWORK, smp_pingpong_child);
}

// Live entries in directory path ("." and ".." included).
static int
smp_dir_count(const char *path)
{
    struct dirent de;
    int fd = open(path, O_RDONLY), live = 0;

    UT_CHECK(fd >= 0);
    while (read(fd, &de, sizeof(de)) == sizeof(de))
        live += de.inum != 0;
    close(fd);
    return live;
}

// Sets the two digits at name[at], name[at+1] to k (0..99).
static void
smp_name(char *name, int at, int k)
{
    name[at] = '0' + k / 10;
    name[at + 1] = '0' + k % 10;
}

// Creates, checks and (two steps later) removes its own 100 files.
static void
smp_files_child(int i)
{
    char name[] = "uts_cc/c0_00", buf[5];
    int fd;

    name[8] = '0' + i;
    for (int k = 0; k < 102; k++) {
        if (k >= 2) {
            smp_name(name, 10, k - 2);
            if (unlink(name) != 0)
                exit(5);
        }
        if (k >= 100)
            continue;
        smp_name(name, 10, k);
        fd = open(name, O_CREATE | O_RDWR);
        if (fd < 0 || write(fd, name + 7, 5) != 5)
            exit(2);
        close(fd);
        fd = open(name, O_RDONLY);
        if (fd < 0 || read(fd, buf, 5) != 5 || memcmp(buf, name + 7, 5))
            exit(4);
        close(fd);
    }
    exit(0);
}

// Four processes creating and deleting files in one directory.
static void
smp_files(void)
{
    UT_EQ(mkdir("uts_cc"), 0);
    smp_fan_out(4, smp_files_child);
    UT_EQ(smp_dir_count("uts_cc"), 2);
    UT_EQ(unlink("uts_cc"), 0);
}

// Random creates, unlinks and mkdirs on the same few names.
static void
smp_race_child(int i)
{
    char file[] = "uts_race/x0", dir[] = "uts_race/d0";
    uint32 x = i * 7919 + 1;
    int fd;

    for (int k = 0; k < 300; k++) {
        x = x * 1103515245 + 12345;
        file[10] = dir[10] = '0' + (x >> 16) % 3;
        switch ((x >> 24) % 4) {
        case 0:
            fd = open(file, O_CREATE | O_RDWR);
            if (fd < 0 || write(fd, "r", 1) != 1)
                exit(2);
            close(fd);
            break;
        case 1:
            unlink(file);
            break;
        case 2:
            mkdir(dir);
            break;
        default:
            unlink(dir);
        }
    }
    exit(0);
}

static void
smp_race(void)
{
    char file[] = "uts_race/x0", dir[] = "uts_race/d0";

    UT_EQ(mkdir("uts_race"), 0);
    smp_fan_out(NWORK, smp_race_child);
    for (int i = 0; i < 3; i++) {
        file[10] = dir[10] = '0' + i;
        unlink(file);
        unlink(dir);
    }
    UT_EQ(smp_dir_count("uts_race"), 2);
    UT_EQ(unlink("uts_race"), 0);
}

// Do the harts really run at once? Not required (one hart is legal),
// so this only checks procinfo stays sane while everyone is busy.
static void
smp_procinfo(void)
{
    int pids[4], n, running = 0, seen = 0;

    for (int i = 0; i < 4; i++) {
        pids[i] = UT_FORK();
        if (pids[i] == 0)
            ut_spin_exit(1000);
    }
    for (int round = 0; round < 20; round++) {
        n = procinfo(smp_procs, NPROC);
        UT_CHECK(n > 5 && n <= NPROC);
        for (int i = 0; i < n; i++) {
            UT_CHECK(smp_procs[i].state >= 1 && smp_procs[i].state <= 5);
            running += smp_procs[i].state == 4;
            for (int k = 0; k < 4; k++)
                seen |= (smp_procs[i].pid == pids[k]) << k;
        }
    }
    UT_EQ(seen, 15);
    UT_CHECK(running >= 20);
    for (int i = 0; i < 4; i++) {
        kill(pids[i]);
        UT_EQ(UT_WAIT(pids[i]), -1);
    }
}

const struct ut_test ut_smp_tests[] = {
    {"smp_compute", smp_compute, 0},
    {"smp_fpu", smp_fpu, 0},
    {"smp_preempt", smp_preempt, 0},
    {"smp_kill_many", smp_kill_many, 0},
    {"smp_sbrk", smp_sbrk, 0},
    {"smp_fork", smp_fork, 0},
    {"smp_pingpong", smp_pingpong, 0},
    {"smp_files", smp_files, 1},
    {"smp_race", smp_race, 1},
    {"smp_procinfo", smp_procinfo, 0},
    {0, 0, 0},
};
