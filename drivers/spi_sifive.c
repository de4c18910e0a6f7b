// SiFive SPI controllers (FU540, FU740, QEMU sifive_u) as the bus of an
// "mmc-spi-slot": mode 0, 8-bit frames, polled FIFOs, chip select by hand.
// Knows its registers and sd_spi_ops; the card protocol is sd_spi.c's.
#include "kernel/driver.h"
#include "kernel/printf.h"
#include "drivers/sd_spi.h"
#include "drivers/sifive_prci.h"

// Register offsets (all 32 bits).
#define SSPI_SCKDIV 0x00 // f_sck = f_in / (2 * (div + 1)), 12 bits
#define SSPI_SCKMODE 0x04
#define SSPI_CSID 0x10
#define SSPI_CSDEF 0x14 // per chip select: its inactive level
#define SSPI_CSMODE 0x18
#define SSPI_FMT 0x40
#define SSPI_TXDATA 0x48 // read: bit 31 = FIFO full
#define SSPI_RXDATA 0x4c // read pops: bit 31 = empty, else the byte
#define SSPI_IE 0x70

#define SSPI_FULL (1U << 31)
#define SSPI_EMPTY (1U << 31)
#define SSPI_MODE0 0                 // CPOL 0, CPHA 0
#define SSPI_CSMODE_HOLD 2           // CS held active from the first frame on
#define SSPI_FMT_8BIT_MSB (8U << 16) // single lane, MSB first, rx on
#define SSPI_DIV_MAX 0xfff
#define SSPI_FIFO 8 // entries; we keep at most this many in flight
#define SSPI_MAX 2
// Used when neither the tree nor the PRCI gives the input clock: the
// fastest peripheral clock a FU540 or FU740 runs, so any real one gives a
// slower, still valid SCK (a real Unmatched pclk of ~130 MHz: ~5x slower).
#define SSPI_ASSUMED_IN_HZ 750000000
// Polls without progress before a transfer is declared stalled.
#define SSPI_STALL_SPINS 1000000

// How registers are reached: real MMIO here; a host test passes a model.
struct sspi_mmio_ops {
    uint32 (*read32)(uint64 addr);
    void (*write32)(uint64 addr, uint32 val);
};

struct sspi {
    const struct sspi_mmio_ops *io;
    uint64 base;   // virtual address of the registers
    uint32 cs;     // chip select of the card slot
    uint32 in_hz;  // input clock, 0 if unknown
    uint32 max_hz; // the slot's spi-max-frequency, 0 if none
    int stalled;   // stopped answering; reported once
    struct sd_card card;
};

static struct sspi sspis[SSPI_MAX];
static int nsspi;

static uint32
sspi_mmio_read32(uint64 addr)
{
    return *(volatile uint32 *)addr;
}

static void
sspi_mmio_write32(uint64 addr, uint32 val)
{
    *(volatile uint32 *)addr = val;
}

static const struct sspi_mmio_ops sspi_mmio = {
    .read32 = sspi_mmio_read32,
    .write32 = sspi_mmio_write32,
};

// The only register access in this file.
static uint32
sspi_read(const struct sspi *s, uint32 off)
{
    return s->io->read32(s->base + off);
}

static void
sspi_write(const struct sspi *s, uint32 off, uint32 val)
{
    s->io->write32(s->base + off, val);
}

// Full duplex through the FIFOs: up to SSPI_FIFO bytes in flight, so the
// receive FIFO can never overflow. Byte i received answers byte i sent.
// After a stall (reported once) the controller is given up on: every
// later byte reads 0xff at once instead of after another timeout.
static void
sspi_xfer(void *bus, const uint8 *tx, uint8 *rx, uint32 n)
{
    struct sspi *s = bus;
    uint32 sent = 0, got = 0, r;
    int idle = 0;

    while (got < n && !s->stalled) {
        if (sent < n && sent - got < SSPI_FIFO &&
            (sspi_read(s, SSPI_TXDATA) & SSPI_FULL) == 0) {
            sspi_write(s, SSPI_TXDATA, tx ? tx[sent] : 0xff);
            sent++;
            idle = 0;
        }
        r = sspi_read(s, SSPI_RXDATA);
        if ((r & SSPI_EMPTY) == 0) {
            if (rx)
                rx[got] = r & 0xff;
            got++;
            idle = 0;
        } else if (++idle == SSPI_STALL_SPINS) {
            printf("spi: controller at %p stalled\n", (void *)s->base);
            s->stalled = 1;
        }
    }
    for (; rx && got < n; got++)
        rx[got] = 0xff; // reads as "no card" to sd_spi.c
}

// Chip select. The card wants CS high while clocks run outside commands
// (the 74 power-up clocks, the byte after each command), which csmode AUTO
// cannot give: it asserts CS for every frame. So CS stays in HOLD mode and
// its level is set through csdef: with the inactive level cleared, the
// "held active" pin is high. QEMU only models CS for csdef bits that are
// set, so it keeps the card selected throughout, which it does not mind.
static void
sspi_cs_assert(void *bus)
{
    struct sspi *s = bus;

    sspi_write(s, SSPI_CSDEF, sspi_read(s, SSPI_CSDEF) | (1U << s->cs));
    sspi_write(s, SSPI_CSMODE, SSPI_CSMODE_HOLD);
}

static void
sspi_cs_release(void *bus)
{
    struct sspi *s = bus;

    sspi_write(s, SSPI_CSDEF, sspi_read(s, SSPI_CSDEF) & ~(1U << s->cs));
    sspi_write(s, SSPI_CSMODE, SSPI_CSMODE_HOLD);
}

// Divider for at most hz, capped by the slot's limit; rounds up so the
// clock never exceeds what was asked. Returns the SCK rate set.
static uint32
sspi_set_speed(void *bus, uint32 hz)
{
    struct sspi *s = bus;
    uint64 in = s->in_hz ? s->in_hz : SSPI_ASSUMED_IN_HZ, div;

    if (s->max_hz && hz > s->max_hz)
        hz = s->max_hz;
    if (hz == 0)
        hz = 1;
    div = (in + 2 * (uint64)hz - 1) / (2 * (uint64)hz);
    div = div ? div - 1 : 0;
    div = div > SSPI_DIV_MAX ? SSPI_DIV_MAX : div;
    sspi_write(s, SSPI_SCKDIV, div);
    return in / (2 * (div + 1));
}

static const struct sd_spi_ops sspi_sd_ops = {
    .xfer = sspi_xfer,
    .cs_assert = sspi_cs_assert,
    .cs_release = sspi_cs_release,
    .set_speed = sspi_set_speed,
};

// Mode 0, 8-bit MSB-first frames, our chip select, no interrupts, and an
// empty receive FIFO; the clock is set later by sd_spi.c.
static void
sspi_setup(struct sspi *s)
{
    sspi_write(s, SSPI_IE, 0);
    sspi_write(s, SSPI_SCKMODE, SSPI_MODE0);
    sspi_write(s, SSPI_FMT, SSPI_FMT_8BIT_MSB);
    sspi_write(s, SSPI_CSID, s->cs);
    for (int i = 0; i < 2 * SSPI_FIFO; i++)
        if (sspi_read(s, SSPI_RXDATA) & SSPI_EMPTY)
            break;
}

// The first okay "mmc-spi-slot" child, or FDT_NONE.
static int
sspi_find_slot(const struct fdt *f, int node)
{
    for (int c = fdt_first_child(f, node); c != FDT_NONE;
         c = fdt_next_sibling(f, c))
        if (fdt_is_compatible(f, c, "mmc-spi-slot") && fdt_is_okay(f, c))
            return c;
    return FDT_NONE;
}

static int
sspi_probe(const struct fdt *f, int node)
{
    const char *name = fdt_node_name(f, node);
    int slot = sspi_find_slot(f, node);
    struct sspi *s;
    uint64 pa, size;
    const char *from;

    if (slot == FDT_NONE)
        return -1; // an SPI flash or empty bus: not ours to drive
    if (fdt_reg(f, node, 0, &pa, &size) < 0 || nsspi == SSPI_MAX) {
        printf("%s: no reg, or more than %d SD slots\n", name, SSPI_MAX);
        return -1;
    }
    s = &sspis[nsspi];
    s->io = &sspi_mmio;
    s->base = kvm_map_device(pa, size);
    s->cs = fdt_getprop_u32(f, slot, "reg", 0);
    s->max_hz = fdt_getprop_u32(f, slot, "spi-max-frequency", 0);
    s->in_hz = prci_clock_hz(f, node, NULL, &from);
    if (s->in_hz)
        printf("%s: input clock %u kHz (%s)\n", name, s->in_hz / 1000, from);
    else
        printf("%s: input clock unknown, assuming %u MHz: the card may run "
               "slower than it could\n",
               name, SSPI_ASSUMED_IN_HZ / 1000000);
    if (s->cs > 31) {
        printf("%s: chip select %u out of range\n", name, s->cs);
        return -1;
    }
    sspi_setup(s);
    if (sd_spi_attach(&s->card, &sspi_sd_ops, s) < 0)
        return -1;
    nsspi++;
    return 0;
}

static const char *const sspi_compatible[] = {
    "sifive,spi0",
    "sifive,fu540-c000-spi",
    "sifive,fu740-c000-spi",
    NULL,
};

// SiFive SPI driver; probe attaches the SD card in the node's mmc-spi-slot
// (sd_spi.c registers it as a disk). Controllers without one are skipped.
const struct driver spi_sifive_driver = {
    .name = "spi_sifive",
    .compatible = sspi_compatible,
    .probe = sspi_probe,
};
