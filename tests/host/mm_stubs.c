// The kernel functions the memory-system host tests share (mm_stubs.h).
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/machine.h"
#include "kernel/mm/kalloc.h"
#include "mm_stubs.h"

jmp_buf panic_jmp;
int expect_panic;
unsigned char *mm_ram;

void
mm_ram_init(unsigned long bytes)
{
    static struct machine m;
    if (mm_ram == 0)
        mm_ram = aligned_alloc(2UL << 20, MM_RAM_SIZE);
    memset(mm_ram, 0xA5, MM_RAM_SIZE);
    memset(&m, 0, sizeof(m));
    m.mem[0].base = (uint64)mm_ram;
    m.mem[0].size = bytes;
    m.nmem = 1;
    kalloc_init(&m);
}

void
panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!expect_panic) {
        printf("unexpected panic: ");
        vprintf(fmt, ap);
        printf("\n");
        abort();
    }
    va_end(ap);
    longjmp(panic_jmp, 1);
}

int
machine_reserve(struct machine *m, uint64 base, uint64 size)
{
    if (m->nresv == MACHINE_MAX_RESV)
        return -1;
    m->resv[m->nresv].base = base;
    m->resv[m->nresv].size = size;
    m->nresv++;
    return 0;
}

void
page_zero(void *p)
{
    memset(p, 0, PGSIZE);
}

void
page_copy(void *d, const void *s)
{
    memcpy(d, s, PGSIZE);
}
