# The trampoline: the one page mapped at TRAMPOLINE in the kernel's page table
# and in every user page table, so that it keeps running across the satp
# switch. uservec saves user registers into the trapframe (at TRAPFRAME in
# the user page table) and enters usertrap() on the kernel page table;
# userret does the reverse. A load or store page fault takes a shorter
# road: only the registers a C call may clobber are saved, and if
# usertrap_fault_fast() maps the page we return straight to the user (a
# demand-zero fault costs about a third less). Offsets are those of struct
# trapframe (proc.h).
#include "kernel/mm/memlayout.h"

#define TF_KSATP 0
#define TF_KSP 8
#define TF_KTRAP 16
#define TF_KTP 32
#define TF_X(n) (40 + ((n) - 1) * 8)   /* saved register xn, n = 1..31 */
#define TF_KFAULT 288

        .section trampsec, "ax"
        .globl uservec
        .balign 4
uservec:
        # sscratch holds TRAPFRAME while the process runs in user mode.
        csrrw   a0, sscratch, a0        # a0 = TRAPFRAME, sscratch = user a0
        # First the registers a C call may change: all the fast road saves.
        sd      x1, TF_X(1)(a0)
        sd      x2, TF_X(2)(a0)
        sd      x3, TF_X(3)(a0)
        sd      x4, TF_X(4)(a0)
        sd      x5, TF_X(5)(a0)
        sd      x6, TF_X(6)(a0)
        sd      x7, TF_X(7)(a0)
        sd      x11, TF_X(11)(a0)
        sd      x12, TF_X(12)(a0)
        sd      x13, TF_X(13)(a0)
        sd      x14, TF_X(14)(a0)
        sd      x15, TF_X(15)(a0)
        sd      x16, TF_X(16)(a0)
        sd      x17, TF_X(17)(a0)
        sd      x28, TF_X(28)(a0)
        sd      x29, TF_X(29)(a0)
        sd      x30, TF_X(30)(a0)
        sd      x31, TF_X(31)(a0)
        csrr    t0, sscratch
        sd      t0, TF_X(10)(a0)        # the user's a0

        # A load or store page fault (scause 13 or 15) takes the fast road:
        # a C call that keeps s0-s11 as the ABI says, so they need no save.
        csrr    t0, scause
        addi    t0, t0, -13
        andi    t0, t0, -3
        beqz    t0, fast_fault

save_rest:
        # The callee-saved registers, then usertrap() on the kernel table.
        sd      x8, TF_X(8)(a0)
        sd      x9, TF_X(9)(a0)
        sd      x18, TF_X(18)(a0)
        sd      x19, TF_X(19)(a0)
        sd      x20, TF_X(20)(a0)
        sd      x21, TF_X(21)(a0)
        sd      x22, TF_X(22)(a0)
        sd      x23, TF_X(23)(a0)
        sd      x24, TF_X(24)(a0)
        sd      x25, TF_X(25)(a0)
        sd      x26, TF_X(26)(a0)
        sd      x27, TF_X(27)(a0)

        ld      sp, TF_KSP(a0)
        ld      tp, TF_KTP(a0)
        ld      t0, TF_KTRAP(a0)
        ld      t1, TF_KSATP(a0)
        # Order the user's memory accesses before the switch, then drop the
        # user translations from this hart's TLB.
        sfence.vma zero, zero
        csrw    satp, t1
        sfence.vma zero, zero
        jr      t0                      # usertrap(): does not return here

fast_fault:
        # usertrap_fault_fast(stval, scause) on the kernel table and stack,
        # the user's satp kept on that stack for the way back.
        ld      sp, TF_KSP(a0)
        ld      tp, TF_KTP(a0)
        ld      t0, TF_KFAULT(a0)
        ld      t1, TF_KSATP(a0)
        csrr    t2, satp
        sfence.vma zero, zero
        csrw    satp, t1
        sfence.vma zero, zero
        addi    sp, sp, -16             # the kernel stack: mapped only now
        sd      t2, 0(sp)
        csrr    a0, stval
        csrr    a1, scause
        jalr    t0
        mv      t0, a0
        # Back to the user's table; stvec to uservec again (the C side
        # pointed it at kernelvec). Running from TRAMPOLINE in both tables,
        # la yields uservec's address there.
        ld      t2, 0(sp)
        sfence.vma zero, zero
        csrw    satp, t2
        sfence.vma zero, zero
        la      t1, uservec
        csrw    stvec, t1
        li      a0, TRAPFRAME
        bnez    t0, save_rest           # not for the fast road after all
        # Done: only the caller-saved registers come back.
        csrw    sscratch, a0
        ld      x1, TF_X(1)(a0)
        ld      x2, TF_X(2)(a0)
        ld      x3, TF_X(3)(a0)
        ld      x4, TF_X(4)(a0)
        ld      x5, TF_X(5)(a0)
        ld      x6, TF_X(6)(a0)
        ld      x7, TF_X(7)(a0)
        ld      x11, TF_X(11)(a0)
        ld      x12, TF_X(12)(a0)
        ld      x13, TF_X(13)(a0)
        ld      x14, TF_X(14)(a0)
        ld      x15, TF_X(15)(a0)
        ld      x16, TF_X(16)(a0)
        ld      x17, TF_X(17)(a0)
        ld      x28, TF_X(28)(a0)
        ld      x29, TF_X(29)(a0)
        ld      x30, TF_X(30)(a0)
        ld      x31, TF_X(31)(a0)
        ld      a0, TF_X(10)(a0)
        sret

        # userret(satp): switch to the user page table and return to user mode.
        # usertrapret() has set sepc, sstatus and stvec already.
        .globl userret
userret:
        sfence.vma zero, zero
        csrw    satp, a0
        # Every return to user mode flushes the TLB. This is what makes a PTE
        # installed by vmfault() or exec visible without a flush of its own.
        sfence.vma zero, zero

        li      a0, TRAPFRAME
        csrw    sscratch, a0
        ld      x1, TF_X(1)(a0)
        ld      x2, TF_X(2)(a0)
        ld      x3, TF_X(3)(a0)
        ld      x4, TF_X(4)(a0)
        ld      x5, TF_X(5)(a0)
        ld      x6, TF_X(6)(a0)
        ld      x7, TF_X(7)(a0)
        ld      x8, TF_X(8)(a0)
        ld      x9, TF_X(9)(a0)
        ld      x11, TF_X(11)(a0)
        ld      x12, TF_X(12)(a0)
        ld      x13, TF_X(13)(a0)
        ld      x14, TF_X(14)(a0)
        ld      x15, TF_X(15)(a0)
        ld      x16, TF_X(16)(a0)
        ld      x17, TF_X(17)(a0)
        ld      x18, TF_X(18)(a0)
        ld      x19, TF_X(19)(a0)
        ld      x20, TF_X(20)(a0)
        ld      x21, TF_X(21)(a0)
        ld      x22, TF_X(22)(a0)
        ld      x23, TF_X(23)(a0)
        ld      x24, TF_X(24)(a0)
        ld      x25, TF_X(25)(a0)
        ld      x26, TF_X(26)(a0)
        ld      x27, TF_X(27)(a0)
        ld      x28, TF_X(28)(a0)
        ld      x29, TF_X(29)(a0)
        ld      x30, TF_X(30)(a0)
        ld      x31, TF_X(31)(a0)
        ld      a0, TF_X(10)(a0)
        sret
