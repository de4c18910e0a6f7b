// Stand-ins for the kernel functions storage drivers call (console,
// spinlocks, block registry, device mapping), recording what their host
// tests check; see kernel_stubs.h. No register or card model here.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/spinlock.h"
#include "kernel_stubs.h"

int capturing, nmessages, nacquires;
char last_msg[512];
uint32 plain_regs[0x1000 / 4];
uint64 mapped_pa, mapped_size;
struct disk_seen disk;

// Stands in for libc's printf in the whole program, the harness's lines
// included; a message is cut at 511 bytes.
int
printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (capturing) {
        nmessages++;
        snprintf(last_msg, sizeof last_msg, "%s", buf);
        fputs("    | ", stdout);
    }
    fputs(buf, stdout);
    return n;
}

void
initlock(struct spinlock *lk, const char *name)
{
    lk->locked = 0;
    lk->name = name;
}

// A lock taken twice aborts the test: on one hart that is a deadlock.
void
acquire(struct spinlock *lk)
{
    if (lk->locked) {
        fprintf(stderr, "acquire: %s already held\n", lk->name);
        abort();
    }
    lk->locked = 1;
    nacquires++;
}

// Releasing a lock not held aborts the test.
void
release(struct spinlock *lk)
{
    if (!lk->locked) {
        fprintf(stderr, "release: %s not held\n", lk->name);
        abort();
    }
    lk->locked = 0;
}

// Records the disk in `disk`; the kernel's table is not involved.
void
blkdev_register(const struct blk_ops *ops, void *dev, uint64 nsectors,
                const char *name)
{
    disk.ops = ops;
    disk.dev = dev;
    disk.nsectors = nsectors;
    disk.name = name;
    disk.calls++;
}

// Returns plain_regs as the mapping of any range, noting the range.
uint64
kvm_map_device(uint64 pa, uint64 size)
{
    mapped_pa = pa;
    mapped_size = size;
    return (uint64)plain_regs;
}
