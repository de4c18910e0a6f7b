# Kernel entry. Firmware (OpenSBI directly, or through U-Boot's booti)
# jumps here in S-mode with a0 = hart id, a1 = device tree, satp = 0. The
# first 64 bytes are the RISC-V Linux "Image" header so that U-Boot's booti
# accepts the raw binary; the first word jumps over it.
#include "kernel/param.h"
#include "kernel/harts.h"

#define BOOT_STACK_SIZE 8192
#define SBI_EXT_HSM 0x48534D
#define SBI_HSM_HART_STOP 1

        .section .text.head, "ax"
        .globl _start
_start:
        # A full 4-byte jump: a compressed one would shift the header.
        .option push
        .option norvc
        j       boot_hart_entry         # code0
        .option pop
        .word   0                       # code1
        .dword  0x200000                # text_offset: RAM base + 2 MiB
        .dword  kernel_image_size       # image_size (text+data+bss)
        .dword  0                       # flags: little-endian, 4 KiB pages
        .word   0x2                     # header version 0.2
        .word   0                       # res1
        .dword  0                       # res2
        .ascii  "RISCV\0\0\0"           # magic (deprecated)
        .ascii  "RSC\x05"               # magic2: what U-Boot checks
        .word   0                       # res3

# Any number of harts may come here, at once and in any order: firmware
# without HSM, older HSM races, a JTAG resume of every hart. The first to
# swap a 1 into the lottery boots; the lottery is in .data, which the BSS
# clear below leaves alone, so a late hart still sees that it lost.
boot_hart_entry:
        la      t0, boot_lottery
        li      t1, 1
        amoswap.w.aqrl t1, t1, (t0)
        bnez    t1, park
        # The winner. Losers use no stack and nothing in the BSS, so it is
        # clear to wipe, its own stack included: nothing is on it yet.
        la      t0, bss_start
        la      t1, bss_end
1:      bgeu    t0, t1, 2f
        sd      zero, 0(t0)
        addi    t0, t0, 8
        j       1b
2:      li      tp, 0                   # the boot hart is cpus[0]
        la      sp, boot_stacks + BOOT_STACK_SIZE
        call    kmain                   # kmain(hartid, fdt): never returns
3:      wfi
        j       3b

# A loser takes a parking slot of its own (park_next counts them out) and
# polls it until the boot hart adopts it (PARK_GO) or sends it away. It
# touches nothing else: the boot hart may be clearing the BSS right now.
park:
        la      t0, park_next
        li      t1, 1
        amoadd.w.aqrl t1, t1, (t0)
        li      t2, PARK_SLOTS
        bgeu    t1, t2, hart_give_back  # no slot left for this hart
        la      t0, park_slots
        slli    t1, t1, PARK_SLOT_SHIFT
        add     t0, t0, t1
        sd      a0, PARK_HARTID(t0)
        fence   rw, w                   # the hart id before its WAITING
        li      t1, PARK_WAITING
        sd      t1, PARK_STATE(t0)
        # Either this hart sees park_closed, or the boot hart, which sets
        # it before it sweeps the slots, sees WAITING: both fence between.
        fence   rw, rw
        la      t1, park_closed
        ld      t1, 0(t1)
        bnez    t1, hart_give_back
        li      t2, PARK_WAITING
4:      ld      t1, PARK_STATE(t0)
        beq     t1, t2, 4b
        fence   r, rw                   # read arg only after GO
        li      t2, PARK_GO
        bne     t1, t2, hart_give_back
        ld      a1, PARK_ARG(t0)
        j       secondary_entry

# A hart the kernel will not run on: back to the firmware (HSM hart_stop),
# or, without HSM, asleep with interrupts off for good.
hart_give_back:
        li      a7, SBI_EXT_HSM
        li      a6, SBI_HSM_HART_STOP
        ecall
5:      wfi
        j       5b

# Harts the boot hart starts arrive here with a0 = hart id and a1 = the
# cpus[] index it gave them (SBI HSM's opaque, or the parking slot's arg).
# The gate of that index must still expect this hart: one that arrives
# after the boot hart gave up on it turns back before using any stack.
        .text
        .globl secondary_entry
secondary_entry:
        li      t0, NCPU
        bgeu    a1, t0, hart_give_back
        la      t0, hart_gates
        slli    t1, a1, 3
        add     t0, t0, t1
        addi    t2, a0, 1
        li      t3, GATE_ARRIVED
6:      lr.d.aqrl t1, (t0)
        bne     t1, t2, hart_give_back
        sc.d.rl t1, t3, (t0)
        bnez    t1, 6b
        mv      tp, a1
        la      sp, boot_stacks
        addi    t0, a1, 1
        li      t1, BOOT_STACK_SIZE
        mul     t0, t0, t1
        add     sp, sp, t0
        call    kmain_secondary         # (hartid, cpu index): never returns
7:      wfi
        j       7b

# Not cleared with the BSS: harts that lose the lottery use only these.
        .data
        .balign 8
boot_lottery:
        .word   0
        .globl park_next
park_next:
        .word   0
        .globl park_closed
park_closed:
        .dword  0
        .balign 32
        .globl park_slots
park_slots:
        .space  PARK_SLOTS << PARK_SLOT_SHIFT

        .bss
        .balign 16
        .globl boot_stacks
boot_stacks:
        .space  BOOT_STACK_SIZE * NCPU
