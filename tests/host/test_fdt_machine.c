// Part of test_fdt (included by test_fdt.c): the machine description that
// kernel/fdt_machine.c takes from built trees: reservations, initrd, cpus,
// memory banks, stdout-path and aliases.

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
    uint8 *base = fb_base_tree(&size);
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
// without its NUL"), riscv,isa-base, riscv,isa-extensions and its length
// (EXT: NUL-ended as the binding writes it; EXT_CUT: last NUL missing),
// expected flags.
#define EXT(s) s, sizeof(s)
#define EXT_CUT(s) s, sizeof(s) - 1
#define NO_EXT NULL, 0
#define FULL_LIST "i\0m\0a\0f\0d\0c\0zicsr\0zifencei\0sstc"
static const struct {
    const char *status, *mmu, *isa, *base, *ext;
    uint32 extlen;
    int usable, sstc;
} cpu_cases[] = {
    {"okay", "riscv,sv39", "rv64imafdc_zicsr_sstc", NULL, NO_EXT, 1, 1},
    {NULL, "riscv,sv48", "RV64IMAFDC_SSTC_ZICSR", NULL, NO_EXT, 1, 1},
    {"ok", "riscv,sv39", "rv64gc_zsstc", NULL, NO_EXT, 1, 0},
    {"okay", "riscv,none", "rv64gc_sstcx", NULL, NO_EXT, 0, 0},
    {"disabled", "riscv,sv39", "rv64gcsstc", NULL, NO_EXT, 0, 1},
    {"okay", NULL, "rv64gc_sstc", NULL, NO_EXT, 0, 1},
    {"okay", "riscv,sv39", NULL, "rv64i", EXT(FULL_LIST), 1, 1},
    // Where both forms are present the list decides: it lacks M here.
    {"okay", "riscv,sv39", "rv64imafdc", "rv64i", EXT("i\0xsstc\0sstcx"), 0, 0},
    {"okay", "riscv,sv39", NULL, "rv64i", EXT_CUT(FULL_LIST), 1, 1},
    {"okay", "riscv,sv39", "rv64imafdc_sstc!", NULL, NO_EXT, 0, 0},
    // StarFive's vendor tree: the S7 monitor core, then a U74.
    {"okay", "riscv,sv39", "rv64imacu_zba_zbb", NULL, NO_EXT, 0, 0},
    {"okay", "riscv,sv39", "rv64imafdcbsux_zba_zbb", NULL, NO_EXT, 1, 0},
    {"okay", "riscv,sv57", "rv64imafdc", NULL, NO_EXT, 1, 0},
    {"okay", "riscv,sv32", "rv64imafdc", NULL, NO_EXT, 0, 0},
    {"okay", "riscv,sv39", "rv32imafdc", NULL, NO_EXT, 0, 0},
    // A list without its base is not read; riscv,isa is then used.
    {"okay", "riscv,sv39", "rv64imafdc", NULL, EXT("i\0sstc"), 1, 0},
};
#define NCPU_CASES (int)(sizeof cpu_cases / sizeof cpu_cases[0])

static void
fill_cpus(struct fb *b)
{
    char name[16];
    fb_begin(b, "cpus");
    fb_cells(b, "#address-cells", 1);
    fb_cells(b, "#size-cells", 0);
    for (int i = 0; i < MACHINE_MAX_HARTS + 2; i++) {
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
        if (i < NCPU_CASES && cpu_cases[i].base)
            fb_str(b, "riscv,isa-base", cpu_cases[i].base);
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
                   m.harts[i].has_sstc == cpu_cases[i].sstc &&
                   (m.harts[i].why == NULL) == m.harts[i].usable))
            printf("    cpu case %d: usable %d sstc %d (%s)\n", i,
                   m.harts[i].usable, m.harts[i].has_sstc,
                   m.harts[i].why ? m.harts[i].why : "usable");
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
