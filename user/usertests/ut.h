// usertests framework: the test table type, checks that fail the running
// test, and helpers the t_*.c files share. Knows no individual test.
#ifndef UT_H
#define UT_H

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "kernel/meminfo.h"
#include "kernel/riscv.h"
#include "user/user.h"

// Where the exec tests find this program again.
#define UT_SELF "/usertests"

// User address-space landmarks (kernel/mm/memlayout.h is not user ABI).
#define UT_TRAMPOLINE (MAXVA - PGSIZE)
#define UT_TRAPFRAME (MAXVA - 2 * PGSIZE)
#define UT_HEAP_LIMIT UT_TRAPFRAME // the break may not pass this

// The watchdog (watch.c) judges progress, not elapsed time. It stops a
// test whose processes together used more CPU ticks than its budget (a
// spin), or that none of them ran for UT_STALL_POLLS of the runner's
// one-tick polls (a deadlock). A slow host gives a test fewer
// instructions per tick, so the budgets are far above what a correct
// test uses on an idle host (see README figures).
#define UT_CPU_FAST 20000
#define UT_CPU_SLOW 200000
#define UT_STALL_POLLS 6000
#define UT_KILL_POLLS 500 // after the kill, before giving up on the test
extern int ut_cpu_fast, ut_cpu_slow, ut_stall_polls; // -cpu, -stall

struct ut_test {
    const char *name;
    void (*fn)(void); // returns on success; a failed check exits(1)
    int slow;         // skipped by `usertests -q`
};

// One table per t_*.c file, each ended by an entry with fn == 0.
extern const struct ut_test ut_proc_tests[];
extern const struct ut_test ut_file_tests[];
extern const struct ut_test ut_dir_tests[];
extern const struct ut_test ut_pipe_tests[];
extern const struct ut_test ut_args_tests[];
extern const struct ut_test ut_exec_tests[];
extern const struct ut_test ut_mem_tests[];
extern const struct ut_test ut_fault_tests[];
extern const struct ut_test ut_smp_tests[];
extern const struct ut_test ut_cow_tests[];
extern const struct ut_test ut_mmap_tests[];
extern const struct ut_test ut_mmap_file_tests[];
extern const struct ut_test ut_mmap_bad_tests[];
extern const struct ut_test ut_mmap_view_tests[];
extern const struct ut_test ut_mmap_share_tests[];
extern const struct ut_test ut_runner_tests[];
extern const struct ut_test ut_fuzz_tests[];
extern const struct ut_test ut_mmap_rw_tests[];
// Run only when named: tests that hang on purpose (t_hang.c).
extern const struct ut_test ut_hang_tests[];

// Waits for test t running in child pid, stopping it when it spins or
// stalls (watch.c). Returns its exit status, or UT_WATCH_KILLED after
// reporting why it was stopped. *cpu_used gets the CPU ticks it used.
#define UT_WATCH_KILLED 0x10000
#define UT_WATCH_ALIVE 0x10001
int ut_watch(const struct ut_test *t, int pid, uint64 *cpu_used);
// Kills every process with a larger pid than the caller's (all were
// forked after it). Returns how many there were.
int ut_kill_descendants(void);
extern const struct ut_test ut_job_tests[];

extern const char *ut_name;  // the test this process belongs to
extern uint64 ut_heap_start; // the break as main() found it

// Print `FAIL name: file:line: msg` (ut_fail_eq adds got/want) and
// exit(1).
void ut_fail(const char *file, int line, const char *msg)
    __attribute__((noreturn));
void ut_fail_eq(const char *file, int line, const char *expr, int64 got,
                int64 want) __attribute__((noreturn));

// Context added to any failure report from this process, such as the
// bad address a loop is on; a null label clears it.
void ut_note(const char *label, int64 value);

#define UT_FAIL(msg) ut_fail(__FILE__, __LINE__, (msg))
#define UT_CHECK(c)                                                            \
    do {                                                                       \
        if (!(c))                                                              \
            ut_fail(__FILE__, __LINE__, #c);                                   \
    } while (0)
#define UT_EQ(got, want)                                                       \
    do {                                                                       \
        int64 ut_got_ = (int64)(got), ut_want_ = (int64)(want);                \
        if (ut_got_ != ut_want_)                                               \
            ut_fail_eq(__FILE__, __LINE__, #got " == " #want, ut_got_,         \
                       ut_want_);                                              \
    } while (0)

// Writes the strings (a list ended by (char *)0) and a newline as one line
// with a single write(), so concurrent processes do not interleave.
void ut_line(const char *first, ...);
extern int ut_line_fd; // where ut_line writes: 1 unless a test moves it

// fork(), failing the test when it returns -1.
int ut_fork_at(const char *file, int line);
#define UT_FORK() ut_fork_at(__FILE__, __LINE__)
// Waits for child pid (failing if wait reaps another or returns -1) and
// returns its exit status.
int ut_wait_at(const char *file, int line, int pid);
#define UT_WAIT(pid) ut_wait_at(__FILE__, __LINE__, (pid))
// Runs fn(arg) in a new child and fails unless the kernel kills it
// (wait status -1). A child that survives fn exits with status 2.
void ut_killed_at(const char *file, int line, void (*fn)(uint64), uint64 arg);
#define UT_KILLED(fn, arg) ut_killed_at(__FILE__, __LINE__, (fn), (arg))

// One-byte load / store at va, opaque to the compiler (for UT_KILLED).
void ut_load(uint64 va);
void ut_store(uint64 va);
// Calls code at va as a function (for no-execute tests).
void ut_call(uint64 va);

// Computes in user mode for about ticks ticks (glancing at uptime() now
// and then), then exits 0. Bounded, so a failed kill leaves no spinner.
void ut_spin_exit(int ticks) __attribute__((noreturn));

// meminfo() or fail the test.
void ut_meminfo(struct meminfo *m);
uint64 ut_free_pages(void);
// Processes alive now, zombies included (procinfo), or -1.
int ut_nprocs(void);
// Waits until at most n processes are alive, so that the pages of every
// orphan a test left are back before pages are counted. Returns 0 if
// they did not go within UT_SETTLE_POLLS polls of a tick each.
#define UT_SETTLE_POLLS 3000
int ut_settle(int n);
// Waits until process pid shows state (as procinfo numbers them: 2
// sleeping, 5 zombie, ...). Judged by the target's progress, not by time:
// fails once pid has used UT_AWAIT_TICKS ticks of CPU without getting
// there, or when it is gone; a target that merely waits for a hart is
// waited for (the watchdog bounds the whole test).
#define UT_AWAIT_TICKS 100
void ut_await_state(int pid, int state);
// The fd open() would return next (dup of 0, closed again).
int ut_lowest_fd(void);
// Creates or truncates path holding exactly buf[0..n); fails the test on error.
void ut_write_file(const char *path, const void *buf, int n);
// Reads path from its start into buf (at most max bytes); fails the test
// unless that gives exactly want bytes.
void ut_read_file(const char *path, void *buf, int max, int want);
// Forks children (as many as the table takes, at most NPROC) that sleep
// reading pipe fds until its write end is closed everywhere; their count.
int ut_fork_sleepers(int fds[2]);
// Writes the decimal value of v into out (at least 21 bytes); returns out.
char *ut_itoa(int64 v, char *out);
// Writes v as 0x... hex into out (at least 19 bytes); returns out.
char *ut_xtoa(uint64 v, char *out);

// Fills out with addresses no system call may read or write for the
// caller: page 0, kernel RAM, trapframe, trampoline, at and past MAXVA,
// past the break, the stack guard page. Returns how many (<= UT_NBAD).
#define UT_NBAD 16
int ut_bad_addrs(uint64 *out);

// `usertests -mmapexec ADDR`: the exec'd side of mmap_exec; exits 0 when
// nothing is mapped at ADDR any more.
void ut_mmap_exec_side(int argc, char **argv) __attribute__((noreturn));

// `usertests -argcheck MODE args...`: the exec'd side of the exec tests.
// Exits 100 + argc when argv matches MODE ("pat" or "empty"), else 1.
void ut_argcheck(int argc, char **argv) __attribute__((noreturn));
// `usertests -fuzz CALLS [SEED]` (t_fuzz.c): sets the fuzzer's call count
// and seed from argv after *i, advancing *i; returns the test to run.
char *ut_fuzz_options(int argc, char **argv, int *i);
// Prints how to call usertests and exits 2.
void ut_usage(void) __attribute__((noreturn));

// The argument exec tests pass in position i for MODE "pat" (< 20 bytes).
const char *ut_argpat(int i);

#endif
