// The test_fdt program: host tests of the device-tree reader (kernel/fdt.c)
// and the machine description (kernel/fdt_machine.c), on real board trees
// and on hand-built and damaged blobs. Usage: test_fdt [DTB_DIR].
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "kernel/machine.h"
#include "kernel/hart_isa.h"
#include "fdt_builder.h"

#define IRQ_S_EXT 9
#define IRQ_M_EXT 11
#define GIB (1ull << 30)

static const char *dtb_dir = "../shared/dtb";

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

// A blob from a builder whose root holds what `fill` adds, plus a memory
// node; f and m describe it (m zeroed if either step fails the test).
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

// The tests are included, not linked: hosttest.h keeps the running test's
// verdict in a static, one per translation unit, so a check failing in a
// separately compiled file would never reach ht_run below.
#include "test_fdt_boards.c"
#include "test_fdt_blobs.c"
#include "test_fdt_machine.c"
#include "test_fdt_isa.c"

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
        HT_TEST(test_isa_strings),
        HT_TEST(test_isa_lists),
        HT_TEST(test_visionfive2_vendor),
        HT_TEST(test_monitor_core_reasons),
    };
    if (argc > 1)
        dtb_dir = argv[1];
    return HT_RUN(tests);
}
