// The test_spi_clock program: the SiFive SPI controller's input clock as
// drivers/sifive_prci.c reads it from the PRCI registers named by the real
// trees (HiFive Unmatched pclk, Unleashed and QEMU sifive_u tlclk), and the
// SCK divider drivers/spi_sifive.c derives from it. Usage: test_spi_clock
// [DTB_DIR]; cases needing a tree skip without it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "kernel_stubs.h"
#include "drivers/spi_sifive.c" // reaches its static sspi_set_speed()

static const char *dtb_dir = "../shared/dtb";
static struct fdt tree;
static uint8 *blob;

// PLL cfg0 words: divr, divf, divq as the register packs them.
#define PLL(r, f, q) ((r) | (f) << 6 | (q) << 15)
// QEMU sifive_u's PRCI at reset: core PLL 1/31/3, core clock from hfclk.
#define QEMU_COREPLL (PLL(1, 31, 3) | 1U << 25 | 1U << 31)

// The PRCI model: kvm_map_device (kernel_stubs.c) hands out plain_regs.
static uint32
model_read32(uint64 addr)
{
    return *(volatile uint32 *)addr;
}
static const struct prci_mmio_ops model_io = {.read32 = model_read32};

static void
set_reg(uint32 off, uint32 val)
{
    plain_regs[off / 4] = val;
}

// Loads DIR/name and returns the node at path, or FDT_NONE (blob NULL:
// the file is missing).
static int
load(const char *name, const char *path)
{
    char file[512];
    FILE *fp;
    long n;

    free(blob);
    blob = NULL;
    snprintf(file, sizeof file, "%s/%s", dtb_dir, name);
    if ((fp = fopen(file, "rb")) == NULL)
        return FDT_NONE;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    rewind(fp);
    blob = malloc(n);
    if (fread(blob, 1, n, fp) != (size_t)n || fdt_init(&tree, blob) < 0) {
        fclose(fp);
        return FDT_NONE;
    }
    fclose(fp);
    memset(plain_regs, 0, sizeof plain_regs);
    mapped_pa = mapped_size = 0;
    return fdt_find_path(&tree, path);
}

static uint32
rate(int node, const char **where)
{
    return prci_clock_hz(&tree, node, &model_io, where);
}

// The WRPLL formula on its own: 26 MHz * 2 * 40 / 1 / 8 = 260 MHz.
static void
test_pll_formula(void)
{
    CHECK_EQ(prci_pll_hz(PLL(0, 39, 3), 26000000), 260000000);
    CHECK_EQ(prci_pll_hz(PLL(1, 31, 3), 33333333), 133333332);
    CHECK_EQ(prci_pll_hz(PLL(1, 31, 3) | 1U << 24, 33333333), 33333333);
}

// Unmatched: spi0 runs on pclk = hfpclkpll / (div + 2), hfclk 26 MHz. A
// running board's hfpclkpll of 260 MHz and div 0 give 130 MHz.
static void
test_unmatched_pclk(void)
{
    int node = load("hifive-unmatched.dtb", "/soc/spi@10050000");
    const char *where = "";

    if (blob == NULL)
        SKIP("hifive-unmatched.dtb not found");
    if (!CHECK(node != FDT_NONE))
        return;
    set_reg(PRCI_HFPCLKPLLCFG0, PLL(0, 39, 3));
    CHECK_EQ(rate(node, &where), 130000000);
    CHECK_STR(where, "prci");
    CHECK_EQ(mapped_pa, 0x10000000);
    set_reg(PRCI_HFPCLKPLLDIV, 3); // 260 MHz / 5
    CHECK_EQ(rate(node, &where), 52000000);
    set_reg(PRCI_HFPCLKPLLSEL, 1); // the mux takes hfclk itself
    CHECK_EQ(rate(node, &where), 26000000 / 5);
}

// QEMU sifive_u at reset: the core runs on hfclk (33.33 MHz), tlclk is
// half of it. Once the core PLL drives it: 133.33 MHz, tlclk 66.67 MHz.
static void
test_qemu_sifive_u_tlclk(void)
{
    int node = load("qemu-sifive-u.dtb", "/soc/spi@10050000");
    const char *where = "";

    if (blob == NULL)
        SKIP("qemu-sifive-u.dtb not found");
    if (!CHECK(node != FDT_NONE))
        return;
    set_reg(PRCI_COREPLLCFG0, QEMU_COREPLL);
    set_reg(PRCI_CORECLKSEL, 1);
    CHECK_EQ(rate(node, &where), 33333333 / 2);
    set_reg(PRCI_CORECLKSEL, 0);
    CHECK_EQ(rate(node, &where), 133333332 / 2);
    CHECK_STR(where, "prci");
}

// The Unleashed tree (the board sifive_u models), tlclk muxed to the full
// core clock (CLKMUXSTATUS bit 1).
static void
test_unleashed_tlclk_full(void)
{
    int node = load("hifive-unleashed.dtb", "/soc/spi@10050000");
    const char *where = "";

    if (blob == NULL)
        SKIP("hifive-unleashed.dtb not found");
    if (!CHECK(node != FDT_NONE))
        return;
    set_reg(PRCI_COREPLLCFG0, PLL(0, 59, 2)); // 33.33 * 120 / 4 = 1 GHz
    set_reg(PRCI_CLKMUXSTATUS, 2);
    CHECK_EQ(rate(node, &where), 999999990);
}

// A clock this code does not know (the Unmatched PRCI's ddrpll, clock 1)
// gives 0, so the driver falls back to its stated assumption.
static void
test_unknown_output(void)
{
    int node = load("hifive-unmatched.dtb", "/soc/spi@10050000");
    uint8 *cells;
    const char *where = "";
    int len;

    if (blob == NULL)
        SKIP("hifive-unmatched.dtb not found");
    cells = (uint8 *)fdt_getprop(&tree, node, "clocks", &len);
    if (!CHECK(cells != NULL && len == 8))
        return;
    cells[7] = 1;
    CHECK_EQ(rate(node, &where), 0);
}

// The divider spi_sifive.c sets from a 130 MHz pclk: at most 400 kHz while
// identifying, then the slot's 20 MHz limit: 130 / (2 * 4) = 16.25 MHz.
static void
test_sck_divider(void)
{
    static uint32 spi_regs[0x80 / 4];
    // Plain memory behind base, reached as the driver reaches MMIO.
    struct sspi s = {.io = &sspi_mmio,
                     .base = (uint64)spi_regs,
                     .in_hz = 130000000,
                     .max_hz = 20000000};

    CHECK_EQ(sspi_set_speed(&s, 400000), 130000000 / (2 * 163));
    CHECK_EQ(spi_regs[SSPI_SCKDIV / 4], 162);
    CHECK_EQ(sspi_set_speed(&s, 25000000), 16250000);
    CHECK_EQ(spi_regs[SSPI_SCKDIV / 4], 3);
    s.in_hz = 0; // unknown: the assumption, never faster than asked
    CHECK(sspi_set_speed(&s, 25000000) <= 20000000);
}

int
main(int argc, char **argv)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_pll_formula),         HT_TEST(test_unmatched_pclk),
        HT_TEST(test_qemu_sifive_u_tlclk), HT_TEST(test_unleashed_tlclk_full),
        HT_TEST(test_unknown_output),      HT_TEST(test_sck_divider),
    };
    int r;

    if (argc > 1)
        dtb_dir = argv[1];
    r = HT_RUN(tests);
    free(blob);
    return r;
}
