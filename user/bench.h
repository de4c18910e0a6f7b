// What the benchmark programs share: the guest's retired-instruction
// count, exact under QEMU -icount (the kernel lets user mode read it).
#ifndef LAZYOS_USER_BENCH_H
#define LAZYOS_USER_BENCH_H

#include "kernel/types.h"

static inline uint64
instret(void)
{
    uint64 x;
    asm volatile("rdinstret %0" : "=r"(x));
    return x;
}

#endif
