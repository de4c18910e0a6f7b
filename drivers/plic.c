// RISC-V PLIC: routes device interrupt sources to each hart's S-mode context.
// Knows the PLIC register map and how the tree names contexts; nothing about
// the devices behind it or about trap handling.
#include "kernel/driver.h"
#include "kernel/klib.h"
#include "kernel/printf.h"

// Register map (PLIC spec, "riscv,plic0"); all registers are 32 bits.
#define PLIC_PRIORITY 0x0  // + 4 * source
#define PLIC_ENABLE 0x2000 // + 0x80 * context: one bit per source
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT 0x200000 // + 0x1000 * context
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_THRESHOLD 0x0 // within a context's block
#define PLIC_CLAIM 0x4     // read claims, write completes

#define PLIC_MAX_SOURCE 1023
#define PLIC_MAX_HARTS 16
#define CAUSE_S_EXTERNAL 9 // interrupts-extended cause of an S-mode context

struct plic_ctx {
    uint32 hartid;
    uint32 ctx;
};

struct plic {
    uint64 base; // virtual address of the registers
    uint32 ndev; // sources are 1..ndev
    int nctx;
    struct plic_ctx ctx[PLIC_MAX_HARTS]; // S-mode context of each hart
};

// One PLIC per machine on every board we know.
static struct plic plic;

static inline uint32
plic_read(const struct plic *p, uint64 off)
{
    return *(volatile uint32 *)(p->base + off);
}

static inline void
plic_write(const struct plic *p, uint64 off, uint32 val)
{
    *(volatile uint32 *)(p->base + off) = val;
}

// Offset of the threshold register of hart's S context, or 0 if it has none.
static uint64
plic_context_regs(const struct plic *p, uint32 hartid)
{
    for (int i = 0; i < p->nctx; i++)
        if (p->ctx[i].hartid == hartid)
            return PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * (uint64)p->ctx[i].ctx;
    return 0;
}

// Priority 1 (above threshold 0) and the enable bit in every S context.
// Called only while probing drivers, on the boot hart: no lock.
static void
plic_enable(void *dev, uint irq)
{
    struct plic *p = dev;
    uint64 off;

    if (irq == 0 || irq > p->ndev) {
        printf("plic: no interrupt source %u\n", irq);
        return;
    }
    plic_write(p, PLIC_PRIORITY + 4 * (uint64)irq, 1);
    for (int i = 0; i < p->nctx; i++) {
        off = PLIC_ENABLE + PLIC_ENABLE_STRIDE * (uint64)p->ctx[i].ctx +
              4 * (uint64)(irq / 32);
        plic_write(p, off, plic_read(p, off) | (1U << (irq % 32)));
    }
}

static void
plic_hart_init(void *dev, uint32 hartid)
{
    struct plic *p = dev;
    uint64 regs = plic_context_regs(p, hartid);

    if (regs == 0) {
        printf("plic: hart %u has no S-mode context\n", hartid);
        return;
    }
    plic_write(p, regs + PLIC_THRESHOLD, 0);
}

static uint
plic_claim(void *dev, uint32 hartid)
{
    struct plic *p = dev;
    uint64 regs = plic_context_regs(p, hartid);

    return regs ? plic_read(p, regs + PLIC_CLAIM) : 0;
}

static void
plic_complete(void *dev, uint32 hartid, uint irq)
{
    struct plic *p = dev;
    uint64 regs = plic_context_regs(p, hartid);

    if (regs)
        plic_write(p, regs + PLIC_CLAIM, irq);
}

static const struct irqchip_ops plic_ops = {
    .enable = plic_enable,
    .hart_init = plic_hart_init,
    .claim = plic_claim,
    .complete = plic_complete,
};

// Records the S context of each hart under /cpus (the first PLIC_MAX_HARTS
// that have one; the S7/E51 monitor cores have none). Returns the highest
// context recorded, or -1.
static int
plic_find_contexts(const struct fdt *f, int node, struct plic *p)
{
    int cpus = fdt_find_path(f, "/cpus");
    int maxctx = -1, ctx;
    const char *type;
    uint64 hartid, unused;

    p->nctx = 0;
    if (cpus == FDT_NONE)
        return -1;
    for (int c = fdt_first_child(f, cpus); c != FDT_NONE;
         c = fdt_next_sibling(f, c)) {
        type = fdt_getprop(f, c, "device_type", NULL);
        if (type == NULL || strcmp(type, "cpu") != 0 ||
            fdt_reg(f, c, 0, &hartid, &unused) < 0)
            continue;
        ctx = fdt_irq_context(f, node, hartid, CAUSE_S_EXTERNAL);
        if (ctx < 0 || p->nctx == PLIC_MAX_HARTS)
            continue;
        p->ctx[p->nctx].hartid = hartid;
        p->ctx[p->nctx].ctx = ctx;
        p->nctx++;
        if (ctx > maxctx)
            maxctx = ctx;
    }
    return maxctx;
}

static int
plic_probe(const struct fdt *f, int node)
{
    const char *name = fdt_node_name(f, node);
    uint64 pa, size, need;
    int maxctx;

    if (plic.base != 0) {
        printf("%s: a second PLIC is not supported\n", name);
        return -1;
    }
    if (fdt_reg(f, node, 0, &pa, &size) < 0) {
        printf("%s: no reg\n", name);
        return -1;
    }
    plic.ndev = fdt_getprop_u32(f, node, "riscv,ndev", 0);
    if (plic.ndev == 0 || plic.ndev > PLIC_MAX_SOURCE) {
        printf("%s: bad riscv,ndev %u\n", name, plic.ndev);
        return -1;
    }
    maxctx = plic_find_contexts(f, node, &plic);
    if (maxctx < 0) {
        printf("%s: no S-mode context for any hart\n", name);
        return -1;
    }
    // Map only up to the last context we use: the JH7110 PLIC spans 64 MiB.
    need = PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * (uint64)(maxctx + 1);
    if (need > size) {
        printf("%s: reg too small for context %d\n", name, maxctx);
        return -1;
    }
    plic.base = kvm_map_device(pa, need);
    // Priority 0 never interrupts: every source stays off until enable().
    for (uint32 i = 1; i <= plic.ndev; i++)
        plic_write(&plic, PLIC_PRIORITY + 4 * (uint64)i, 0);
    irqchip_register(&plic_ops, &plic);
    return 0;
}

static const char *const plic_compatible[] = {
    "riscv,plic0",
    "sifive,plic-1.0.0",
    NULL,
};

// PLIC driver; probe registers the machine's interrupt controller.
const struct driver plic_driver = {
    .name = "plic",
    .compatible = plic_compatible,
    .probe = plic_probe,
};
