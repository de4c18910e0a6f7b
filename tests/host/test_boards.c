// Which driver each board's kernel would bind to which device-tree node:
// kernel/driver.c's real matching and probe order, the real compatible
// lists of drivers/*.c, each board's DRIVERS list read from its board.mk,
// and the real trees in ../shared/dtb/ (skipped when absent).
// usage: test_boards [DTB_DIR]
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "kernel/driver.h"
#include "kernel/fdt.h"
#include "kernel/machine.h"

extern const struct driver plic_driver, uart_ns16550_driver,
    virtio_mmio_blk_driver, sifive_test_driver, uart_sifive_driver,
    spi_sifive_driver, dw_mshc_driver;

static const struct {
    const char *name;
    const struct driver *drv;
} known[] = {
    {"plic", &plic_driver},
    {"uart_ns16550", &uart_ns16550_driver},
    {"virtio_mmio_blk", &virtio_mmio_blk_driver},
    {"sifive_test", &sifive_test_driver},
    {"uart_sifive", &uart_sifive_driver},
    {"spi_sifive", &spi_sifive_driver},
    {"dw_mshc", &dw_mshc_driver},
};

// ---- what driver.c links against ----
// driver.c walks driver_table; its entries are fixed, the wrappers behind
// them are refilled per board (an unused slot matches nothing).
#define MAX_BOUND 64
#define SLOTS 16
static const char *const no_compat[] = {0};
static struct driver wrapped[SLOTS];
const struct driver *const driver_table[SLOTS + 1] = {
    &wrapped[0],  &wrapped[1],  &wrapped[2],  &wrapped[3],
    &wrapped[4],  &wrapped[5],  &wrapped[6],  &wrapped[7],
    &wrapped[8],  &wrapped[9],  &wrapped[10], &wrapped[11],
    &wrapped[12], &wrapped[13], &wrapped[14], &wrapped[15], 0};
static struct {
    const char *driver;
    uint64 addr;
} bound[MAX_BOUND];
static int nbound;

static int
record(const struct fdt *f, int node)
{
    // Which wrapper is calling is not passed: find it by matching again.
    for (int i = 0; i < SLOTS; i++)
        for (const char *const *c = wrapped[i].compatible; *c; c++)
            if (fdt_is_compatible(f, node, *c) && nbound < MAX_BOUND) {
                uint64 a = 0;
                fdt_reg(f, node, 0, &a, 0);
                bound[nbound].driver = wrapped[i].name;
                bound[nbound++].addr = a;
                return 0;
            }
    return -1;
}

// The real probes never run here; these only satisfy the linker.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define NEVER(decl) decl { abort(); }
struct spinlock;
NEVER(void sbi_shutdown(void))
NEVER(uint64 kvm_map_device(uint64 pa, uint64 size))
NEVER(void irqchip_register(const struct irqchip_ops *o, void *d))
NEVER(int irq_register(uint irq, void (*fn)(void *), void *arg))
NEVER(void console_register(const struct console_ops *o, void *d, int n))
NEVER(void console_intr(int c))
NEVER(int console_rx_room(void))
NEVER(void console_rx_stall(const struct console_ops *o, void *d))
NEVER(void blkdev_register(const struct blk_ops *o, void *d, uint64 n,
                           const char *name))
NEVER(void initlock(struct spinlock *lk, const char *name))
NEVER(void acquire(struct spinlock *lk))
NEVER(void release(struct spinlock *lk))
NEVER(void sleep(void *chan, struct spinlock *lk))
NEVER(void wakeup(void *chan))
NEVER(char *safestrcpy(char *d, const char *s, int n))

// Loads a board's DRIVERS list from boards/<b>/board.mk into table[].
static int
load_board(const char *board)
{
    char path[256], line[512];
    snprintf(path, sizeof(path), "boards/%s/board.mk", board);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    int n = 0;
    for (int i = 0; i < SLOTS; i++) {
        wrapped[i].name = "unused";
        wrapped[i].compatible = no_compat;
        wrapped[i].probe = record;
    }
    while (fgets(line, sizeof(line), fp)) {
        if (strncmp(line, "DRIVERS", 7) != 0 || !strstr(line, ":="))
            continue;
        for (char *w = strtok(strstr(line, ":=") + 2, " \t\n"); w;
             w = strtok(0, " \t\n")) {
            for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
                if (strcmp(known[k].name, w) == 0 && n < SLOTS) {
                    wrapped[n] = *known[k].drv;
                    wrapped[n].probe = record;
                    n++;
                }
        }
    }
    fclose(fp);
    return n;
}

static const char *dtb_dir = "../shared/dtb";

static void *
load_dtb(const char *name, struct fdt *f)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dtb_dir, name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    if (n < 64 || fdt_init(f, buf) < 0)
        return 0;
    return buf;
}

static int
has(const char *driver, uint64 addr)
{
    for (int i = 0; i < nbound; i++)
        if (strcmp(bound[i].driver, driver) == 0 && bound[i].addr == addr)
            return 1;
    return 0;
}

// Probes `board` against `dtb`; returns 0 when the tree is absent.
static int
probe_board(const char *board, const char *dtb, struct fdt *f)
{
    nbound = 0;
    CHECK(load_board(board) > 0);
    if (!load_dtb(dtb, f))
        return 0;
    driver_probe_all(f);
    // Interrupt controllers are probed before everything else.
    CHECK(nbound > 0 && strcmp(bound[0].driver, "plic") == 0);
    return 1;
}

static void
test_qemu_virt(void)
{
    struct fdt f;
    if (!probe_board("qemu-virt", "qemu-virt.dtb", &f))
        SKIP("no qemu-virt.dtb");
    CHECK(has("plic", 0x0c000000));
    CHECK(has("uart_ns16550", 0x10000000));
    CHECK(has("sifive_test", 0x100000));
    for (uint64 a = 0x10001000; a <= 0x10008000; a += 0x1000)
        CHECK(has("virtio_mmio_blk", a));
}

static void
test_qemu_sifive_u(void)
{
    struct fdt f;
    if (!probe_board("qemu-sifive-u", "qemu-sifive-u.dtb", &f))
        SKIP("no qemu-sifive-u.dtb");
    CHECK(has("plic", 0x0c000000));
    CHECK(has("uart_sifive", 0x10010000));
    CHECK(has("spi_sifive", 0x10050000));
}

static void
test_hifive_unmatched(void)
{
    struct fdt f;
    if (!probe_board("hifive-unmatched", "hifive-unmatched.dtb", &f))
        SKIP("no hifive-unmatched.dtb");
    CHECK(has("plic", 0x0c000000));
    CHECK(has("uart_sifive", 0x10010000));
    CHECK(has("spi_sifive", 0x10050000));
    struct machine m;
    CHECK_EQ(machine_from_fdt(&f, &m), 0);
    // The console the tree names is one this board's drivers serve.
    uint64 a = 0;
    CHECK_EQ(fdt_reg(&f, m.stdout_node, 0, &a, 0), 0);
    CHECK(has("uart_sifive", a));
}

static void
test_visionfive2(void)
{
    struct fdt f;
    if (!probe_board("visionfive2", "visionfive2.dtb", &f))
        SKIP("no visionfive2.dtb");
    CHECK(has("plic", 0x0c000000));
    CHECK(has("uart_ns16550", 0x10000000));
    CHECK(has("dw_mshc", 0x16020000)); // the SD slot (mmc1)
    struct machine m;
    CHECK_EQ(machine_from_fdt(&f, &m), 0);
    uint64 a = 0;
    CHECK_EQ(fdt_reg(&f, m.stdout_node, 0, &a, 0), 0);
    CHECK(has("uart_ns16550", a));
}

int
main(int argc, char **argv)
{
    if (argc > 1)
        dtb_dir = argv[1];
    static const struct ht_test tests[] = {
        HT_TEST(test_qemu_virt),
        HT_TEST(test_qemu_sifive_u),
        HT_TEST(test_hifive_unmatched),
        HT_TEST(test_visionfive2),
    };
    return HT_RUN(tests);
}
