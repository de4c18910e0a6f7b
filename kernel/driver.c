// Matching device-tree nodes to the drivers this board was built with, and
// the power-off hook. The kernel learns of devices only through the ops
// tables drivers register (driver.h).
#include "types.h"
#include "fdt.h"
#include "driver.h"
#include "printf.h"
#include "sbi.h"
#include "power.h"

static const struct driver *
match(const struct fdt *f, int node)
{
    for (const struct driver *const *d = driver_table; *d; d++)
        for (const char *const *c = (*d)->compatible; *c; c++)
            if (fdt_is_compatible(f, node, *c))
                return *d;
    return 0;
}

static void
probe_pass(const struct fdt *f, int controllers)
{
    for (int n = fdt_next_node(f, FDT_NONE); n != FDT_NONE;
         n = fdt_next_node(f, n)) {
        int is_ctrl = fdt_getprop(f, n, "interrupt-controller", 0) != 0;
        if (is_ctrl != controllers || !fdt_is_okay(f, n))
            continue;
        const struct driver *d = match(f, n);
        if (d && d->probe(f, n) == 0)
            printf("%s: %s\n", d->name, fdt_node_name(f, n));
    }
}

void
driver_probe_all(const struct fdt *f)
{
    // Interrupt controllers first, so that devices find one to route to.
    probe_pass(f, 1);
    probe_pass(f, 0);
}

static void (*poweroff_fn)(void *dev, int code);
static void *poweroff_dev;

void
poweroff_register(void (*fn)(void *dev, int code), void *dev)
{
    poweroff_fn = fn;
    poweroff_dev = dev;
}

void
machine_poweroff(int code)
{
    if (poweroff_fn)
        poweroff_fn(poweroff_dev, code);
    sbi_shutdown();
}
