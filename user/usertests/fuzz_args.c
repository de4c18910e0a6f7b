// System-call fuzzer, the generator side: what each call's arguments are
// (kinds), the interesting values of each class, and the oracle that says
// which results are impossible. Runs no call itself.
#include "fuzz.h"
#include "kernel/jobs.h"

const char *const fz_names[] = {SYS_LIST(FZ_NAME)};
const int fz_nnames = sizeof(fz_names) / sizeof(fz_names[0]);

uint64 fz_lazy_base, fz_lazy_len;
char fz_buf[FZ_BUF_SIZE];

// Argument kinds of the calls we know; a call only the table knows gets
// K_ANY for every argument. Arguments past the signature are K_ANY too:
// the kernel must ignore them.
enum {
    K_ANY, K_INT, K_FD, K_LEN, K_PTR, K_PATH, K_PID, K_TICKS, K_MAJOR,
    K_PGID, K_MODE
};
static const unsigned char fz_kinds[][FZ_NARGS] = {
    [SYS_exit] = {K_INT},       [SYS_wait] = {K_PTR},
    [SYS_pipe] = {K_PTR},       [SYS_read] = {K_FD, K_PTR, K_LEN},
    [SYS_kill] = {K_PID},       [SYS_exec] = {K_PATH, K_PTR},
    [SYS_fstat] = {K_FD, K_PTR}, [SYS_chdir] = {K_PATH},
    [SYS_dup] = {K_FD},         [SYS_sbrk] = {K_LEN},
    [SYS_sleep] = {K_TICKS},    [SYS_open] = {K_PATH, K_INT},
    [SYS_write] = {K_FD, K_PTR, K_LEN},
    [SYS_mknod] = {K_PATH, K_MAJOR, K_INT},
    [SYS_unlink] = {K_PATH},    [SYS_link] = {K_PATH, K_PATH},
    [SYS_mkdir] = {K_PATH},     [SYS_close] = {K_FD},
    [SYS_meminfo] = {K_PTR},    [SYS_procinfo] = {K_PTR, K_LEN},
    // Job control: groups and the console are shared with the runner and
    // the shell, so their arguments name only what is ours to end.
    [SYS_setpgid] = {K_PID, K_PGID}, [SYS_getpgid] = {K_PID},
    [SYS_fgpgrp] = {K_PGID},    [SYS_consmode] = {K_MODE},
    [SYS_waitusage] = {K_PTR, K_PTR}, [SYS_killpg] = {K_PGID},
};
#define FZ_NKINDS (int)(sizeof(fz_kinds) / sizeof(fz_kinds[0]))

// splitmix64 spreads (seed, batch) over the state; xorshift64* runs it.
void
fz_seed(struct fz_rng *r, uint64 seed, uint64 batch)
{
    uint64 z = seed + (batch + 1) * 0x9e3779b97f4a7c15ULL;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    r->s = (z ^ (z >> 31)) | 1;
}

uint64
fz_next(struct fz_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dULL;
}

// Pointer-like classes, weighted towards memory that exists.
static const unsigned char fz_ptr_classes[] = {
    FZ_BAD, FZ_BAD, FZ_TEXT, FZ_BUF, FZ_BUF, FZ_BUF, FZ_LAZY, FZ_LAZY,
    FZ_NEARBRK, FZ_INT};

static int
fz_class_of(int kind, uint64 pick)
{
    switch (kind) {
    case K_INT: case K_TICKS: case K_MAJOR: return FZ_INT;
    case K_FD: return pick % 8 ? FZ_FD : FZ_INT;
    case K_LEN: return pick % 8 ? FZ_LEN : FZ_INT;
    case K_PID: return FZ_PID;
    case K_PGID: return FZ_PGID;
    case K_MODE: return FZ_MODE;
    case K_PTR: return fz_ptr_classes[pick % sizeof(fz_ptr_classes)];
    case K_PATH:
        return pick % 2 ? FZ_PATH : fz_ptr_classes[pick % sizeof(fz_ptr_classes)];
    default: {
        // Any class but those that name shared state: a raw value could
        // name the shell's group or the raw console mode by chance.
        int cls = pick % FZ_NCLASS;
        return cls == FZ_PGID || cls == FZ_MODE ? FZ_INT : cls;
    }
    }
}

// Numbers no call has: the kernel must say -1 (it also prints a line).
static uint64
fz_unknown_nr(uint64 pick)
{
    static const uint64 odd[] = {0, 255, (1ULL << 32) | SYS_getpid, ~0ULL};

    if (pick % 2)
        return fz_nnames + pick % 3;
    return odd[(pick >> 1) % 4];
}

// A call whose arguments the table describes (all of xv6's, and each
// later call with a row of its own): its unused arguments get plain ints.
// A later call without a row (mmap's) gets every class.
static int
fz_known(uint64 nr)
{
    if (nr >= (uint64)FZ_NKINDS || fz_names[nr] == 0)
        return 0;
    if (nr <= SYS_procinfo)
        return 1;
    for (int i = 0; i < FZ_NARGS; i++)
        if (fz_kinds[nr][i] != K_ANY)
            return 1;
    return 0;
}

void
fz_plan(struct fz_rng *r, struct fz_call *c)
{
    uint64 pick = fz_next(r);

    if (pick % 1024 == 0) {
        c->nr = fz_unknown_nr(pick >> 10);
    } else {
        // halt would power the machine off: never drawn. exit ends the
        // batch (and its fork), so it comes a quarter as often.
        do
            c->nr = fz_next(r) % fz_nnames;
        while (fz_names[c->nr] == 0 || c->nr == SYS_halt ||
               (c->nr == SYS_exit && fz_next(r) % 4));
    }
    for (int i = 0; i < FZ_NARGS; i++) {
        int kind = c->nr < (uint64)FZ_NKINDS ? fz_kinds[c->nr][i] : K_ANY;
        // A known call's unused arguments get junk, not a class.
        if (kind == K_ANY && fz_known(c->nr))
            kind = K_INT;
        c->cls[i] = fz_class_of(kind, fz_next(r));
        c->raw[i] = fz_next(r);
    }
}

uint64
fz_int(uint64 raw)
{
    static const uint64 ints[] = {
        0, 1, 2, 3, ~0ULL, 0x7fffffff, 0x80000000, 0xffffffff80000000ULL,
        1ULL << 32, 0x8000000000000000ULL, 0x7fffffffffffffffULL, 4096,
    };

    if (raw % 4 == 0)
        return raw >> 2; // any pattern at all
    if (raw % 4 == 1)
        return (raw >> 2) % 256;
    return ints[(raw >> 2) % (sizeof(ints) / sizeof(ints[0]))];
}

// Descriptors: mostly the ones we may hold; FZ_REPORT_FD never.
static uint64
fz_fd(uint64 raw)
{
    static const uint64 odd[] = {~0ULL, NOFILE, 100, 0x80000000,
                                 (1ULL << 32) | 3, ~0ULL << 20};

    if (raw % 4)
        return (raw >> 2) % FZ_REPORT_FD;
    return odd[(raw >> 2) % (sizeof(odd) / sizeof(odd[0]))];
}

static uint64
fz_len(uint64 raw)
{
    static const uint64 lens[] = {
        0, 1, 2, 13, 512, PGSIZE - 1, PGSIZE, PGSIZE + 1, 3 * PGSIZE,
        1 << 20, 0x7fffffff, ~0ULL, 0x80000000, (1ULL << 32) + 5, ~0ULL << 12,
    };

    if (raw % 8 == 0)
        return (raw >> 3) % 70000;
    return lens[(raw >> 3) % (sizeof(lens) / sizeof(lens[0]))];
}

static uint64
fz_pid(uint64 raw)
{
    static const uint64 odd[] = {1, 0, ~0ULL, 1 << 20, 0x80000000,
                                 (1ULL << 32) | 1};
    uint64 me = getpid();

    switch (raw % 4) {
    case 0: return me; // a kill of ourselves ends the batch
    case 1: return me + 1 + (raw >> 2) % 3; // our children, if any
    default: return odd[(raw >> 2) % (sizeof(odd) / sizeof(odd[0]))];
    }
}

// Groups: those our children may lead, and names of nobody. A truncated
// 64-bit value names one of ours too. Never 1 or the runner's group, nor
// the group we are in now: an earlier setpgid may have moved us into a
// child's group, and a killpg of it would end us where the replayed plan
// (fz_expect) cannot know it (seed 202 of a 250,000-call run found that).
static uint64
fz_pgid(uint64 raw)
{
    static const uint64 odd[] = {0, ~0ULL, 1 << 20, 0x80000000};
    uint64 me = getpid(), v;

    switch (raw % 4) {
    case 0: v = me + 1 + (raw >> 2) % 3; break;
    case 1: v = (1ULL << 32) | (me + 1); break;
    default: return odd[(raw >> 2) % (sizeof(odd) / sizeof(odd[0]))];
    }
    return (int)v == getpgid(0) ? 0x80000000 : v;
}

// Console modes: cooked, and values that are no mode at all.
static uint64
fz_mode(uint64 raw)
{
    static const uint64 modes[] = {CONSOLE_COOKED, ~0ULL, 2, 0x80000000,
                                   (1ULL << 32) | CONSOLE_COOKED};
    return modes[raw % (sizeof(modes) / sizeof(modes[0]))];
}

// The pid class's choice without running anything: does kill(arg) hit us?
int
fz_pid_is_self(uint64 raw)
{
    return raw % 4 == 0;
}

static const char *const fz_paths[] = {
    "fz0", "fz1", "fzd", "fzd/fz2", "fzd/", ".", "", "/", "fz_none/x",
    "fz0/x",
    "fzlong_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

// A string in our text or buffer that would leave FZ_DIR ("/..." or
// "..") is swapped for a harmless name: the fuzzer must not litter or
// delete the real file system. ("/" itself, which no call can make or
// remove, comes from the path list. Heap pages are not checked, so as
// not to touch them; only file contents read back could put a path
// there, and their bytes come from these same checked sources.)
static uint64
fz_keep_inside(uint64 p)
{
    const char *s = (const char *)p;

    if (s[0] == '/')
        return (uint64)"fz0";
    for (int i = 0; i < MAXPATH && s[i]; i++)
        if (s[i] == '.' && s[i + 1] == '.')
            return (uint64)"fz1";
    return p;
}

// An address from ut_bad_addrs, maybe a little past it. A fuzzed sbrk
// may have moved the break past some of them (0x80000000 is user memory
// once the heap reaches 2 GiB): those become the first page past it.
static uint64
fz_bad(uint64 raw)
{
    uint64 list[UT_NBAD], v, top = PGROUNDUP((uint64)sbrk(0));
    int n = ut_bad_addrs(list);

    v = list[raw % n] + ((raw >> 8) % 4 ? 0 : (raw >> 10) % 64);
    if (v >= ut_heap_start && v < top)
        v = top + (raw >> 10) % 64;
    return v;
}

static uint64
fz_value(int cls, uint64 raw)
{
    static void *const text[] = {fz_plan, fz_next, ut_line, ut_itoa, fz_seed};

    switch (cls) {
    case FZ_FD: return fz_fd(raw);
    case FZ_LEN: return fz_len(raw);
    case FZ_BAD: return fz_bad(raw);
    case FZ_TEXT:
        return fz_keep_inside((uint64)text[raw % 5] + (raw >> 8) % 64);
    case FZ_BUF: return fz_keep_inside((uint64)fz_buf + raw % (FZ_BUF_SIZE - 256));
    case FZ_LAZY: return fz_lazy_base + raw % fz_lazy_len;
    case FZ_NEARBRK: return (uint64)sbrk(0) + raw % 64 - 32;
    case FZ_PATH: return (uint64)fz_paths[raw % (sizeof(fz_paths) / sizeof(fz_paths[0]))];
    case FZ_PID: return fz_pid(raw);
    case FZ_PGID: return fz_pgid(raw);
    case FZ_MODE: return fz_mode(raw);
    default: return fz_int(raw);
    }
}

void
fz_resolve(const struct fz_call *c, uint64 *args)
{
    for (int i = 0; i < FZ_NARGS; i++)
        args[i] = fz_value(c->cls[i], c->raw[i]);
    // The kernel reads a descriptor as an int: no pattern may reach the
    // report descriptor (reading it would wait for the keyboard).
    for (int i = 0; i < FZ_NARGS && c->nr < (uint64)FZ_NKINDS; i++)
        if (fz_kinds[c->nr][i] == K_FD && (int)args[i] == FZ_REPORT_FD)
            args[i] ^= 1;
    // A long sleep is no bug, only a slow run; negative ones stay.
    if (c->nr == SYS_sleep && (int)args[0] > 2)
        args[0] %= 3;
    // A console node would let read() wait for a person at the keyboard.
    if (c->nr == SYS_mknod && (short)args[1] == FZ_CONSOLE_MAJOR)
        args[1] = 0;
}

// Is the pointer argument i one the call must refuse to write through?
static int
fz_unwritable(const struct fz_call *c, const uint64 *args, int i)
{
    return c->cls[i] == FZ_BAD || c->cls[i] == FZ_TEXT;
}

int
fz_must_fail(const struct fz_call *c, const uint64 *args, int *most)
{
    int bad0 = c->cls[0] == FZ_BAD, len2 = (int)args[2] > 0;

    *most = 0;
    switch (c->nr) {
    case SYS_exec: // nothing under FZ_DIR is a program
        return 1;
    case SYS_chdir: case SYS_open: case SYS_mknod: case SYS_unlink:
    case SYS_mkdir:
        return bad0;
    case SYS_link:
        return bad0 || c->cls[1] == FZ_BAD;
    case SYS_pipe: case SYS_meminfo:
        return fz_unwritable(c, args, 0);
    case SYS_fstat:
        return fz_unwritable(c, args, 1);
    case SYS_wait: // a null status pointer means "do not store it"
        return fz_unwritable(c, args, 0) && args[0] != 0;
    case SYS_procinfo: // every call finds at least the caller
        return fz_unwritable(c, args, 0) && (int)args[1] > 0;
    case SYS_kill: // pids run from 2 up (1 is init, never killable)
        return (int)args[0] <= 1 || (int)args[0] >= (1 << 20);
    case SYS_read: // at end of file 0 is right, nothing more
        *most = fz_unwritable(c, args, 1) && len2;
        return 0;
    case SYS_write:
        *most = c->cls[1] == FZ_BAD && len2;
        return 0;
    default:
        return c->nr >= (uint64)fz_nnames || fz_names[c->nr] == 0;
    }
}
