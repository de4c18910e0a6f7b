// Small device trees for the dw_mshc host test: one MMC slot node, shaped
// by struct slot, beside a clock controller. It writes the blob itself and
// knows nothing of the driver or of kernel/fdt.c.
#ifndef LAZYOS_DW_SLOT_H
#define LAZYOS_DW_SLOT_H

#include "kernel/types.h"

struct slot {
    const char *compatible;
    uint32 bus_width; // 0: no property
    const char *cd;   // "broken-cd", "cd-gpios" or NULL
    uint32 clock_frequency;
    uint32 assigned_cell, assigned_rate; // clock 1 = biu, 2 = ciu
    uint32 data_addr;                    // ~0: no property
};

// A blob holding /clk (a clock controller, phandle 1) and /mmc@16020000 as
// `s` says, in a calloc'd buffer the caller frees. Not reentrant.
uint8 *slot_tree(const struct slot *s);

// The usual slot: "snps,dw-mshc", 4-bit, broken-cd, no clock properties.
extern const struct slot sd4;

#endif
