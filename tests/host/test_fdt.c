// Host tests of the device-tree reader (kernel/fdt.c) and the machine
// description (kernel/fdt_machine.c): real board trees, then hand-built and
// damaged blobs. Usage: test_fdt [DTB_DIR], default ../shared/dtb.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "kernel/machine.h"

#define IRQ_S_EXT 9
#define IRQ_M_EXT 11
#define GIB (1ull << 30)

static const char *dtb_dir = "../shared/dtb";

static uint32
get32(const uint8 *p)
{
    return (uint32)p[0] << 24 | (uint32)p[1] << 16 | (uint32)p[2] << 8 | p[3];
}

static void
put32(uint8 *p, uint32 v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8)(v >> (24 - 8 * i));
}

// DIR/name in a heap buffer of exactly its size, or NULL if unreadable.
static uint8 *
read_file(const char *name, uint32 *size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dtb_dir, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    uint8 *buf = malloc(n > 0 ? (size_t)n : 1);
    if (n <= 0 || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    *size = (uint32)n;
    return buf;
}

// Tree builder. fb_finish lays the blob out as header | rsvmap | strings |
// structure, the structure block last, so that with a buffer of exactly
// totalsize bytes ASan catches any read past the end of that block.
struct fb {
    uint8 st[8192];
    uint32 nst;
    char str[2048];
    uint32 nstr;
    uint64 rsv[16];
    int nrsv; // pairs in rsv
};

static void
fb_u32(struct fb *b, uint32 v)
{
    put32(b->st + b->nst, v);
    b->nst += 4;
}

static void
fb_bytes(struct fb *b, const void *p, uint32 n)
{
    memcpy(b->st + b->nst, p, n);
    b->nst += n;
    while (b->nst % 4 != 0)
        b->st[b->nst++] = 0;
}

static void
fb_begin(struct fb *b, const char *name)
{
    fb_u32(b, 1);
    fb_bytes(b, name, (uint32)strlen(name) + 1);
}

static uint32
fb_name(struct fb *b, const char *name)
{
    uint32 off = b->nstr;
    memcpy(b->str + off, name, strlen(name) + 1);
    b->nstr += (uint32)strlen(name) + 1;
    return off;
}

static void
fb_prop(struct fb *b, const char *name, const void *val, uint32 len)
{
    fb_u32(b, 3);
    fb_u32(b, len);
    fb_u32(b, fb_name(b, name));
    fb_bytes(b, val, len);
}

static void
fb_str(struct fb *b, const char *name, const char *s)
{
    fb_prop(b, name, s, (uint32)strlen(s) + 1);
}

static void
fb_cells_n(struct fb *b, const char *name, const uint32 *c, uint32 n)
{
    uint8 v[64];
    for (uint32 i = 0; i < n; i++)
        put32(v + 4 * i, c[i]);
    fb_prop(b, name, v, 4 * n);
}

#define fb_cells(b, name, ...)                                                 \
    fb_cells_n((b), (name), (const uint32[]){__VA_ARGS__},                     \
               sizeof((const uint32[]){__VA_ARGS__}) / 4)
#define fb_end(b) fb_u32((b), 2)
#define fb_nop(b) fb_u32((b), 4)

static uint8 *
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

// A small well-formed tree shaped like QEMU virt: two memory banks, two
// cpus with interrupt controllers, a PLIC, a UART, /chosen and /aliases.
static uint8 *
base_tree(uint32 *size)
{
    static struct fb b;
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
    fb_begin(&b, "cpus");
    fb_cells(&b, "#address-cells", 1);
    fb_cells(&b, "#size-cells", 0);
    fb_cells(&b, "timebase-frequency", 10000000);
    for (uint32 h = 0; h < 2; h++) {
        fb_begin(&b, h == 0 ? "cpu@0" : "cpu@1");
        fb_str(&b, "device_type", "cpu");
        fb_cells(&b, "reg", h);
        fb_str(&b, "mmu-type", "riscv,sv39");
        fb_str(&b, "riscv,isa", "rv64imac_zicsr_sstc");
        fb_begin(&b, "interrupt-controller");
        fb_str(&b, "compatible", "riscv,cpu-intc");
        fb_cells(&b, "phandle", 10 + h);
        fb_end(&b);
        fb_end(&b);
    }
    fb_end(&b);
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

// Copy of a valid blob as header | rsvmap | strings | structure[0..keep),
// in a buffer of exactly totalsize bytes.
static uint8 *
struct_last(const uint8 *blob, uint32 keep, uint32 *size)
{
    uint32 off_rsv = get32(blob + 16), nstr = get32(blob + 32);
    uint32 nrsv = 16;
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

// Calls every reader entry point on every node. Returns the number of
// broken invariants; a bad read is ASan's to report.
static int
exercise(const struct fdt *f)
{
    static struct machine m;
    int bad = 0, prev = -1;
    uint64 a, s;
    int len;
    for (int n = fdt_next_node(f, FDT_NONE); n != FDT_NONE;
         n = fdt_next_node(f, n)) {
        if (n <= prev || (uint32)n >= f->structs_size)
            return bad + 1;
        prev = n;
        bad += strlen(fdt_node_name(f, n)) >= f->structs_size;
        bad += fdt_getprop(f, n, "compatible", &len) != NULL && len < 0;
        bad += fdt_parent(f, n) >= n;
        fdt_reg(f, n, 0, &a, &s);
        fdt_irq(f, n);
        fdt_is_okay(f, n);
        fdt_first_child(f, n);
        fdt_next_sibling(f, n);
        fdt_irq_context(f, n, 1, IRQ_S_EXT);
    }
    fdt_find_path(f, "serial0/x");
    fdt_find_compatible(f, FDT_NONE, "ns16550a");
    bad += machine_from_fdt(f, &m) == 0 && m.nmem == 0;
    bad += m.nmem > MACHINE_MAX_MEM || m.nresv > MACHINE_MAX_RESV ||
           m.nharts > MACHINE_MAX_HARTS || m.bootargs == NULL;
    return bad;
}

struct board {
    uint8 *blob;
    uint32 size;
    struct fdt f;
    struct machine m;
};

// Loads DIR/name. Returns 0 if the file is absent (the test then skips);
// a file that is there but unusable also fails the test.
static int
board_load(struct board *b, const char *name)
{
    b->blob = read_file(name, &b->size);
    if (b->blob == NULL)
        return 0;
    // The header may not claim more than was read: fdt_init trusts it.
    if (!CHECK(b->size >= 40 && fdt_header_size(b->blob) <= b->size) ||
        !CHECK(fdt_init(&b->f, b->blob) == 0)) {
        free(b->blob);
        return 0;
    }
    CHECK_EQ(machine_from_fdt(&b->f, &b->m), 0);
    return 1;
}

#define BOARD(b, name)                                                         \
    struct board b;                                                            \
    if (!board_load(&b, name)) {                                               \
        SKIP(name " not in the dtb directory");                                \
    }

// Compares a node's first reg base, first interrupt and one compatible.
static int
dev_is(const struct fdt *f, int node, uint64 base, int irq, const char *compat)
{
    uint64 a = 0, s;
    if (node != FDT_NONE && fdt_reg(f, node, 0, &a, &s) == 0 && a == base &&
        fdt_irq(f, node) == irq && fdt_is_compatible(f, node, compat))
        return 1;
    printf("    node %d \"%s\": base 0x%llx irq %d; want 0x%llx %d %s\n", node,
           fdt_node_name(f, node), (unsigned long long)a, fdt_irq(f, node),
           (unsigned long long)base, irq, compat);
    return 0;
}

// Harts 0..n-1 in order; bit h of usable says whether hart h is usable.
static int
harts_are(const struct machine *m, int n, unsigned usable, int sstc)
{
    int ok = m->nharts == n;
    for (int h = 0; ok && h < n; h++)
        ok = m->harts[h].hartid == (uint32)h &&
             m->harts[h].usable == ((usable >> h) & 1) &&
             m->harts[h].has_sstc == sstc;
    if (!ok)
        printf("    harts: %d found, want %d, usable mask 0x%x\n", m->nharts, n,
               usable);
    return ok;
}

// PLIC context of the S-mode external interrupt of harts lo..hi is
// mul*h + add.
static int
s_contexts_are(const struct fdt *f, uint32 lo, uint32 hi, int mul, int add)
{
    int plic = fdt_find_compatible(f, FDT_NONE, "sifive,plic-1.0.0");
    int ok = dev_is(f, plic, 0x0c000000, -1, "sifive,plic-1.0.0");
    for (uint32 h = lo; h <= hi; h++) {
        int ctx = fdt_irq_context(f, plic, h, IRQ_S_EXT);
        if (ctx != mul * (int)h + add) {
            printf("    hart %u: S context %d\n", h, ctx);
            ok = 0;
        }
    }
    return ok && fdt_irq_context(f, plic, hi + 1, IRQ_S_EXT) == -1;
}

static void
test_qemu_virt(void)
{
    BOARD(b, "qemu-virt.dtb");
    const struct fdt *f = &b.f;
    CHECK(b.m.nmem == 1 && b.m.mem[0].base == 0x80000000 &&
          b.m.mem[0].size == GIB);
    CHECK_EQ(b.m.nresv, 0); // QEMU's dump: no rsvmap, no /reserved-memory
    CHECK(harts_are(&b.m, 4, 0xf, 1));
    CHECK_EQ(b.m.timebase_hz, 10000000);
    int uart = fdt_find_compatible(f, FDT_NONE, "ns16550a");
    CHECK(dev_is(f, uart, 0x10000000, 10, "ns16550a"));
    CHECK_EQ(b.m.stdout_node, uart);
    CHECK_STR(b.m.bootargs, "");
    CHECK(b.m.initrd_start == 0 && b.m.initrd_end == 0);
    CHECK(s_contexts_are(f, 0, 3, 2, 1));
    int plic = fdt_find_phandle(f, 9);
    CHECK_EQ(fdt_irq_context(f, plic, 2, IRQ_M_EXT), 4);
    CHECK_EQ(fdt_getprop_u32(f, plic, "riscv,ndev", 0), 96);
    unsigned irqs = 0;
    for (int n = fdt_find_compatible(f, FDT_NONE, "virtio,mmio"); n != FDT_NONE;
         n = fdt_find_compatible(f, n, "virtio,mmio")) {
        int irq = fdt_irq(f, n);
        if (CHECK(irq >= 1 && irq <= 8) &&
            CHECK(dev_is(f, n, 0x10000000 + 0x1000 * (uint64)irq, irq,
                         "virtio,mmio")))
            irqs |= 1u << irq;
    }
    CHECK_EQ(irqs, 0x1fe);
    free(b.blob);
}

static void
test_qemu_virt_paths(void)
{
    BOARD(b, "qemu-virt.dtb");
    const struct fdt *f = &b.f;
    int root = fdt_root(f), soc = fdt_find_path(f, "/soc");
    int uart = fdt_find_path(f, "/soc/serial@10000000");
    CHECK_STR(fdt_node_name(f, root), "");
    CHECK_EQ(fdt_find_path(f, "/"), root);
    CHECK_STR(fdt_node_name(f, fdt_first_child(f, root)), "pmu");
    CHECK_EQ(fdt_parent(f, uart), soc);
    CHECK_EQ(fdt_parent(f, soc), root);
    CHECK_EQ(fdt_parent(f, root), FDT_NONE);
    CHECK_EQ(fdt_find_path(f, "/soc/serial"), uart); // unit address left out
    CHECK_EQ(fdt_find_path(f, "/soc/serial@10000001"), FDT_NONE);
    CHECK_EQ(fdt_find_path(f, "serial0"), FDT_NONE); // no /aliases here
    CHECK_EQ(fdt_address_cells(f, root), 2);
    CHECK_EQ(fdt_size_cells(f, fdt_find_path(f, "/cpus")), 0);
    uint64 a, s;
    int flash = fdt_find_path(f, "/flash");
    CHECK(fdt_reg(f, flash, 1, &a, &s) == 0 && a == 0x22000000 &&
          s == 0x2000000);
    CHECK_EQ(fdt_reg(f, flash, 2, &a, &s), -1);
    CHECK(fdt_reg(f, fdt_find_path(f, "/cpus/cpu@2"), 0, &a, &s) == 0 &&
          a == 2 && s == 0);
    int len;
    const char *c = fdt_getprop(f, fdt_find_phandle(f, 9), "compatible", &len);
    CHECK(c != NULL && len == 30 && strcmp(c + 18, "riscv,plic0") == 0);
    CHECK(!fdt_is_compatible(f, fdt_find_phandle(f, 9), "riscv,plic"));
    CHECK_EQ(fdt_getprop(f, uart, "no-such-prop", &len), NULL);
    CHECK_EQ(fdt_find_phandle(f, 0), FDT_NONE); // not "a node without one"
    free(b.blob);
}

// OpenSBI blanks the PLIC's M-mode entries (cause or phandle cell) to ~0
// in the tree it passes on: S contexts must keep their numbers.
static void
test_opensbi_plic_fixup(void)
{
    for (int cell = 0; cell < 2; cell++) {
        BOARD(b, "qemu-virt.dtb");
        int plic = fdt_find_compatible(&b.f, FDT_NONE, "riscv,plic0"), len;
        uint8 *v =
            (uint8 *)fdt_getprop(&b.f, plic, "interrupts-extended", &len);
        for (int i = 0; v != NULL && i < len / 8; i++)
            if (get32(v + 8 * i + 4) == IRQ_M_EXT)
                put32(v + 8 * i + 4 * cell, 0xffffffff);
        CHECK(s_contexts_are(&b.f, 0, 3, 2, 1));
        CHECK_EQ(fdt_irq_context(&b.f, plic, 1, IRQ_M_EXT), -1);
        free(b.blob);
    }
}

static void
test_qemu_sifive_u(void)
{
    BOARD(b, "qemu-sifive-u.dtb");
    const struct fdt *f = &b.f;
    CHECK(b.m.nmem == 1 && b.m.mem[0].base == 0x80000000);
    CHECK(harts_are(&b.m, 5, 0x1e, 0)); // E51: status okay but no MMU
    CHECK_EQ(b.m.timebase_hz, 1000000);
    CHECK(dev_is(f, b.m.stdout_node, 0x10010000, 4, "sifive,uart0"));
    CHECK_EQ(fdt_find_path(f, "serial0"), b.m.stdout_node);
    CHECK(s_contexts_are(f, 1, 4, 2, 0));
    int spi = fdt_find_path(f, "/soc/spi@10050000");
    CHECK(dev_is(f, spi, 0x10050000, 6, "sifive,spi0"));
    CHECK(fdt_is_compatible(f, fdt_first_child(f, spi), "mmc-spi-slot"));
    free(b.blob);
}

static void
test_visionfive2(void)
{
    BOARD(b, "visionfive2.dtb");
    const struct fdt *f = &b.f;
    CHECK(b.m.nmem == 1 && b.m.mem[0].base == 0x40000000 &&
          b.m.mem[0].size == 4 * GIB);
    CHECK(harts_are(&b.m, 5, 0x1e, 0));
    CHECK_EQ(b.m.timebase_hz, 4000000);
    int uart = b.m.stdout_node; // "serial0:115200n8"
    CHECK(dev_is(f, uart, 0x10000000, 32, "snps,dw-apb-uart"));
    CHECK_EQ(fdt_getprop_u32(f, uart, "reg-shift", 0), 2);
    CHECK_EQ(fdt_getprop_u32(f, uart, "reg-io-width", 1), 4);
    int mmc = fdt_find_path(f, "/soc/mmc@16020000");
    CHECK(dev_is(f, mmc, 0x16020000, 75, "starfive,jh7110-mmc"));
    CHECK_EQ(fdt_find_path(f, "mmc1"), mmc);
    CHECK(s_contexts_are(f, 1, 4, 2, 0));
    CHECK_EQ(fdt_irq_context(f, fdt_find_phandle(f, 0x0c), 0, IRQ_S_EXT), -1);
    free(b.blob);
}

static void
test_hifive_unmatched(void)
{
    BOARD(b, "hifive-unmatched.dtb");
    const struct fdt *f = &b.f;
    CHECK(b.m.nmem == 1 && b.m.mem[0].base == 0x80000000 &&
          b.m.mem[0].size == 16 * GIB);
    CHECK(harts_are(&b.m, 5, 0x1e, 0)); // hart 0 "disabled"
    CHECK_EQ(b.m.timebase_hz, 1000000);
    CHECK(dev_is(f, b.m.stdout_node, 0x10010000, 39, "sifive,uart0"));
    int spi = fdt_find_path(f, "/soc/spi@10050000");
    CHECK(dev_is(f, spi, 0x10050000, 43, "sifive,spi0"));
    int slot = fdt_find_path(f, "/soc/spi@10050000/mmc@0");
    CHECK(slot != FDT_NONE && fdt_first_child(f, spi) == slot);
    CHECK(fdt_is_compatible(f, slot, "mmc-spi-slot"));
    CHECK(s_contexts_are(f, 1, 4, 2, 0));
    // The upstream tree already writes ~0 for the M-mode causes.
    int plic = fdt_find_compatible(f, FDT_NONE, "sifive,plic-1.0.0");
    CHECK_EQ(fdt_irq_context(f, plic, 1, IRQ_M_EXT), -1);
    free(b.blob);
}

static void
test_hifive_unleashed(void)
{
    BOARD(b, "hifive-unleashed.dtb");
    CHECK(b.m.nmem == 1 && b.m.mem[0].base == 0x80000000 &&
          b.m.mem[0].size == 8 * GIB);
    CHECK(harts_are(&b.m, 5, 0x1e, 0));
    CHECK(dev_is(&b.f, b.m.stdout_node, 0x10010000, 4, "sifive,uart0"));
    CHECK(s_contexts_are(&b.f, 1, 4, 2, 0));
    free(b.blob);
}

// Nodes a .dts decompilation opens ("name {" lines), or -1 without one.
static int
dts_node_count(const char *dtb)
{
    char name[128], line[4096];
    snprintf(name, sizeof name, "%s/%.*s.dts", dtb_dir, (int)(strlen(dtb) - 4),
             dtb);
    FILE *fp = fopen(name, "r");
    int n = 0;
    if (fp == NULL)
        return -1;
    while (fgets(line, sizeof line, fp) != NULL)
        n += strlen(line) >= 2 && strcmp(line + strlen(line) - 2, "{\n") == 0;
    fclose(fp);
    return n;
}

// Every node of every tree: the document walk, the parent/child links and
// the node count of the .dts must agree.
static void
test_walk_all_trees(void)
{
    static const char *names[] = {"qemu-virt.dtb", "qemu-sifive-u.dtb",
                                  "visionfive2.dtb", "hifive-unmatched.dtb",
                                  "hifive-unleashed.dtb"};
    int found = 0;
    for (int i = 0; i < 5; i++) {
        struct board b;
        if (!board_load(&b, names[i]))
            continue;
        int nodes = 0, unlinked = 0;
        for (int n = fdt_next_node(&b.f, FDT_NONE); n != FDT_NONE;
             n = fdt_next_node(&b.f, n), nodes++) {
            int c = fdt_first_child(&b.f, fdt_parent(&b.f, n));
            while (c != FDT_NONE && c != n)
                c = fdt_next_sibling(&b.f, c);
            unlinked += c != n && n != fdt_root(&b.f);
        }
        int want = dts_node_count(names[i]);
        CHECK(want < 0 || nodes == want);
        CHECK_EQ(unlinked, 0);
        CHECK_EQ(exercise(&b.f), 0);
        found++;
        free(b.blob);
    }
    if (found == 0)
        SKIP("no trees in the dtb directory");
}

// A blob from a builder whose root holds what `fill` adds, plus a memory node.
static uint8 *
tree_with(void (*fill)(struct fb *), struct fdt *f, struct machine *m)
{
    static struct fb b;
    uint32 size;
    memset(&b, 0, sizeof b);
    fb_begin(&b, "");
    fb_cells(&b, "#address-cells", 2);
    fb_cells(&b, "#size-cells", 2);
    fb_begin(&b, "memory@80000000");
    fb_str(&b, "device_type", "memory");
    fb_cells(&b, "reg", 0, 0x80000000, 0, 0x8000000);
    fb_end(&b);
    fill(&b);
    fb_end(&b);
    uint8 *blob = fb_finish(&b, &size);
    if (!CHECK_EQ(fdt_init(f, blob), 0) || !CHECK_EQ(machine_from_fdt(f, m), 0))
        memset(m, 0, sizeof *m);
    return blob;
}

static void
test_header_checks(void)
{
    struct fdt f;
    uint32 size;
    uint8 *blob = base_tree(&size);
    CHECK_EQ(fdt_header_size(blob), size);
    CHECK_EQ(fdt_init(&f, blob), 0);
    CHECK_EQ(exercise(&f), 0);
    // field offset, bad value
    uint32 bad[][2] = {
        {0, 0xd00dfeee},  {20, 15},
        {24, 18},         {8, get32(blob + 8) + 2},
        {4, 39},          {36, 0xfffffff0},
        {32, size},       {16, size - 8},
        {12, 0xfffffff0}, {8, 0xfffffffc},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8 *copy = malloc(size);
        memcpy(copy, blob, size);
        put32(copy + bad[i][0], bad[i][1]);
        if (!CHECK_EQ(fdt_init(&f, copy), -1))
            printf("    header field %u = 0x%x accepted\n", bad[i][0],
                   bad[i][1]);
        free(copy);
    }
    // The same blocks, intact but with the structure block moved off its
    // 4-byte alignment.
    uint8 *shifted = malloc(size + 2);
    memcpy(shifted, blob, get32(blob + 8));
    memcpy(shifted + get32(blob + 8) + 2, blob + get32(blob + 8),
           size - get32(blob + 8));
    put32(shifted + 4, size + 2);
    put32(shifted + 8, get32(blob + 8) + 2);
    CHECK_EQ(fdt_init(&f, shifted), -1);
    free(shifted);
    static struct fb empty; // a structure block with no root node
    uint8 *noroot = fb_finish(&empty, &size);
    CHECK_EQ(fdt_init(&f, noroot), -1);
    free(noroot);
    CHECK_EQ(fdt_header_size(NULL), 0);
    put32(blob, 0xedfe0dd0); // little-endian magic
    CHECK_EQ(fdt_header_size(blob), 0);
    free(blob);
}

// A header claiming more than the loader read: fdt_init cannot know the
// buffer, so fdt_header_size is what a loader must compare first.
static void
test_totalsize_beyond_buffer(void)
{
    struct fdt f;
    uint32 size;
    uint8 *blob = base_tree(&size);
    put32(blob + 4, size + 4096);
    CHECK_EQ(fdt_header_size(blob), size + 4096);
    CHECK(fdt_header_size(blob) > size);
    // Blocks still inside the claim: valid for fdt_init, and all reads stay
    // inside the blocks, so nothing past `size` is touched (ASan).
    CHECK_EQ(fdt_init(&f, blob), 0);
    CHECK_EQ(exercise(&f), 0);
    free(blob);
}

// Cut at every length, totalsize patched to match: always refused.
static void
test_truncated(void)
{
    struct fdt f;
    uint32 size, accepted = 0;
    uint8 *blob = base_tree(&size);
    for (uint32 k = 0; k < size; k++) {
        uint8 *cut = malloc(k < 40 ? 40 : k);
        memcpy(cut, blob, k < 40 ? 40 : k);
        put32(cut + 4, k);
        accepted += fdt_init(&f, cut) == 0;
        free(cut);
    }
    CHECK_EQ(accepted, 0);
    free(blob);
}

// The structure block cut at every token boundary, with the header made
// consistent: fdt_init may accept, but nothing reads past the cut.
static void
sweep_struct_cuts(const uint8 *blob)
{
    int bad = 0;
    for (uint32 keep = 0; keep <= get32(blob + 36); keep += 4) {
        uint32 size;
        struct fdt f;
        uint8 *cut = struct_last(blob, keep, &size);
        if (fdt_init(&f, cut) == 0)
            bad += exercise(&f);
        free(cut);
    }
    CHECK_EQ(bad, 0);
}

static void
test_struct_cuts(void)
{
    uint32 size;
    uint8 *blob = base_tree(&size);
    sweep_struct_cuts(blob);
    free(blob);
    uint8 *real = read_file("qemu-virt.dtb", &size);
    if (real != NULL && CHECK(fdt_header_size(real) == size))
        sweep_struct_cuts(real);
    free(real);
}

// Random byte damage to the structure block (fixed seed, reproducible).
static void
test_fuzz_struct(void)
{
    uint32 size, seed = 12345;
    uint8 *blob = base_tree(&size);
    uint32 off = get32(blob + 8), len = get32(blob + 36);
    int bad = 0;
    for (int iter = 0; iter < 3000; iter++) {
        uint8 *copy = malloc(size);
        struct fdt f;
        memcpy(copy, blob, size);
        for (int k = 0; k < 1 + iter % 4; k++) {
            seed = seed * 1103515245 + 12345;
            copy[off + (seed >> 8) % len] = (uint8)(seed >> 24 & 0x0f);
        }
        if (fdt_init(&f, copy) == 0)
            bad += exercise(&f);
        free(copy);
    }
    CHECK_EQ(bad, 0);
    free(blob);
}

static void
fill_bad_props(struct fb *b)
{
    fb_begin(b, "node");
    fb_cells(b, "first", 1);
    fb_nop(b);
    fb_cells(b, "second", 2);
    fb_u32(b, 3); // a property whose length runs past the block
    fb_u32(b, 0x7ffffff0);
    fb_u32(b, fb_name(b, "huge"));
    fb_cells(b, "after", 3);
    fb_begin(b, "child");
    fb_end(b);
    fb_end(b);
}

static void
test_prop_past_block(void)
{
    struct fdt f;
    struct machine m;
    uint8 *blob = tree_with(fill_bad_props, &f, &m);
    int node = fdt_find_path(&f, "/node"), len;
    CHECK(node != FDT_NONE);
    CHECK_EQ(fdt_getprop_u32(&f, node, "first", 0), 1);
    CHECK_EQ(fdt_getprop_u32(&f, node, "second", 0), 2); // past a NOP
    CHECK_EQ(fdt_getprop(&f, node, "huge", &len), NULL);
    CHECK_EQ(len, -1);
    CHECK_EQ(fdt_getprop(&f, node, "after", &len), NULL); // walk ended
    CHECK_EQ(fdt_first_child(&f, node), FDT_NONE);
    CHECK_EQ(fdt_next_sibling(&f, node), FDT_NONE);
    CHECK_EQ(fdt_next_node(&f, node), FDT_NONE);
    CHECK_EQ(exercise(&f), 0);
    free(blob);
}

static void
fill_odd_tokens(struct fb *b)
{
    fb_nop(b);
    fb_begin(b, "a");
    fb_nop(b);
    fb_cells(b, "x", 7);
    fb_nop(b);
    fb_begin(b, "a1");
    fb_end(b);
    fb_nop(b);
    fb_begin(b, "a2");
    fb_end(b);
    fb_end(b);
    fb_begin(b, "b");
    fb_u32(b, 0x77); // unknown token
    fb_cells(b, "y", 8);
    fb_end(b);
}

static void
test_nop_and_unknown_token(void)
{
    struct fdt f;
    struct machine m;
    uint8 *blob = tree_with(fill_odd_tokens, &f, &m);
    int a = fdt_find_path(&f, "/a"), bnode = fdt_find_path(&f, "/b");
    CHECK_EQ(fdt_getprop_u32(&f, a, "x", 0), 7);
    CHECK_STR(fdt_node_name(&f, fdt_first_child(&f, a)), "a1");
    CHECK_STR(fdt_node_name(&f, fdt_next_sibling(&f, fdt_first_child(&f, a))),
              "a2");
    CHECK_EQ(fdt_next_sibling(&f, a), bnode);
    CHECK_EQ(fdt_getprop(&f, bnode, "y", NULL), NULL);
    CHECK_EQ(fdt_next_node(&f, bnode), FDT_NONE);
    CHECK_EQ(fdt_next_sibling(&f, bnode), FDT_NONE);
    free(blob);
}

// Offsets that are not nodes: a property token, and a BEGIN_NODE token
// hidden inside a property value.
static void
test_offsets_not_nodes(void)
{
    static const uint8 fake[] = {0, 0, 0, 1, 'x', 0, 0, 0, 0, 0, 0, 2};
    struct fb b = {0};
    struct fdt f;
    uint32 size;
    fb_begin(&b, "");
    fb_prop(&b, "fake", fake, sizeof fake);
    fb_begin(&b, "child");
    fb_end(&b);
    fb_begin(&b, "child2");
    fb_end(&b);
    fb_end(&b);
    uint8 *blob = fb_finish(&b, &size);
    CHECK_EQ(fdt_init(&f, blob), 0);
    const uint8 *v = fdt_getprop(&f, fdt_root(&f), "fake", NULL);
    int hidden = v ? (int)(v - f.structs) : 0, prop = hidden - 12;
    CHECK_STR(fdt_node_name(&f, hidden), "x"); // it does look like a node
    CHECK_EQ(fdt_parent(&f, hidden), FDT_NONE);
    CHECK_STR(fdt_node_name(&f, prop), "");
    CHECK_EQ(fdt_first_child(&f, prop), FDT_NONE);
    CHECK_EQ(fdt_next_sibling(&f, prop), FDT_NONE);
    CHECK_EQ(fdt_parent(&f, prop), FDT_NONE);
    CHECK_EQ(fdt_getprop(&f, prop, "fake", NULL), NULL);
    CHECK_EQ(fdt_next_sibling(&f, -8), FDT_NONE);
    CHECK_EQ(fdt_parent(&f, fdt_find_path(&f, "/child")), fdt_root(&f));
    free(blob);
}

static void
fill_reserved(struct fb *b)
{
    b->rsv[0] = 0x80000000; // header reservation block entries
    b->rsv[1] = 0x80000;
    b->rsv[2] = 0xa0000000;
    b->rsv[3] = 0x1000;
    b->nrsv = 2;
    fb_begin(b, "reserved-memory");
    fb_cells(b, "#address-cells", 2);
    fb_cells(b, "#size-cells", 1);
    fb_begin(b, "mmode_resv0@80000000");
    fb_cells(b, "reg", 0, 0x80000000, 0x40000);
    fb_end(b);
    fb_begin(b, "pool"); // no reg: placed by the OS, not reserved
    fb_cells(b, "size", 0x100000);
    fb_end(b);
    fb_begin(b, "two@90000000");
    fb_cells(b, "reg", 0, 0x90000000, 0x2000, 1, 0x10, 0x3000);
    fb_end(b);
    fb_end(b);
}

static void
test_reserved_ranges(void)
{
    struct fdt f;
    struct machine m;
    uint8 *blob = tree_with(fill_reserved, &f, &m);
    const uint64 want[][2] = {{0x80000000, 0x40000},
                              {0x90000000, 0x2000},
                              {0x100000010, 0x3000},
                              {0x80000000, 0x80000},
                              {0xa0000000, 0x1000}};
    CHECK_EQ(m.nresv, 5);
    for (int i = 0; i < 5 && i < m.nresv; i++)
        CHECK(m.resv[i].base == want[i][0] && m.resv[i].size == want[i][1]);
    uint64 a = 0, s = 0;
    CHECK(fdt_rsvmap_entry(&f, 1, &a, &s) == 0 && a == 0xa0000000);
    CHECK_EQ(fdt_rsvmap_entry(&f, 2, &a, &s), -1);
    CHECK_EQ(fdt_rsvmap_entry(&f, -1, &a, &s), -1);
    free(blob);
    // A reservation block with no terminator before totalsize.
    uint32 size;
    uint8 *base = base_tree(&size);
    uint8 *blob2 = malloc(size + 16);
    memcpy(blob2, base, size);
    memset(blob2 + size, 0x11, 16);
    put32(blob2 + 4, size + 16);
    put32(blob2 + 16, size);
    CHECK_EQ(fdt_init(&f, blob2), 0);
    CHECK(fdt_rsvmap_entry(&f, 0, &a, &s) == 0 && a == 0x1111111111111111);
    CHECK_EQ(fdt_rsvmap_entry(&f, 1, &a, &s), -1);
    free(base);
    free(blob2);
}

static void
test_machine_reserve(void)
{
    static struct machine m;
    m.nresv = 0;
    CHECK_EQ(machine_reserve(&m, 0x1000, 0), 0);
    CHECK_EQ(m.nresv, 0); // empty ranges are not kept
    CHECK_EQ(machine_reserve(&m, ~0ull - 0xfff, 0x2000), 0);
    CHECK_EQ(m.resv[0].size, 0x1000); // cut at the top of the space
    for (int i = 1; i < MACHINE_MAX_RESV; i++)
        machine_reserve(&m, 0x1000 * (uint64)i, 0x1000);
    CHECK_EQ(m.nresv, MACHINE_MAX_RESV);
    CHECK_EQ(machine_reserve(&m, 0x5000000, 0x1000), -1);
    CHECK_EQ(m.nresv, MACHINE_MAX_RESV);
}

// /chosen initrd bounds in every width: 2 cells, 1 cell (a 32-bit value
// with the top bit set must not sign-extend), mixed, and malformed.
static const struct {
    uint32 start[2], end[2];
    int sn, en; // cells in each; 3 means a 6-byte property
    uint64 want_start, want_end;
} initrd_cases[] = {
    {{0x1, 0x84000000}, {0x1, 0x84100000}, 2, 2, 0x184000000, 0x184100000},
    {{0x88000000}, {0x88200000}, 1, 1, 0x88000000, 0x88200000},
    {{0x88000000}, {0x0, 0x88200000}, 1, 2, 0x88000000, 0x88200000},
    {{0x88000000}, {0x88200000}, 1, 3, 0, 0},
    {{0x88200000}, {0x88000000}, 1, 1, 0, 0},
    {{0x88000000}, {0}, 1, 0, 0, 0},
};
static int initrd_case;

static void
fill_initrd(struct fb *b)
{
    uint8 v[8];
    fb_begin(b, "chosen");
    for (int i = 0; i < 2; i++) {
        const uint32 *c =
            i ? initrd_cases[initrd_case].end : initrd_cases[initrd_case].start;
        int n = i ? initrd_cases[initrd_case].en : initrd_cases[initrd_case].sn;
        put32(v, c[0]);
        put32(v + 4, c[1]);
        if (n > 0)
            fb_prop(b, i ? "linux,initrd-end" : "linux,initrd-start", v,
                    n == 3 ? 6 : 4 * (uint32)n);
    }
    fb_end(b);
}

static void
test_initrd_forms(void)
{
    int n = (int)(sizeof initrd_cases / sizeof initrd_cases[0]);
    for (initrd_case = 0; initrd_case < n; initrd_case++) {
        struct fdt f;
        struct machine m;
        uint8 *blob = tree_with(fill_initrd, &f, &m);
        if (!CHECK(m.initrd_start == initrd_cases[initrd_case].want_start &&
                   m.initrd_end == initrd_cases[initrd_case].want_end))
            printf("    initrd case %d\n", initrd_case);
        CHECK_STR(m.bootargs, "");
        free(blob);
    }
}

// One cpu@N each: status, mmu-type, riscv,isa (a final '!' means "written
// without its NUL"), riscv,isa-extensions and its length, expected flags.
static const struct {
    const char *status, *mmu, *isa, *ext;
    uint32 extlen;
    int usable, sstc;
} cpu_cases[] = {
    {"okay", "riscv,sv39", "rv64imac_zicsr_sstc", NULL, 0, 1, 1},
    {NULL, "riscv,sv48", "RV64IMAC_SSTC_ZICSR", NULL, 0, 1, 1},
    {"ok", "riscv,sv39", "rv64imac_zsstc", NULL, 0, 1, 0},
    {"okay", "riscv,none", "rv64imac_sstcx", NULL, 0, 0, 0},
    {"disabled", "riscv,sv39", "rv64imacsstc", NULL, 0, 0, 0},
    {"okay", NULL, "rv64imac_sstc", NULL, 0, 0, 1},
    {"okay", "riscv,sv39", NULL, "i\0m\0sstc", 9, 1, 1},
    {"okay", "riscv,sv39", "rv64i", "i\0xsstc\0sstcx", 14, 1, 0},
    {"okay", "riscv,sv39", NULL, "i\0m\0sstc", 8, 1, 1}, // no final NUL
    {"okay", "riscv,sv39", "rv64imac_sstc!", NULL, 0, 1, 0},
};
#define NCPU_CASES (int)(sizeof cpu_cases / sizeof cpu_cases[0])

static void
fill_cpus(struct fb *b)
{
    char name[16];
    fb_begin(b, "cpus");
    fb_cells(b, "#address-cells", 1);
    fb_cells(b, "#size-cells", 0);
    for (int i = 0; i < NCPU_CASES + 10; i++) {
        snprintf(name, sizeof name, "cpu@%d", i);
        fb_begin(b, name);
        fb_str(b, "device_type", "cpu");
        fb_cells(b, "reg", (uint32)i);
        if (i == 0) // only the first cpu: the /cpus value is absent
            fb_cells(b, "timebase-frequency", 0x1, 0x2);
        if (i < NCPU_CASES && cpu_cases[i].status)
            fb_str(b, "status", cpu_cases[i].status);
        if (i < NCPU_CASES && cpu_cases[i].mmu)
            fb_str(b, "mmu-type", cpu_cases[i].mmu);
        const char *isa = i < NCPU_CASES ? cpu_cases[i].isa : NULL;
        uint32 n = isa ? (uint32)strlen(isa) : 0;
        if (isa)
            fb_prop(b, "riscv,isa", isa, isa[n - 1] == '!' ? n - 1 : n + 1);
        if (i < NCPU_CASES && cpu_cases[i].ext)
            fb_prop(b, "riscv,isa-extensions", cpu_cases[i].ext,
                    cpu_cases[i].extlen);
        fb_end(b);
    }
    fb_begin(b, "cpu-map"); // no device_type: not a hart
    fb_end(b);
    fb_end(b);
}

static void
test_cpus(void)
{
    struct fdt f;
    struct machine m;
    uint8 *blob = tree_with(fill_cpus, &f, &m);
    CHECK_EQ(m.nharts, MACHINE_MAX_HARTS);
    for (int i = 0; i < NCPU_CASES && i < m.nharts; i++) {
        if (!CHECK(m.harts[i].hartid == (uint32)i &&
                   m.harts[i].usable == cpu_cases[i].usable &&
                   m.harts[i].has_sstc == cpu_cases[i].sstc))
            printf("    cpu case %d\n", i);
    }
    CHECK_EQ(m.timebase_hz, 0x100000002);
    free(blob);
}

static void
fill_memory(struct fb *b)
{
    char name[32];
    fb_begin(b, "memory"); // named so, no device_type; one empty bank
    fb_cells(b, "reg", 0, 0x40000000, 0, 0x1000, 0, 0x50000000, 0, 0);
    fb_end(b);
    fb_begin(b, "ram@c0000000"); // device_type only
    fb_str(b, "device_type", "memory");
    fb_cells(b, "reg", 0, 0xc0000000, 0, 0x1000);
    fb_end(b);
    fb_begin(b, "memory-controller@2000000"); // neither
    fb_cells(b, "reg", 0, 0x2000000, 0, 0x1000);
    fb_end(b);
    for (int i = 0; i < 8; i++) { // more banks than the table holds
        snprintf(name, sizeof name, "memory@%x", 0x100000 * (i + 1));
        fb_begin(b, name);
        fb_cells(b, "reg", 0, 0x100000 * (uint32)(i + 1), 0, 0x1000);
        fb_end(b);
    }
}

static void
test_memory_nodes(void)
{
    struct fdt f;
    struct machine m;
    uint8 *blob = tree_with(fill_memory, &f, &m);
    CHECK_EQ(m.nmem, MACHINE_MAX_MEM);
    CHECK(m.mem[0].base == 0x80000000 && m.mem[0].size == 0x8000000);
    CHECK(m.mem[1].base == 0x40000000 && m.mem[1].size == 0x1000);
    CHECK_EQ(m.mem[2].base, 0xc0000000);
    CHECK_EQ(m.mem[3].base, 0x100000);
    free(blob);
    // No memory at all.
    static struct fb b;
    uint32 size;
    memset(&b, 0, sizeof b);
    fb_begin(&b, "");
    fb_end(&b);
    blob = fb_finish(&b, &size);
    CHECK_EQ(fdt_init(&f, blob), 0);
    CHECK_EQ(machine_from_fdt(&f, &m), -1);
    CHECK(m.nmem == 0 && m.nharts == 0 && m.stdout_node == FDT_NONE);
    free(blob);
}

static void
fill_paths(struct fb *b)
{
    fb_begin(b, "chosen");
    fb_str(b, "stdout-path", "serial1:115200n8");
    fb_str(b, "bootargs", "root=/dev/vda rw");
    fb_end(b);
    fb_begin(b, "aliases");
    fb_str(b, "serial1", "/soc/uart@1");
    fb_str(b, "bus", "/soc");
    fb_str(b, "relative", "soc/uart");
    fb_prop(b, "unterminated", "/soc", 4);
    fb_end(b);
    fb_begin(b, "soc");
    fb_begin(b, "uart@1");
    fb_begin(b, "port");
    fb_end(b);
    fb_end(b);
    fb_begin(b, "uart"); // an exact name wins over an earlier "uart@..."
    fb_end(b);
    fb_end(b);
    fb_begin(b, "pci"); // 3-cell addresses do not fit a uint64
    fb_cells(b, "#address-cells", 3);
    fb_begin(b, "dev@0");
    fb_cells(b, "reg", 0, 0, 0x1000, 0x100);
    fb_end(b);
    fb_end(b);
}

static void
test_paths_and_aliases(void)
{
    struct fdt f;
    struct machine m;
    uint8 *blob = tree_with(fill_paths, &f, &m);
    int soc = fdt_find_path(&f, "/soc");
    int uart1 = fdt_first_child(&f, soc);
    int uart = fdt_next_sibling(&f, uart1);
    CHECK_STR(fdt_node_name(&f, uart1), "uart@1");
    CHECK_EQ(fdt_find_path(&f, "/soc/uart"), uart);
    CHECK_EQ(fdt_find_path(&f, "//soc//uart@1/"), uart1);
    CHECK_EQ(fdt_find_path(&f, "serial1"), uart1);
    CHECK_EQ(fdt_find_path(&f, "bus/uart@1/port"), fdt_first_child(&f, uart1));
    CHECK_EQ(fdt_find_path(&f, "bus/nothing"), FDT_NONE);
    CHECK_EQ(fdt_find_path(&f, "relative"), FDT_NONE); // must be absolute
    CHECK_EQ(fdt_find_path(&f, "unterminated"), FDT_NONE);
    CHECK_EQ(fdt_find_path(&f, "serial"), FDT_NONE);
    CHECK_EQ(fdt_find_path(&f, ""), FDT_NONE);
    CHECK_EQ(fdt_find_path(&f, "/uart"), FDT_NONE);
    uint64 a, s;
    CHECK_EQ(fdt_reg(&f, fdt_find_path(&f, "/pci/dev"), 0, &a, &s), -1);
    CHECK_EQ(m.stdout_node, uart1);
    CHECK_STR(m.bootargs, "root=/dev/vda rw");
    free(blob);
}

static void
fill_long_stdout(struct fb *b)
{
    char path[200];
    memset(path, 'a', sizeof path);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    fb_begin(b, "chosen");
    fb_str(b, "stdout-path", path);
    fb_end(b);
    fb_begin(b, path + 1);
    fb_end(b);
}

// A stdout-path longer than the kernel's copy buffer is refused, not cut.
static void
test_long_stdout_path(void)
{
    struct fdt f;
    struct machine m;
    uint8 *blob = tree_with(fill_long_stdout, &f, &m);
    const char *path =
        fdt_getprop(&f, fdt_find_path(&f, "/chosen"), "stdout-path", NULL);
    CHECK(path != NULL && fdt_find_path(&f, path) != FDT_NONE);
    CHECK_EQ(m.stdout_node, FDT_NONE);
    free(blob);
}

int
main(int argc, char **argv)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_qemu_virt),
        HT_TEST(test_qemu_virt_paths),
        HT_TEST(test_opensbi_plic_fixup),
        HT_TEST(test_qemu_sifive_u),
        HT_TEST(test_visionfive2),
        HT_TEST(test_hifive_unmatched),
        HT_TEST(test_hifive_unleashed),
        HT_TEST(test_walk_all_trees),
        HT_TEST(test_header_checks),
        HT_TEST(test_totalsize_beyond_buffer),
        HT_TEST(test_truncated),
        HT_TEST(test_struct_cuts),
        HT_TEST(test_fuzz_struct),
        HT_TEST(test_prop_past_block),
        HT_TEST(test_nop_and_unknown_token),
        HT_TEST(test_offsets_not_nodes),
        HT_TEST(test_reserved_ranges),
        HT_TEST(test_machine_reserve),
        HT_TEST(test_initrd_forms),
        HT_TEST(test_cpus),
        HT_TEST(test_memory_nodes),
        HT_TEST(test_paths_and_aliases),
        HT_TEST(test_long_stdout_path),
    };
    if (argc > 1)
        dtb_dir = argv[1];
    return HT_RUN(tests);
}
