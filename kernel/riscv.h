// The only door to RISC-V control registers: CSR accessors, Sv39 page-table
// constants, and the fences. No other file uses csrr/csrw directly.
#ifndef LAZYOS_RISCV_H
#define LAZYOS_RISCV_H

#include "types.h"

#ifndef __ASSEMBLER__

#define CSR_READ(name)                                       \
    static inline uint64 r_##name(void)                      \
    {                                                        \
        uint64 x;                                            \
        asm volatile("csrr %0, " #name : "=r"(x));           \
        return x;                                            \
    }
#define CSR_WRITE(name)                                      \
    static inline void w_##name(uint64 x)                    \
    {                                                        \
        asm volatile("csrw " #name ", %0" : : "r"(x));       \
    }

CSR_READ(sstatus) CSR_WRITE(sstatus)
CSR_READ(sie) CSR_WRITE(sie)
CSR_READ(sip) CSR_WRITE(sip)
CSR_READ(sepc) CSR_WRITE(sepc)
CSR_READ(scause)
CSR_READ(stval)
CSR_READ(stvec) CSR_WRITE(stvec)
CSR_READ(satp) CSR_WRITE(satp)
CSR_READ(sscratch) CSR_WRITE(sscratch)
CSR_WRITE(scounteren)
CSR_READ(time)
CSR_READ(instret)

// Sstc: only touched when the device tree says the hart has it.
static inline void
w_stimecmp(uint64 x)
{
    asm volatile("csrw 0x14d, %0" : : "r"(x));
}

#endif /* __ASSEMBLER__ */

// sstatus fields.
#define SSTATUS_SIE (1UL << 1)  // interrupts enabled in S-mode
#define SSTATUS_SPIE (1UL << 5) // SIE before the trap
#define SSTATUS_SPP (1UL << 8)  // trap came from S-mode
#define SSTATUS_FS (3UL << 13)  // floating-point unit state
#define SSTATUS_FS_OFF (0UL << 13)
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS_CLEAN (2UL << 13)
#define SSTATUS_FS_DIRTY (3UL << 13)
#define SSTATUS_SUM (1UL << 18) // S-mode may touch U pages (we never set it)

// sie / sip bits.
#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)

// scause values (privileged spec, table "Supervisor cause register").
#define SCAUSE_INTERRUPT (1UL << 63)
#define SCAUSE_S_SOFT (SCAUSE_INTERRUPT | 1)
#define SCAUSE_S_TIMER (SCAUSE_INTERRUPT | 5)
#define SCAUSE_S_EXTERNAL (SCAUSE_INTERRUPT | 9)
#define SCAUSE_INSN_MISALIGNED 0
#define SCAUSE_INSN_ACCESS 1
#define SCAUSE_ILLEGAL_INSN 2
#define SCAUSE_BREAKPOINT 3
#define SCAUSE_LOAD_MISALIGNED 4
#define SCAUSE_LOAD_ACCESS 5
#define SCAUSE_STORE_MISALIGNED 6
#define SCAUSE_STORE_ACCESS 7
#define SCAUSE_ECALL_U 8
#define SCAUSE_INSN_PAGE_FAULT 12
#define SCAUSE_LOAD_PAGE_FAULT 13
#define SCAUSE_STORE_PAGE_FAULT 15

// scounteren: let user mode read cycle, time and instret (benchmarks).
#define SCOUNTEREN_CY (1UL << 0)
#define SCOUNTEREN_TM (1UL << 1)
#define SCOUNTEREN_IR (1UL << 2)

#ifndef __ASSEMBLER__
static inline void
intr_on(void)
{
    w_sstatus(r_sstatus() | SSTATUS_SIE);
}

static inline void
intr_off(void)
{
    w_sstatus(r_sstatus() & ~SSTATUS_SIE);
}

// Turns interrupts off and returns whether they were on, in one instruction.
// Host builds of the pure kernel logic (tests/host) have no CSRs: there the
// hart is always cpus[0] with interrupts off.
#ifdef __riscv
static inline uint64
intr_save(void)
{
    uint64 x;
    asm volatile("csrrci %0, sstatus, 2" : "=r"(x)::"memory");
    return x & SSTATUS_SIE;
}

static inline void
intr_restore(uint64 was_on)
{
    if (was_on)
        asm volatile("csrsi sstatus, 2" ::: "memory");
}
#else
static inline uint64
intr_save(void)
{
    return 0;
}

static inline void
intr_restore(uint64 was_on)
{
    (void)was_on;
}
#endif

static inline int
intr_get(void)
{
    return (r_sstatus() & SSTATUS_SIE) != 0;
}

// tp holds this hart's index into cpus[] (not its hart id: ids can be sparse).
static inline uint64
r_tp(void)
{
#ifdef __riscv
    uint64 x;
    asm volatile("mv %0, tp" : "=r"(x));
    return x;
#else
    return 0;
#endif
}

static inline void
w_tp(uint64 x)
{
    asm volatile("mv tp, %0" : : "r"(x));
}

// Flush this hart's whole TLB. Always the full form: FU540/FU740 errata
// (CIP-1200) make address-specific sfence.vma unreliable.
static inline void
sfence_vma(void)
{
    asm volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void
fence_i(void)
{
    asm volatile("fence.i" ::: "memory");
}

#endif /* __ASSEMBLER__ */

// ---- Sv39 ----
#define PGSIZE 4096UL
#define PGSHIFT 12
#define PGROUNDUP(a) (((a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(PGSIZE - 1))

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6) // set by us when mapping: U74 cores do not set A/D
#define PTE_D (1UL << 7)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)

#define PA2PTE(pa) ((((uint64)(pa)) >> 12) << 10)
#define PTE2PA(pte) (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte) & 0x3FF)

#define PTLEVELS 3
#define PXSHIFT(level) (PGSHIFT + 9 * (level))
#define PX(level, va) ((((uint64)(va)) >> PXSHIFT(level)) & 0x1FF)
#define LEVELSIZE(level) (1UL << PXSHIFT(level)) // bytes one PTE covers

// One bit less than Sv39 allows, so that no user address needs sign extension.
#define MAXVA (1UL << 38)

#define SATP_SV39 (8UL << 60)
#define MAKE_SATP(pt) (SATP_SV39 | (((uint64)(pt)) >> 12))

#ifndef __ASSEMBLER__
typedef uint64 pte_t;
typedef uint64 *pagetable_t; // 512 PTEs
#endif

#endif
