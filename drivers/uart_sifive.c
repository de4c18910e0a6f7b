// SiFive UARTs (FU540, FU740, QEMU sifive_u): polled output, interrupt-
// driven input. Knows its seven registers and driver.h's console/irq hooks;
// which UART is the console is the kernel's call.
#include "kernel/driver.h"
#include "kernel/printf.h"

// Register offsets; every register is 32 bits wide. Not used: ip (0x14)
// and div (0x18, baud = f_in / (div + 1)), which the firmware has set.
#define SUART_TXDATA 0x00 // write: byte to send; read: bit 31 = FIFO full
#define SUART_RXDATA 0x04 // read pops: bit 31 = empty, else the byte
#define SUART_TXCTRL 0x08
#define SUART_RXCTRL 0x0c
#define SUART_IE 0x10

#define SUART_FULL (1U << 31)
#define SUART_EMPTY (1U << 31)
#define SUART_TXEN 0x1
#define SUART_RXEN 0x1
#define SUART_CNT_MASK (0x7U << 16) // txcnt/rxcnt: watermark levels
#define SUART_RX_BURST 256          // bytes drained per interrupt at most
#define SUART_IE_RXWM 0x2           // pending while rx entries > rxcnt

#define SUART_MAX 4
// Polls of a full transmit FIFO before a byte is dropped: at 115200 baud
// the FIFO drains a byte every 87 us, far sooner than this. A wedged UART
// then costs lost output instead of a hung kernel.
#define SUART_TX_SPINS 10000000

// How registers are reached: real MMIO here; a host test passes a model.
struct suart_mmio_ops {
    uint32 (*read32)(uint64 addr);
    void (*write32)(uint64 addr, uint32 val);
};

struct suart {
    const struct suart_mmio_ops *io;
    uint64 base; // virtual address of the registers
};

static struct suart suarts[SUART_MAX];
static int nsuarts;

static uint32
suart_mmio_read32(uint64 addr)
{
    return *(volatile uint32 *)addr;
}

static void
suart_mmio_write32(uint64 addr, uint32 val)
{
    *(volatile uint32 *)addr = val;
}

static const struct suart_mmio_ops suart_mmio = {
    .read32 = suart_mmio_read32,
    .write32 = suart_mmio_write32,
};

// The only register access in this file.
static uint32
suart_read(const struct suart *u, uint32 off)
{
    return u->io->read32(u->base + off);
}

static void
suart_write(const struct suart *u, uint32 off, uint32 val)
{
    u->io->write32(u->base + off, val);
}

static void
suart_putc(void *dev, int c)
{
    const struct suart *u = dev;

    for (int i = 0; i < SUART_TX_SPINS; i++) {
        if ((suart_read(u, SUART_TXDATA) & SUART_FULL) == 0) {
            suart_write(u, SUART_TXDATA, (uint8)c);
            return;
        }
    }
}

static int
suart_getc(void *dev)
{
    // One read both tests for data and pops it: a second read would lose
    // the byte the first one returned.
    uint32 r = suart_read(dev, SUART_RXDATA);

    if (r & SUART_EMPTY)
        return -1;
    return r & 0xff;
}

static const struct console_ops suart_console_ops;

static void
suart_intr(void *dev)
{
    int c;

    // rxwm stays pending until the FIFO is at the watermark (empty). A
    // bounded drain: a wedged UART that never reads empty must not hold
    // the hart in interrupt context for ever; it interrupts again.
    // Flow control: with the console's ring full, bytes stay in the FIFO
    // (and the sender waits) rather than being read and dropped.
    for (int i = 0; i < SUART_RX_BURST && console_rx_room() > 0 &&
                    (c = suart_getc(dev)) >= 0;
         i++)
        console_intr(c);
    if (console_rx_room() <= 0) {
        suart_write(dev, SUART_IE, 0);
        console_rx_stall(&suart_console_ops, dev);
    }
}

static void
suart_rx_resume(void *dev)
{
    suart_write(dev, SUART_IE, SUART_IE_RXWM);
}

static const struct console_ops suart_console_ops = {
    .putc = suart_putc,
    .getc = suart_getc,
    .rx_resume = suart_rx_resume,
};

// Enables both directions and, with an interrupt, receive interrupts at
// one byte; then offers the UART as a console. The divisor stays as the
// firmware set it: only the firmware knows the input clock for sure.
static void
suart_start(struct suart *u, int irq, int node)
{
    suart_write(u, SUART_TXCTRL, suart_read(u, SUART_TXCTRL) | SUART_TXEN);
    suart_write(u, SUART_RXCTRL,
                (suart_read(u, SUART_RXCTRL) & ~SUART_CNT_MASK) | SUART_RXEN);
    if (irq > 0) {
        irq_register(irq, suart_intr, u);
        suart_write(u, SUART_IE, SUART_IE_RXWM);
    } else {
        suart_write(u, SUART_IE, 0);
    }
    console_register(&suart_console_ops, u, node);
}

static int
suart_probe(const struct fdt *f, int node)
{
    uint64 pa, size;
    struct suart *u;

    if (nsuarts == SUART_MAX) {
        printf("%s: more than %d UARTs\n", fdt_node_name(f, node), SUART_MAX);
        return -1;
    }
    if (fdt_reg(f, node, 0, &pa, &size) < 0) {
        printf("%s: no reg\n", fdt_node_name(f, node));
        return -1;
    }
    u = &suarts[nsuarts++];
    u->io = &suart_mmio;
    u->base = kvm_map_device(pa, size);
    suart_start(u, fdt_irq(f, node), node);
    return 0;
}

static const char *const suart_compatible[] = {
    "sifive,uart0",
    "sifive,fu740-c000-uart",
    "sifive,fu540-c000-uart",
    NULL,
};

// SiFive UART driver; probe registers a console per UART and its receive
// interrupt when the node has one.
const struct driver uart_sifive_driver = {
    .name = "uart_sifive",
    .compatible = suart_compatible,
    .probe = suart_probe,
};
