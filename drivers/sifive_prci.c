// Reads the SiFive PRCI (FU540/FU740 clock block) to tell a driver the rate
// of its input clock, as the firmware left the PLLs and dividers. Reads
// only: the clocks belong to the firmware. Knows PRCI registers, no device.
#include "kernel/driver.h"
#include "drivers/sifive_prci.h"

// PLL cfg0 fields (the same in every PRCI PLL register).
#define PLL_DIVR(r) ((r)&0x3f)           // reference divider - 1
#define PLL_DIVF(r) (((r) >> 6) & 0x1ff) // feedback multiplier / 2 - 1
#define PLL_DIVQ(r) (((r) >> 15) & 0x7)  // output divider, log2
#define PLL_BYPASS (1U << 24)            // the output is the reference

static uint32
prci_mmio_read32(uint64 addr)
{
    return *(volatile uint32 *)addr;
}

static const struct prci_mmio_ops prci_mmio = {
    .read32 = prci_mmio_read32,
};

uint64
prci_pll_hz(uint32 cfg0, uint64 ref)
{
    // Internal feedback, the only mode the firmware uses: the VCO runs at
    // ref / (divr + 1) * 2 * (divf + 1), the output at that / 2^divq.
    if (cfg0 & PLL_BYPASS)
        return ref;
    return ref * 2 * (PLL_DIVF(cfg0) + 1) / (PLL_DIVR(cfg0) + 1) >>
           PLL_DIVQ(cfg0);
}

// One mapped PRCI and the rate of its hfclk input.
struct prci {
    const struct prci_mmio_ops *io;
    uint64 base;
    uint64 hfclk;
};

static uint32
prci_reg(const struct prci *p, uint32 off)
{
    return p->io->read32(p->base + off);
}

// The core clock: hfclk while the PLL is bypassed (QEMU's reset state),
// else the core PLL, which on the FU740 may be the DVFS one.
static uint64
prci_core_hz(const struct prci *p, int fu740)
{
    uint32 pll = PRCI_COREPLLCFG0;

    if (prci_reg(p, PRCI_CORECLKSEL) & 1)
        return p->hfclk;
    if (fu740 && (prci_reg(p, PRCI_COREPLLSEL) & 1))
        pll = PRCI_DVFSCOREPLLCFG0;
    return prci_pll_hz(prci_reg(p, pll), p->hfclk);
}

// Clock `index` of a PRCI, 0 if not one we know.
static uint64
prci_output_hz(const struct prci *p, int fu740, uint32 index)
{
    uint64 src;

    if (index == (fu740 ? FU740_PRCI_TLCLK : FU540_PRCI_TLCLK))
        return prci_core_hz(p, fu740) /
               ((prci_reg(p, PRCI_CLKMUXSTATUS) & 2) ? 1 : 2);
    if (fu740 && index == FU740_PRCI_PCLK) {
        src = (prci_reg(p, PRCI_HFPCLKPLLSEL) & 1)
                  ? p->hfclk
                  : prci_pll_hz(prci_reg(p, PRCI_HFPCLKPLLCFG0), p->hfclk);
        return src / (prci_reg(p, PRCI_HFPCLKPLLDIV) + 2);
    }
    return 0;
}

// The clock-frequency of the fixed-clock that `node`'s first `clocks`
// entry names; 0 if it is none.
static uint64
prci_fixed_hz(const struct fdt *f, int node)
{
    int len, clk;
    const void *p = fdt_getprop(f, node, "clocks", &len);

    if (p == NULL || len < 4 ||
        (clk = fdt_find_phandle(f, fdt_be32(p))) == FDT_NONE)
        return 0;
    return fdt_getprop_u32(f, clk, "clock-frequency", 0);
}

uint32
prci_clock_hz(const struct fdt *f, int node, const struct prci_mmio_ops *io,
              const char **where)
{
    int len, ctl, fu740;
    const uint8 *cells = fdt_getprop(f, node, "clocks", &len);
    struct prci p = {io ? io : &prci_mmio, 0, 0};
    uint64 pa, size, hz;

    *where = "fixed-clock";
    if ((hz = prci_fixed_hz(f, node)) != 0 || cells == NULL || len < 8)
        return hz;
    if ((ctl = fdt_find_phandle(f, fdt_be32(cells))) == FDT_NONE)
        return 0;
    fu740 = fdt_is_compatible(f, ctl, "sifive,fu740-c000-prci");
    if (!fu740 && !fdt_is_compatible(f, ctl, "sifive,fu540-c000-prci"))
        return 0;
    // The PRCI's own first input is hfclk, the crystal every PLL divides.
    p.hfclk = prci_fixed_hz(f, ctl);
    if (p.hfclk == 0 || fdt_reg(f, ctl, 0, &pa, &size) < 0)
        return 0;
    p.base = kvm_map_device(pa, size);
    *where = "prci";
    hz = prci_output_hz(&p, fu740, fdt_be32(cells + 4));
    return hz > 0xffffffffUL ? 0 : hz;
}
