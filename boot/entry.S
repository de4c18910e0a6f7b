# Kernel entry. OpenSBI (directly, or through U-Boot's booti) jumps here in
# S-mode on one hart of its choosing with a0 = hart id, a1 = device tree,
# satp = 0. The first 64 bytes are the RISC-V Linux "Image" header so that
# U-Boot's booti accepts the raw binary; the first word jumps over it.
#include "kernel/param.h"

#define BOOT_STACK_SIZE 8192

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

boot_hart_entry:
        # Only this hart runs until main starts the others, so it may clear
        # the BSS, which holds its own stack: nothing is on it yet.
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

# Secondary harts arrive through SBI HSM hart_start with a1 = the cpus[]
# index main gave them (the opaque argument).
        .text
        .globl secondary_entry
secondary_entry:
        mv      tp, a1
        la      sp, boot_stacks
        addi    t0, a1, 1
        li      t1, BOOT_STACK_SIZE
        mul     t0, t0, t1
        add     sp, sp, t0
        call    kmain_secondary         # (hartid, cpu index): never returns
4:      wfi
        j       4b

        .bss
        .balign 16
        .globl boot_stacks
boot_stacks:
        .space  BOOT_STACK_SIZE * NCPU
