// The in-memory FDT builder of the fdt host tests (see fdt_builder.h). It
// writes blobs byte by byte and never calls the reader it helps to test.
#include <stdlib.h>
#include <string.h>

#include "fdt_builder.h"

void
fb_u32(struct fb *b, uint32 v)
{
    put32(b->st + b->nst, v);
    b->nst += 4;
}

void
fb_bytes(struct fb *b, const void *p, uint32 n)
{
    memcpy(b->st + b->nst, p, n);
    b->nst += n;
    while (b->nst % 4 != 0)
        b->st[b->nst++] = 0;
}

void
fb_begin(struct fb *b, const char *name)
{
    fb_u32(b, 1);
    fb_bytes(b, name, (uint32)strlen(name) + 1);
}

uint32
fb_name(struct fb *b, const char *name)
{
    uint32 off = b->nstr;
    memcpy(b->str + off, name, strlen(name) + 1);
    b->nstr += (uint32)strlen(name) + 1;
    return off;
}

void
fb_prop(struct fb *b, const char *name, const void *val, uint32 len)
{
    fb_u32(b, 3);
    fb_u32(b, len);
    fb_u32(b, fb_name(b, name));
    fb_bytes(b, val, len);
}

void
fb_str(struct fb *b, const char *name, const char *s)
{
    fb_prop(b, name, s, (uint32)strlen(s) + 1);
}

void
fb_cells_n(struct fb *b, const char *name, const uint32 *c, uint32 n)
{
    uint8 v[64];
    for (uint32 i = 0; i < n; i++)
        put32(v + 4 * i, c[i]);
    fb_prop(b, name, v, 4 * n);
}

uint8 *
fb_finish(struct fb *b, uint32 *size)
{
    uint32 nrsv = 16 * ((uint32)b->nrsv + 1);
    uint32 nstr = (b->nstr + 3) & ~3u;
    fb_u32(b, 9);
    *size = 40 + nrsv + nstr + b->nst;
    uint8 *blob = calloc(1, *size);
    uint32 hdr[10] = {0xd00dfeed, *size, 40 + nrsv + nstr, 40 + nrsv, 40, 17,
                      16,         0,     b->nstr,          b->nst};
    for (int i = 0; i < 10; i++)
        put32(blob + 4 * i, hdr[i]);
    for (int i = 0; i < 2 * b->nrsv; i++) {
        put32(blob + 40 + 8 * i, (uint32)(b->rsv[i] >> 32));
        put32(blob + 44 + 8 * i, (uint32)b->rsv[i]);
    }
    memcpy(blob + 40 + nrsv, b->str, b->nstr);
    memcpy(blob + 40 + nrsv + nstr, b->st, b->nst);
    return blob;
}

static void
base_cpus(struct fb *b)
{
    fb_begin(b, "cpus");
    fb_cells(b, "#address-cells", 1);
    fb_cells(b, "#size-cells", 0);
    fb_cells(b, "timebase-frequency", 10000000);
    for (uint32 h = 0; h < 2; h++) {
        fb_begin(b, h == 0 ? "cpu@0" : "cpu@1");
        fb_str(b, "device_type", "cpu");
        fb_cells(b, "reg", h);
        fb_str(b, "mmu-type", "riscv,sv39");
        fb_str(b, "riscv,isa", "rv64imac_zicsr_sstc");
        fb_begin(b, "interrupt-controller");
        fb_str(b, "compatible", "riscv,cpu-intc");
        fb_cells(b, "phandle", 10 + h);
        fb_end(b);
        fb_end(b);
    }
    fb_end(b);
}

uint8 *
fb_base_tree(uint32 *size)
{
    static struct fb b; // 10 KiB: kept off the stack
    memset(&b, 0, sizeof b);
    fb_begin(&b, "");
    fb_cells(&b, "#address-cells", 2);
    fb_cells(&b, "#size-cells", 2);
    fb_begin(&b, "chosen");
    fb_str(&b, "bootargs", "console=ttyS0 quiet");
    fb_str(&b, "stdout-path", "serial0:115200n8");
    fb_end(&b);
    fb_begin(&b, "aliases");
    fb_str(&b, "serial0", "/soc/uart@10000000");
    fb_end(&b);
    fb_begin(&b, "memory@80000000");
    fb_str(&b, "device_type", "memory");
    fb_cells(&b, "reg", 0, 0x80000000, 0, 0x10000000, 1, 0, 0, 0x1000);
    fb_end(&b);
    base_cpus(&b);
    fb_begin(&b, "soc");
    fb_begin(&b, "uart@10000000");
    fb_str(&b, "compatible", "ns16550a");
    fb_cells(&b, "reg", 0, 0x10000000, 0, 0x100);
    fb_cells(&b, "interrupts", 10);
    fb_end(&b);
    fb_begin(&b, "plic@c000000");
    fb_str(&b, "compatible", "riscv,plic0");
    fb_cells(&b, "interrupts-extended", 10, 11, 10, 9, 11, 11, 11, 9);
    fb_end(&b);
    fb_end(&b);
    fb_end(&b);
    return fb_finish(&b, size);
}

uint8 *
fb_struct_last(const uint8 *blob, uint32 keep, uint32 *size)
{
    uint32 off_rsv = get32(blob + 16), nstr = get32(blob + 32);
    uint32 nrsv = 16;
    // The reservation map ends with an all-zero pair; it is copied whole.
    while (get32(blob + off_rsv + nrsv - 16) |
           get32(blob + off_rsv + nrsv - 12) |
           get32(blob + off_rsv + nrsv - 8) | get32(blob + off_rsv + nrsv - 4))
        nrsv += 16;
    uint32 off_st = 40 + nrsv + ((nstr + 3) & ~3u);
    *size = off_st + keep;
    uint8 *out = calloc(1, *size);
    memcpy(out, blob, 40);
    memcpy(out + 40, blob + off_rsv, nrsv);
    memcpy(out + 40 + nrsv, blob + get32(blob + 12), nstr);
    memcpy(out + off_st, blob + get32(blob + 8), keep);
    uint32 hdr[][2] = {
        {4, *size}, {8, off_st}, {12, 40 + nrsv}, {16, 40}, {36, keep}};
    for (int i = 0; i < 5; i++)
        put32(out + hdr[i][0], hdr[i][1]);
    return out;
}
