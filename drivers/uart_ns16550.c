// ns16550-style UARTs (QEMU virt's ns16550a, the JH7110's DesignWare UART):
// polled output, interrupt-driven input. Knows its registers and driver.h's
// console/irq hooks; which UART is the console is the kernel's call.
#include "kernel/driver.h"
#include "kernel/printf.h"

// Register numbers; register n lives at base + (n << reg-shift).
#define UART_RBR 0 // receive buffer (read, DLAB 0)
#define UART_THR 0 // transmit holding (write, DLAB 0)
#define UART_DLL 0 // divisor latch low (DLAB 1)
#define UART_IER 1 // interrupt enable (DLAB 0)
#define UART_DLM 1 // divisor latch high (DLAB 1)
#define UART_IIR 2 // interrupt identification (read)
#define UART_FCR 2 // FIFO control (write)
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_USR 31 // DesignWare UART status

#define IER_RX_AVAIL 0x01
#define IIR_ID_MASK 0x0f
#define IIR_BUSY_DETECT 0x07 // DesignWare: LCR written while busy
#define FCR_FIFO_ENABLE 0x01
#define FCR_RX_RESET 0x02
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define MCR_OUT2 0x08 // gates the interrupt line on PC-style 16550s
#define LSR_DR 0x01   // a received byte is waiting
#define LSR_THRE 0x20 // room in the transmit FIFO
#define USR_BUSY 0x01

#define UART_MAX 4
#define UART_DEFAULT_BAUD 115200
// Polls of USR before an LCR write goes ahead anyway (a peer that keeps
// sending keeps a DesignWare UART busy; a lost LCR write beats a hung boot).
#define UART_BUSY_SPINS 100000
// Polls of LSR before a byte is dropped: a FIFO drains far sooner at any
// usual baud rate, so only a wedged UART gets here, and lost output beats
// a hung kernel.
#define UART_TX_SPINS 10000000
// Bytes taken per interrupt: more than a FIFO holds, so one interrupt
// normally empties it. Anything left keeps the interrupt pending, so a
// stuck LSR.DR costs bounded stretches, not a hart that never returns.
#define UART_RX_BURST 256

// How registers are reached: real MMIO here; a host test passes a model.
// width is the access size in bytes, 1 or 4.
struct uart_mmio_ops {
    uint32 (*read)(uint64 addr, uint32 width);
    void (*write)(uint64 addr, uint32 width, uint32 val);
};

struct uart {
    const struct uart_mmio_ops *io;
    uint64 base;  // virtual address of register 0
    uint32 shift; // reg-shift
    uint32 width; // reg-io-width in bytes: 1 or 4
    int dw;       // DesignWare: busy-detect handling needed
};

static struct uart uarts[UART_MAX];
static int nuarts;

static uint32
uart_mmio_read(uint64 addr, uint32 width)
{
    if (width == 4)
        return *(volatile uint32 *)addr;
    return *(volatile uint8 *)addr;
}

static void
uart_mmio_write(uint64 addr, uint32 width, uint32 val)
{
    if (width == 4)
        *(volatile uint32 *)addr = val;
    else
        *(volatile uint8 *)addr = (uint8)val;
}

static const struct uart_mmio_ops uart_mmio = {
    .read = uart_mmio_read,
    .write = uart_mmio_write,
};

// The only register access in this file.
static uint32
uart_read(const struct uart *u, int reg)
{
    return u->io->read(u->base + ((uint64)reg << u->shift), u->width);
}

static void
uart_write(const struct uart *u, int reg, uint32 val)
{
    u->io->write(u->base + ((uint64)reg << u->shift), u->width, val);
}

// A DesignWare UART ignores LCR writes while USR.busy is set and raises
// busy-detect instead, so wait for it to go idle first.
static void
uart_set_lcr(const struct uart *u, uint32 lcr)
{
    for (int i = 0; u->dw && i < UART_BUSY_SPINS; i++)
        if ((uart_read(u, UART_USR) & USR_BUSY) == 0)
            break;
    uart_write(u, UART_LCR, lcr);
}

// Firmware (OpenSBI, U-Boot) normally programmed the line already, with a
// divisor that matches the real clock: keep it. Only a UART left with a zero
// divisor, whose tree gives clock-frequency, gets 8N1 at current-speed.
static void
uart_init_line(const struct uart *u, uint32 clk, uint32 baud)
{
    uint32 lcr, div;

    if (clk == 0)
        return;
    lcr = uart_read(u, UART_LCR);
    uart_set_lcr(u, lcr | LCR_DLAB);
    div = uart_read(u, UART_DLL) | (uart_read(u, UART_DLM) << 8);
    if (div == 0) {
        div = (clk + 8 * baud) / (16 * baud); // rounded
        div += (div == 0);
        uart_write(u, UART_DLL, div & 0xff);
        uart_write(u, UART_DLM, (div >> 8) & 0xff);
        lcr = LCR_8N1;
    }
    uart_set_lcr(u, lcr & ~LCR_DLAB);
}

static void
uart_putc(void *dev, int c)
{
    const struct uart *u = dev;

    for (int i = 0; i < UART_TX_SPINS; i++) {
        if (uart_read(u, UART_LSR) & LSR_THRE) {
            uart_write(u, UART_THR, (uint8)c);
            return;
        }
    }
}

static int
uart_getc(void *dev)
{
    const struct uart *u = dev;

    if ((uart_read(u, UART_LSR) & LSR_DR) == 0)
        return -1;
    return uart_read(u, UART_RBR) & 0xff;
}

static const struct console_ops uart_console_ops;

static void
uart_intr(void *dev)
{
    const struct uart *u = dev;
    int c;

    // Busy-detect is cleared only by reading USR; left set it fires forever.
    if (u->dw && (uart_read(u, UART_IIR) & IIR_ID_MASK) == IIR_BUSY_DETECT)
        (void)uart_read(u, UART_USR);
    // Flow control: with the console's ring full, bytes stay in the FIFO
    // (and the sender waits) rather than being read and dropped.
    for (int i = 0; i < UART_RX_BURST && console_rx_room() > 0 &&
                    (c = uart_getc(dev)) >= 0;
         i++)
        console_intr(c);
    if (console_rx_room() <= 0) {
        uart_write(u, UART_IER, 0);
        console_rx_stall(&uart_console_ops, dev);
    }
}

static void
uart_rx_resume(void *dev)
{
    uart_write(dev, UART_IER, IER_RX_AVAIL);
}

static const struct console_ops uart_console_ops = {
    .putc = uart_putc,
    .getc = uart_getc,
    .rx_resume = uart_rx_resume,
};

// Fills *u from the node's reg, reg-shift, reg-io-width and compatible.
// Returns 0, or -1 (after printing why) for a node we cannot drive.
static int
uart_from_fdt(const struct fdt *f, int node, struct uart *u)
{
    const char *name = fdt_node_name(f, node);
    uint64 pa, size;

    if (fdt_reg(f, node, 0, &pa, &size) < 0) {
        printf("%s: no reg\n", name);
        return -1;
    }
    u->shift = fdt_getprop_u32(f, node, "reg-shift", 0);
    u->width = fdt_getprop_u32(f, node, "reg-io-width", 1);
    if ((u->width != 1 && u->width != 4) || u->shift > 8) {
        printf("%s: reg-io-width %u reg-shift %u unsupported\n", name, u->width,
               u->shift);
        return -1;
    }
    u->dw = fdt_is_compatible(f, node, "snps,dw-apb-uart") ||
            fdt_is_compatible(f, node, "starfive,jh7110-uart");
    u->io = &uart_mmio;
    u->base = kvm_map_device(pa, size);
    return 0;
}

// Line settings, FIFOs and the receive interrupt as the node asks; then
// offers the UART as a console.
static void
uart_start(struct uart *u, const struct fdt *f, int node)
{
    uint32 baud;
    int irq;

    baud = fdt_getprop_u32(f, node, "current-speed", UART_DEFAULT_BAUD);
    uart_init_line(u, fdt_getprop_u32(f, node, "clock-frequency", 0),
                   baud ? baud : UART_DEFAULT_BAUD);
    // No TX reset: firmware output still queued is not lost. Stale input is.
    uart_write(u, UART_FCR, FCR_FIFO_ENABLE | FCR_RX_RESET);
    uart_write(u, UART_MCR, uart_read(u, UART_MCR) | MCR_OUT2);

    irq = fdt_irq(f, node);
    if (irq > 0) {
        irq_register(irq, uart_intr, u);
        uart_write(u, UART_IER, IER_RX_AVAIL);
    } else {
        uart_write(u, UART_IER, 0);
    }
    console_register(&uart_console_ops, u, node);
}

static int
uart_probe(const struct fdt *f, int node)
{
    struct uart *u;

    if (nuarts == UART_MAX) {
        printf("%s: more than %d UARTs\n", fdt_node_name(f, node), UART_MAX);
        return -1;
    }
    u = &uarts[nuarts];
    if (uart_from_fdt(f, node, u) < 0)
        return -1;
    nuarts++;
    uart_start(u, f, node);
    return 0;
}

static const char *const uart_compatible[] = {
    "ns16550a", "ns16550", "snps,dw-apb-uart", "starfive,jh7110-uart", NULL,
};

// ns16550-family UART driver; probe registers a console per UART and its
// receive interrupt when the node has one.
const struct driver uart_ns16550_driver = {
    .name = "uart_ns16550",
    .compatible = uart_compatible,
    .probe = uart_probe,
};
