// ps: one line per process from procinfo(): pid, state, name, virtual size,
// resident memory and, of it, shared and copy-on-write memory in KiB, faults.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/meminfo.h"
#include "user/user.h"

// Static: NPROC entries would use most of the one-page user stack.
static struct procinfo procs[NPROC];

static const char *
state_name(int state)
{
    static const char *const names[] = {
        "unused", "used", "sleeping", "runnable", "running", "zombie",
    };

    if (state < 0 || state >= (int)(sizeof(names) / sizeof(names[0])))
        return "?";
    return names[state];
}

int
main(int argc, char *argv[])
{
    struct meminfo mi;
    int n;

    if (argc != 1) {
        fprintf(2, "usage: ps\n");
        return 1;
    }
    // Resident sizes arrive in pages; meminfo() says how big one is.
    n = procinfo(procs, NPROC);
    if (n < 0 || meminfo(&mi) < 0) {
        fprintf(2, "ps: procinfo failed\n");
        return 1;
    }
    uint64 kib = mi.page_size / 1024;
    printf("%5s %-9s %-16s %8s %8s %8s %8s %8s\n", "PID", "STATE", "NAME",
           "VSZ", "RSS", "SHR", "COW", "FAULTS");
    for (int i = 0; i < n && i < NPROC; i++) {
        struct procinfo *p = &procs[i];
        // name may fill all 16 bytes without a NUL.
        char name[sizeof(p->name) + 1];
        memmove(name, p->name, sizeof(p->name));
        name[sizeof(p->name)] = 0;
        printf("%5d %-9s %-16s %8lu %8lu %8lu %8lu %8lu\n", p->pid,
               state_name(p->state), name, p->vsize / 1024,
               p->resident_pages * kib, p->shared_pages * kib,
               p->cow_pages * kib, p->faults);
    }
    return 0;
}
