// The system-call fuzzer's shared parts: the seeded generator, the plan of
// one call (number and argument classes, drawn only from the generator so
// the parent can replay a child's plan) and what each argument becomes.
#ifndef UT_FUZZ_H
#define UT_FUZZ_H

#include "ut.h"
#include "build/gen/syscall_nr.h"

#define FZ_NARGS 6
#define FZ_BATCH 64       // calls per child process
#define FZ_REPORT_FD 15   // the child's console; never a fuzzed fd
#define FZ_DIR "fz_dir"   // every path the fuzzer makes lies under it

// The call table, from the generated header: a call added to
// kernel/syscall.tbl is fuzzed without any edit here.
#define FZ_NAME(nr, name) [nr] = #name,
extern const char *const fz_names[];
extern const int fz_nnames; // one past the highest number

struct fz_rng {
    uint64 s;
};

// Argument classes: how a value is made (fuzz_args.c).
enum fz_class {
    FZ_INT,      // any 64-bit pattern: small, negative, huge, random
    FZ_FD,       // open, closed, negative or too large descriptor
    FZ_LEN,      // 0, 1, page-sized, huge, negative
    FZ_BAD,      // an address no call may touch (unmapped, kernel, ...)
    FZ_TEXT,     // our own code: readable, never writable
    FZ_BUF,      // a mapped buffer of ours, at any alignment
    FZ_LAZY,     // never-touched heap pages below the break
    FZ_NEARBRK,  // a few bytes either side of the break
    FZ_PATH,     // one of a few names inside FZ_DIR
    FZ_PID,      // ourselves, our children, init, or nobody
    FZ_NCLASS
};

struct fz_call {
    uint64 nr;
    int cls[FZ_NARGS];
    uint64 raw[FZ_NARGS]; // generator output the class turns into a value
};

// Seeds r for batch `batch` of run `seed`.
void fz_seed(struct fz_rng *r, uint64 seed, uint64 batch);
uint64 fz_next(struct fz_rng *r);
// Draws the next call of a batch. halt is never drawn (it would power
// the machine off); numbers outside the table are, now and then.
void fz_plan(struct fz_rng *r, struct fz_call *c);
// Turns the plan into argument values for this process now.
void fz_resolve(const struct fz_call *c, uint64 *args);
// Nonzero if the call must return -1 (or at most 0: *most) whatever the
// file system holds, because an argument is bad: the fuzzer's oracle.
int fz_must_fail(const struct fz_call *c, const uint64 *args, int *most);

// The value of class FZ_INT for generator output raw (no state used).
uint64 fz_int(uint64 raw);
// Does FZ_PID turn raw into the caller's own pid?
int fz_pid_is_self(uint64 raw);
// kernel/file.h's CONSOLE: a node with it reads the keyboard.
#define FZ_CONSOLE_MAJOR 1

// Set up in the child before its first call (fuzz_args.c).
extern uint64 fz_lazy_base, fz_lazy_len; // the untouched heap
extern char fz_buf[]; // FZ_BUF's target
#define FZ_BUF_SIZE 8192 // two pages

#endif
