// Device interrupts: a table from interrupt number to handler, and the one
// interrupt controller (PLIC) a driver registered to deliver them.
#include "types.h"
#include "param.h"
#include "proc.h"
#include "driver.h"
#include "printf.h"
#include "trap.h"

#define MAX_IRQ_HANDLERS 16

static struct {
    uint irq;
    void (*fn)(void *arg);
    void *arg;
} handlers[MAX_IRQ_HANDLERS];
static int nhandlers;

static const struct irqchip_ops *chip;
static void *chip_dev;

void
irqchip_register(const struct irqchip_ops *ops, void *dev)
{
    if (chip == 0) {
        chip = ops;
        chip_dev = dev;
    }
}

int
irq_register(uint irq, void (*fn)(void *arg), void *arg)
{
    if (chip == 0)
        return -1;
    // Only the boot hart registers, before the other harts start.
    if (nhandlers == MAX_IRQ_HANDLERS)
        panic("irq_register: table full");
    handlers[nhandlers].irq = irq;
    handlers[nhandlers].fn = fn;
    handlers[nhandlers].arg = arg;
    nhandlers++;
    return 0;
}

void
irq_enable_all(void)
{
    if (chip == 0) {
        printf("irq: no interrupt controller; devices will not interrupt\n");
        return;
    }
    for (int i = 0; i < nhandlers; i++)
        chip->enable(chip_dev, handlers[i].irq);
}

void
irq_init_hart(void)
{
    if (chip)
        chip->hart_init(chip_dev, mycpu()->hartid);
}

void
irq_dispatch(void)
{
    if (chip == 0)
        return;
    uint32 hartid = mycpu()->hartid;
    uint irq = chip->claim(chip_dev, hartid);
    if (irq == 0)
        return; // another hart claimed it first
    int handled = 0;
    for (int i = 0; i < nhandlers; i++) {
        if (handlers[i].irq == irq) {
            handlers[i].fn(handlers[i].arg);
            handled = 1;
        }
    }
    if (!handled)
        printf("irq: unexpected interrupt %d\n", irq);
    chip->complete(chip_dev, hartid, irq);
}
