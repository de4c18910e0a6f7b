// Part of test_fdt (included by test_fdt.c): the real board trees in the
// dtb directory, read whole and checked against what each board has. A
// tree that is absent skips its test.

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
