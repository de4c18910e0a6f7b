// What the memory-system host tests (test_vm, test_mshare) stand in for
// the kernel alike: panic, which a test may expect, machine_reserve, the
// page copy and zero loops (plain C on the host), and fake RAM.
#ifndef LAZYOS_MM_STUBS_H
#define LAZYOS_MM_STUBS_H

#include <setjmp.h>

// With expect_panic set, panic() longjmps to panic_jmp instead of
// aborting the test program.
extern jmp_buf panic_jmp;
extern int expect_panic;

// Fake RAM: MM_RAM_SIZE bytes at mm_ram, 2 MiB aligned.
#define MM_RAM_SIZE (16UL << 20)
extern unsigned char *mm_ram;
// A fresh allocator (kalloc_init) over the first `bytes` of mm_ram, all of
// it filled with junk first, so that a page handed out without zeroing
// shows up as non-zero bytes.
void mm_ram_init(unsigned long bytes);

#endif
