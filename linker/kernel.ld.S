/* Kernel link map. LOAD_ADDR comes from the board (boards/<b>/board.mk) and
 * is where the image runs: paging identity-maps RAM, so it is also the
 * virtual address. Preprocessed with cpp -DLOAD_ADDR=... */
OUTPUT_ARCH(riscv)
ENTRY(_start)

SECTIONS
{
    . = LOAD_ADDR;
    PROVIDE(kernel_start = .);

    .text : {
        KEEP(*(.text.head))
        *(.text .text.*)
        /* The trampoline gets a page of its own: it is mapped at the same
         * virtual address in every user page table. */
        . = ALIGN(0x1000);
        PROVIDE(trampoline = .);
        KEEP(*(trampsec))
        . = ALIGN(0x1000);
        ASSERT(. - trampoline == 0x1000, "trampoline must fit in one page");
        PROVIDE(etext = .);
    }

    .rodata : ALIGN(0x1000) {
        *(.srodata .srodata.*)
        *(.rodata .rodata.*)
    }

    .data : ALIGN(0x1000) {
        PROVIDE(data_start = .);
        *(.sdata .sdata.*)
        *(.data .data.*)
    }

    .bss : ALIGN(16) {
        PROVIDE(bss_start = .);
        *(.sbss .sbss.*)
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(16);
        PROVIDE(bss_end = .);
    }

    . = ALIGN(0x1000);
    PROVIDE(kernel_end = .);
    PROVIDE(kernel_image_size = kernel_end - kernel_start);

    /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
