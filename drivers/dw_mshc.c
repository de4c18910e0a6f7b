// Synopsys DesignWare Mobile Storage Host (the JH7110's SD slot) with an SD
// memory card behind it: identification and polled FIFO transfers, no DMA,
// no interrupts. Knows the controller's registers and SD-mode commands; the
// kernel sees only blk_ops. Every wait counts register polls, never time.
#include "kernel/driver.h"
#include "kernel/klib.h"
#include "kernel/printf.h"
#include "kernel/spinlock.h"
#include "drivers/dw_mshc.h"

static struct dwm dwms[DWM_MAX];
static int ndwm;

static uint32
dwm_mmio_read32(uint64 addr)
{
    return *(volatile uint32 *)addr;
}

static void
dwm_mmio_write32(uint64 addr, uint32 val)
{
    *(volatile uint32 *)addr = val;
}

static const struct dwm_mmio_ops dwm_mmio = {
    .read32 = dwm_mmio_read32,
    .write32 = dwm_mmio_write32,
};

// The only register access in this file.
static uint32
dwm_read(const struct dwm *d, uint32 off)
{
    return d->io->read32(d->base + off);
}

void
dwm_write(const struct dwm *d, uint32 off, uint32 val)
{
    d->io->write32(d->base + off, val);
}

// Notes a failure for the operation's one message; returns -1.
int
dwm_fail(struct dwm *d, const char *why)
{
    if (d->why == NULL) {
        d->why = why;
        d->why_cmd = d->cmd;
        d->why_ints = d->ints;
    }
    return -1;
}

// Polls reg until its bits `mask` are clear, at most spins times: 0, or
// -1 noted as `why`.
static int
dwm_poll(struct dwm *d, uint32 reg, uint32 mask, long spins, const char *why)
{
    for (long i = 0; i < spins; i++)
        if ((dwm_read(d, reg) & mask) == 0)
            return 0;
    return dwm_fail(d, why);
}

static int
dwm_reset(struct dwm *d, uint32 bits)
{
    dwm_write(d, DWM_CTRL, dwm_read(d, DWM_CTRL) | bits);
    return dwm_poll(d, DWM_CTRL, bits, DWM_SPINS, "controller reset stuck");
}

int
dwm_wait_busy(struct dwm *d)
{
    return dwm_poll(d, DWM_STATUS, STATUS_BUSY, DWM_DATA_SPINS,
                    "card stayed busy");
}

// Has the controller load CLKDIV/CLKSRC/CLKENA: no card command is sent.
static int
dwm_clock_cmd(struct dwm *d)
{
    dwm_write(d, DWM_CMD, CMD_START | CMD_UPD_CLK | CMD_WAIT);
    return dwm_poll(d, DWM_CMD, CMD_START, DWM_SPINS,
                    "controller ignored a clock update");
}

// Card clock of at most hz: stop it, change the divider, start it again.
int
dwm_set_clock(struct dwm *d, uint32 hz)
{
    uint64 div = 0;

    if (hz < d->ciu_hz)
        div = (d->ciu_hz + 2 * (uint64)hz - 1) / (2 * (uint64)hz);
    dwm_write(d, DWM_CLKENA, 0);
    if (dwm_clock_cmd(d) < 0)
        return -1;
    div = div > 255 ? 255 : div;
    dwm_write(d, DWM_CLKDIV, div);
    dwm_write(d, DWM_CLKSRC, 0);
    if (dwm_clock_cmd(d) < 0)
        return -1;
    d->card_hz = div ? d->ciu_hz / (2 * div) : d->ciu_hz;
    dwm_write(d, DWM_CLKENA, 1);
    return dwm_clock_cmd(d);
}

// Sends command idx and waits for its response, stored in resp (RESP0 first;
// four words for a long one) unless resp is NULL. 0, or -1 noted by why.
int
dwm_cmd(struct dwm *d, uint32 idx, uint32 arg, uint32 flags, uint32 *resp)
{
    d->cmd = idx;
    d->ints = 0;
    // The controller takes CMD once; a second write while it is busy with
    // the first is lost (and raises HLE).
    if (dwm_poll(d, DWM_CMD, CMD_START, DWM_SPINS,
                 "controller stuck on the last command") < 0)
        return -1;
    dwm_write(d, DWM_RINTSTS, ~0U);
    dwm_write(d, DWM_CMDARG, arg);
    dwm_write(d, DWM_CMD, CMD_START | CMD_HOLD | flags | idx);
    for (long i = 0; i < DWM_SPINS && (d->ints & INT_CMD_DONE) == 0; i++)
        d->ints = dwm_read(d, DWM_RINTSTS);
    if ((d->ints & INT_CMD_DONE) == 0)
        return dwm_fail(d, "command never completed");
    if (d->ints & INT_RTO)
        return dwm_fail(d, "no response");
    if ((d->ints & (INT_RE | INT_HLE)) ||
        ((flags & CMD_CRC) && (d->ints & INT_RCRC)))
        return dwm_fail(d, "bad response");
    for (int i = 0; resp && i < ((flags & CMD_LONG) ? 4 : 1); i++)
        resp[i] = dwm_read(d, DWM_RESP0 + 4 * i);
    return 0;
}

// A command answered by R1 whose error bits must be clear.
int
dwm_cmd_r1(struct dwm *d, uint32 idx, uint32 arg, uint32 flags)
{
    uint32 r1;

    if (dwm_cmd(d, idx, arg, flags, &r1) < 0)
        return -1;
    if (r1 & SD_R1_ERRORS) {
        d->ints = r1; // the message shows the card's status instead
        return dwm_fail(d, "card reported an error");
    }
    return 0;
}

static const struct {
    uint32 bits;
    const char *why;
} dwm_data_errors[] = {
    {INT_DCRC, "data CRC error"},
    {INT_DRTO, "data read timeout"},
    {INT_EBE, "end bit error (no CRC status from the card?)"},
    {INT_SBE, "start bit error"},
    {INT_HTO | INT_FRUN, "FIFO under/overrun"},
};

// 0 unless RINTSTS shows a data error: then -1, noted.
static int
dwm_data_check(struct dwm *d)
{
    d->ints = dwm_read(d, DWM_RINTSTS);
    for (uint32 i = 0; i < sizeof(dwm_data_errors) / sizeof(*dwm_data_errors);
         i++)
        if (d->ints & dwm_data_errors[i].bits)
            return dwm_fail(d, dwm_data_errors[i].why);
    return 0;
}

// Moves `words` words between buf (any alignment) and the FIFO window: on a
// read all that STATUS counts, on a write one per look at fifo_full.
static int
dwm_pio(struct dwm *d, uint8 *buf, uint32 words, int write)
{
    uint32 st, n, w;
    long idle = 0;

    for (uint32 done = 0; done < words; done += n) {
        st = dwm_read(d, DWM_STATUS);
        n = write ? (st & STATUS_FULL) == 0 : STATUS_COUNT(st);
        n = n < words - done ? n : words - done;
        if (n == 0) {
            if (dwm_data_check(d) < 0)
                return -1;
            if (++idle == DWM_DATA_SPINS)
                return dwm_fail(d, "FIFO stalled");
            continue;
        }
        idle = 0;
        for (uint32 i = 0; i < n; i++, buf += 4) {
            if (write) {
                memcpy(&w, buf, 4); // the FIFO is little-endian, like us
                dwm_write(d, d->fifo, w);
            } else {
                w = dwm_read(d, d->fifo);
                memcpy(buf, &w, 4);
            }
        }
    }
    return 0;
}

// CMD17/CMD18 or CMD24/CMD25 for n sectors; the controller sends CMD12
// itself after a multi-block transfer.
static int
dwm_xfer(struct dwm *d, uint64 sector, uint8 *buf, uint32 n, int write)
{
    uint32 idx = write ? (n == 1 ? 24 : 25) : (n == 1 ? 17 : 18);
    uint32 flags = R_SHORT | CMD_DATA | (write ? CMD_WRITE : 0) |
                   (n > 1 ? CMD_AUTO_STOP : 0);
    uint32 done = INT_DATA_OVER | (n > 1 ? INT_ACD : 0);
    // Fits 32 bits: dwm_identify() keeps byte-addressed cards to 4 GiB.
    uint32 addr = d->block_addr ? sector : sector * SD_SECTOR;

    if (dwm_wait_busy(d) < 0 || dwm_reset(d, CTRL_FIFO_RESET) < 0)
        return -1;
    dwm_write(d, DWM_BLKSIZ, SD_SECTOR);
    dwm_write(d, DWM_BYTCNT, n * SD_SECTOR);
    if (dwm_cmd_r1(d, idx, addr, flags) < 0)
        return -1;
    if (dwm_pio(d, buf, n * SD_SECTOR / 4, write) < 0)
        return -1;
    // After a multi-block transfer the controller's CMD12 must be done too:
    // a command written before then is refused (HLE).
    d->ints = 0; // judge what RINTSTS says from here on
    for (long i = 0; (d->ints & done) != done; i++)
        if (i == DWM_DATA_SPINS || dwm_data_check(d) < 0)
            return dwm_fail(d, "transfer never ended");
    // Writes: the card programs the data while holding DAT0 low.
    return write ? dwm_wait_busy(d) : 0;
}

// After a failed transfer: reset the controller's data path and stop the
// card (CMD12 abort), so the next request starts clean. What fails here is
// fallout of the failure already noted.
static void
dwm_recover(struct dwm *d)
{
    if (dwm_reset(d, CTRL_ALL_RESETS) == 0 && dwm_clock_cmd(d) == 0) {
        (void)dwm_cmd(d, 12, 0, CMD_RESP | CMD_CRC | CMD_ABORT, NULL);
        (void)dwm_wait_busy(d);
    }
    dwm_write(d, DWM_RINTSTS, ~0U);
}

static int
dwm_rw(void *dev, uint64 sector, void *buf, uint32 count, int write)
{
    struct dwm *d = dev;
    uint8 *p = buf;
    uint32 n;
    int err = 0;

    if (count == 0 || sector >= d->nsectors || count > d->nsectors - sector)
        return -1;
    acquire(&d->lock);
    d->why = NULL;
    for (uint32 done = 0; done < count && err == 0; done += n) {
        n = count - done < DWM_MAX_BLOCKS ? count - done : DWM_MAX_BLOCKS;
        err =
            dwm_xfer(d, sector + done, p + (uint64)done * SD_SECTOR, n, write);
    }
    if (err < 0) {
        dwm_recover(d);
        printf("%s: %s of %u sector(s) at %lu: %s (CMD%u, status 0x%x)\n",
               d->name, write ? "write" : "read", count, sector, d->why,
               d->why_cmd, d->why_ints);
    }
    release(&d->lock);
    return err;
}

static const struct blk_ops dwm_blk_ops = {
    .rw = dwm_rw,
};

// The ciu clock rate, which the card clock is divided from: the node's
// clock-frequency, else the rate the node assigns to its ciu clock (the
// JH7110 trees do so, and give no rate otherwise), else an assumption.
static uint32
dwm_ciu_hz(const struct fdt *f, int node)
{
    int len, alen, rlen;
    const uint8 *clocks = fdt_getprop(f, node, "clocks", &len);
    const uint8 *assigned = fdt_getprop(f, node, "assigned-clocks", &alen);
    const uint8 *rates = fdt_getprop(f, node, "assigned-clock-rates", &rlen);
    uint32 hz = fdt_getprop_u32(f, node, "clock-frequency", 0);

    // One clock assigned, and it is the last of `clocks`: the binding
    // orders them biu, ciu.
    if (hz == 0 && clocks && assigned && rates && rlen == 4 && alen <= len &&
        memcmp(assigned, clocks + len - alen, alen) == 0)
        hz = fdt_be32(rates);
    return hz ? hz : DWM_ASSUMED_CIU_HZ;
}

// PIO mode over whatever firmware left (U-Boot: IDMAC on), the FIFO window
// and width, power. Returns 0, or -1 after printing why.
static int
dwm_host_init(struct dwm *d, const struct fdt *f, int node)
{
    const char *name = fdt_node_name(f, node);
    uint32 width = (dwm_read(d, DWM_HCON) >> 7) & 7;
    uint32 addr = fdt_getprop_u32(f, node, "data-addr", 0);

    if (width != 1) {
        printf("%s: %u-bit FIFO not supported (32-bit only)\n", name,
               16U << width);
        return -1;
    }
    // Designs before 2.40a put the FIFO at 0x100; data-addr = 0 means none.
    d->fifo = (dwm_read(d, DWM_VERID) & 0xffff) < 0x240a ? 0x100 : 0x200;
    d->fifo = addr ? addr : d->fifo;
    dwm_write(d, DWM_CTRL, dwm_read(d, DWM_CTRL) & ~CTRL_DMA_OFF);
    dwm_write(d, DWM_BMOD, BMOD_SWR);
    if (dwm_reset(d, CTRL_ALL_RESETS) < 0) {
        printf("%s: %s\n", name, d->why);
        return -1;
    }
    dwm_write(d, DWM_INTMASK, 0);
    dwm_write(d, DWM_RINTSTS, ~0U);
    dwm_write(d, DWM_TMOUT, ~0U); // longest response and data timeouts
    if ((dwm_read(d, DWM_PWREN) & 1) == 0) {
        dwm_write(d, DWM_PWREN, 1);
        for (int i = 0; i < DWM_POWER_SPINS; i++) // a delay: no timer here
            (void)dwm_read(d, DWM_STATUS);
    }
    return 0;
}

// Does the controller's own card-detect input say the slot is empty, with
// nothing else in the node to ask (a GPIO, or "no detect at all")?
static int
dwm_cdetect_empty(struct dwm *d, const struct fdt *f, int node)
{
    return (dwm_read(d, DWM_CDETECT) & 1) &&
           !fdt_getprop(f, node, "cd-gpios", 0) &&
           !fdt_getprop(f, node, "broken-cd", 0) &&
           !fdt_getprop(f, node, "non-removable", 0);
}

int
dwm_attach(struct dwm *d, const struct fdt *f, int node)
{
    const char *name = fdt_node_name(f, node);
    // The VF2 wires card detect to GPIO 41, not to CDETECT, and the vendor
    // tree does not say so: CDETECT alone never stops us. The card's answer
    // (or the command time-outs) decides.
    static const char *const cd_note =
        "; CDETECT read empty, card identified anyway";
    int version;

    d->why = NULL;
    d->ciu_hz = dwm_ciu_hz(f, node);
    d->wide = fdt_getprop_u32(f, node, "bus-width", 1) >= 4; // SD: 1 or 4
    if (dwm_host_init(d, f, node) < 0)
        return -1;
    d->cd_empty = dwm_cdetect_empty(d, f, node);
    version = dwm_power_up(d);
    if (version < 0 || dwm_identify(d) < 0 || dwm_select(d) < 0) {
        printf("%s: card not identified: %s (CMD%u, RINTSTS 0x%x)%s\n", name,
               d->why, d->why_cmd, d->why_ints,
               d->cd_empty ? "; CDETECT also reads empty" : "");
        return -1;
    }
    memcpy(d->name, "mmc0", 5);
    d->name[3] += ndwm % 10;
    initlock(&d->lock, d->name);
    printf("%s: %s card (SD v%d), %lu MiB, %d-bit bus, clock %u kHz%s\n",
           d->name, dwm_card_kind(d), version, d->nsectors >> 11,
           d->wide ? 4 : 1, d->card_hz / 1000, d->cd_empty ? cd_note : "");
    blkdev_register(&dwm_blk_ops, d, d->nsectors, d->name);
    return 0;
}

static int
dwm_probe(const struct fdt *f, int node)
{
    struct dwm *d;
    uint64 pa, size;

    if (fdt_reg(f, node, 0, &pa, &size) < 0 || ndwm == DWM_MAX) {
        printf("%s: no reg, or more than %d controllers\n",
               fdt_node_name(f, node), DWM_MAX);
        return -1;
    }
    d = &dwms[ndwm];
    d->io = &dwm_mmio;
    d->base = kvm_map_device(pa, size);
    if (dwm_attach(d, f, node) < 0)
        return -1;
    ndwm++;
    return 0;
}

static const char *const dwm_compatible[] = {
    "starfive,jh7110-mmc",
    "snps,dw-mshc",
    "starfive,jh7110-sdio",
    NULL,
};

// DesignWare MSHC driver; probe identifies the SD card in the slot and
// registers it as a disk ("mmc0", ...). No card: a message and -1.
const struct driver dw_mshc_driver = {
    .name = "dw_mshc",
    .compatible = dwm_compatible,
    .probe = dwm_probe,
};
