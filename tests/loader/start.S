# Test firmware entry (QEMU virt -bios): every hart comes here from the
# reset vector with a0 = hart id, a1 = device tree, a2 = QEMU's
# fw_dynamic_info. Also the M-mode trap vector and the drop to S-mode.
#define STACK_SIZE 4096
#define MAX_HARTS 8

        .section .text.start, "ax"
        .globl _start
_start:
        csrw    mie, zero
        li      t0, MAX_HARTS
        bgeu    a0, t0, no_stack        # more harts than stacks: sleep
        la      t0, trap_vector
        csrw    mtvec, t0
        la      sp, stacks
        addi    t0, a0, 1
        li      t1, STACK_SIZE
        mul     t0, t0, t1
        add     sp, sp, t0
        csrw    mscratch, sp
        call    loader_main             # (hartid, fdt, dyninfo): no return
no_stack:
        wfi
        j       no_stack

# enter_smode(addr, hartid, arg): MPP = S, interrupts off, satp = 0, the
# trap stack back at its top, then mret.
        .globl enter_smode
enter_smode:
        csrr    t0, mhartid
        la      t1, stacks
        addi    t0, t0, 1
        li      t2, STACK_SIZE
        mul     t0, t0, t2
        add     t1, t1, t0
        csrw    mscratch, t1
        csrw    mepc, a0
        li      t0, 3 << 11             # MPP field
        csrc    mstatus, t0
        li      t0, 1 << 11             # MPP = S
        csrs    mstatus, t0
        li      t0, 1 << 7              # MPIE: no M interrupts held back
        csrs    mstatus, t0
        csrw    satp, zero
        mv      a0, a1
        mv      a1, a2
        mret

# Traps from S-mode (ecalls, M timer) and the M software interrupt. The
# S stack pointer goes to mscratch while the handler runs on this hart's.
        .balign 4
trap_vector:
        csrrw   sp, mscratch, sp
        addi    sp, sp, -256
        .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        sd      x\n, (\n - 1) * 8(sp)
        .endr
        csrr    t0, mscratch
        sd      t0, 8(sp)               # the S-mode sp in the x2 slot
        mv      a0, sp
        call    loader_trap
        ld      t0, 8(sp)
        csrw    mscratch, t0
        .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        ld      x\n, (\n - 1) * 8(sp)
        .endr
        addi    sp, sp, 256
        csrrw   sp, mscratch, sp
        mret

        .bss
        .balign 16
stacks:
        .space  STACK_SIZE * (MAX_HARTS + 1)
