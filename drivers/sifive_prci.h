// Clock rates of the SiFive PRCI (FU540, FU740), read from its PLL, mux and
// divider registers, for drivers whose tree names a PRCI output as their
// `clocks`. Shared with the host test, which stands a model behind io.
#ifndef LAZYOS_SIFIVE_PRCI_H
#define LAZYOS_SIFIVE_PRCI_H

#include "kernel/types.h"
#include "kernel/fdt.h"

// PRCI register offsets (all 32 bits; the FU740 adds the last five).
#define PRCI_COREPLLCFG0 0x04
#define PRCI_CORECLKSEL 0x24   // bit 0: core clock from hfclk, not a PLL
#define PRCI_CLKMUXSTATUS 0x2c // bit 1: tlclk = core clock, else half
#define PRCI_DVFSCOREPLLCFG0 0x38
#define PRCI_COREPLLSEL 0x40 // bit 0: the core PLL is dvfscorepll
#define PRCI_HFPCLKPLLCFG0 0x50
#define PRCI_HFPCLKPLLSEL 0x58 // bit 0: hfpclk from hfclk, not its PLL
#define PRCI_HFPCLKPLLDIV 0x5c // pclk = hfpclk / (div + 2)

// The clock numbers of the trees' `clocks = <&prci N>` (dt-bindings
// sifive-fu540-prci.h and sifive-fu740-prci.h).
#define FU540_PRCI_TLCLK 3
#define FU740_PRCI_TLCLK 6
#define FU740_PRCI_PCLK 7

// How PRCI registers are read: real MMIO in the kernel, a model in tests.
struct prci_mmio_ops {
    uint32 (*read32)(uint64 addr);
};

// Rate in Hz of the clock that `node`'s first `clocks` entry names: a
// fixed-clock's clock-frequency, or a PRCI output computed from the
// registers (mapped with kvm_map_device, read through io; NULL: MMIO).
// Where names what gave the rate ("prci", "fixed-clock"). Returns 0 when
// the tree names no clock or one this code does not know. Boot hart.
uint32 prci_clock_hz(const struct fdt *f, int node,
                     const struct prci_mmio_ops *io, const char **where);

// Output of a PRCI PLL (WRPLL) whose cfg0 register reads cfg0, fed ref Hz.
uint64 prci_pll_hz(uint32 cfg0, uint64 ref);

#endif
