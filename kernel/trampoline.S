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

# Saves (op = sd) or loads (op = ld) the registers a C call may clobber:
# ra, sp, gp, tp, t0-t6, a1-a7 (a0 holds TRAPFRAME; the user's a0 is
# handled apart).
.macro CALLER_SAVED op
        .irp n, 1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
        \op      x\n, TF_X(\n)(a0)
        .endr
.endm

# The same for the registers a C call keeps: s0-s11.
.macro CALLEE_SAVED op
        .irp n, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
        \op      x\n, TF_X(\n)(a0)
        .endr
.endm

        .section trampsec, "ax"
        .globl uservec
        .balign 4
uservec:
        # sscratch holds TRAPFRAME while the process runs in user mode.
        csrrw   a0, sscratch, a0        # a0 = TRAPFRAME, sscratch = user a0
        # First the registers a C call may change: all the fast road saves.
        CALLER_SAVED sd
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
        CALLEE_SAVED sd

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
        CALLER_SAVED ld
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
        CALLER_SAVED ld
        CALLEE_SAVED ld
        ld      a0, TF_X(10)(a0)
        sret
