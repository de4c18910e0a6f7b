// Memory counters returned by the meminfo and procinfo system calls (ours,
// numbers 23 and 24). Part of the user ABI.
#ifndef LAZYOS_MEMINFO_H
#define LAZYOS_MEMINFO_H

struct meminfo {
    uint64 page_size;
    uint64 total_pages;    // pages the allocator manages
    uint64 free_pages;     // of those, free now
    uint64 vsize;          // caller's break (bytes of virtual address space)
    uint64 resident_pages; // caller's user pages actually mapped
    uint64 faults;         // caller's demand-zero faults so far
    // Copy-on-write and the zero page (appended: older programs still fit).
    uint64 shared_pages;   // of the resident, frames another process maps
    uint64 cow_pages;      // of the resident, marked copy-on-write
    uint64 zero_pages;     // caller's mappings of the shared zero page
    uint64 zeroed_pages;   // of the free pages, zeroed ahead by idle harts
};

// One process, as seen by procinfo().
struct procinfo {
    int pid;
    int state; // 1 used, 2 sleeping, 3 runnable, 4 running, 5 zombie
    char name[16];
    uint64 vsize;
    uint64 resident_pages;
    uint64 faults;
    // Appended for the usertests watchdog (progress, not elapsed time):
    uint64 cputicks; // timer ticks that found it on a hart
    uint64 runs;     // times the scheduler switched to it
    uint64 wchan;    // kernel address it sleeps on (state 2), else 0
    uint64 shared_pages;   // as in struct meminfo
    uint64 cow_pages;
};

#endif
