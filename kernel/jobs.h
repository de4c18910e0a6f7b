// User ABI of our job-control calls (31-35, docs/processes.md): what
// waitusage() reports about a finished child, and the console's modes.
#ifndef LAZYOS_JOBS_H
#define LAZYOS_JOBS_H

struct usage {
    uint64 ticks;               // clock ticks from fork to exit
    uint64 faults;              // demand-zero faults it took
    uint64 peak_resident_pages; // most user pages it had mapped at once
};

// consmode(): cooked is xv6's line discipline (echo, erase, whole lines);
// raw hands every byte to the reader unechoed (the shell's line editor).
#define CONSOLE_COOKED 0
#define CONSOLE_RAW 1

#endif
