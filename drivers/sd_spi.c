// SD memory cards in SPI mode (SD Physical Layer Simplified Spec, ch. 7):
// bring-up, CRC7/CRC16, single and multi-block transfers, all polled.
// Knows the card protocol and sd_spi_ops; never a controller's registers.
#include "kernel/driver.h"
#include "kernel/printf.h"
#include "kernel/spinlock.h"
#include "drivers/sd_spi.h"

#define SD_SECTOR 512
#define SD_INIT_HZ 400000   // identification mode limit
#define SD_FAST_HZ 25000000 // default speed limit

#define CMD_GO_IDLE 0
#define CMD_SEND_IF_COND 8
#define CMD_SEND_CSD 9
#define CMD_STOP 12
#define CMD_SET_BLOCKLEN 16
#define CMD_READ_SINGLE 17
#define CMD_READ_MULTI 18
#define CMD_WRITE_SINGLE 24
#define CMD_WRITE_MULTI 25
#define CMD_APP 55
#define CMD_READ_OCR 58
#define ACMD_SEND_OP_COND 41

#define R1_IDLE 0x01
#define R1_ILLEGAL 0x04
#define R1_ERRORS 0x7e // every bit but idle
#define TOKEN_START 0xfe
#define TOKEN_START_MULTI 0xfc
#define TOKEN_STOP 0xfd
#define DRESP_MASK 0x1f
#define DRESP_ACCEPTED 0x05
#define DRESP_CRC 0x0b
#define DRESP_WRITE_ERR 0x0d
#define CMD8_ARG 0x1aa        // 2.7-3.6 V, check pattern 0xAA
#define ACMD41_HCS (1U << 30) // we take high-capacity cards
#define OCR0_CCS 0x40         // OCR bit 30, in its first byte

// Bounds, in bytes clocked (each >= 8 SCK periods). At 400 kHz the ACMD41
// rounds (~20 bytes each) last over the spec's 1 s; the token and busy
// waits outlast its 100 ms read and 500 ms write limits at 25 MHz.
#define SD_NCR_MAX 16 // R1 comes within 8 bytes; be generous
#define SD_CMD0_TRIES 10
#define SD_ACMD41_TRIES 4000
#define SD_TOKEN_WAIT 400000
#define SD_BUSY_WAIT 2000000

static int nsd; // cards attached, for names

// CRC7 of a command (spec 4.5): polynomial x^7 + x^3 + 1, MSB first.
static uint8
sd_crc7(const uint8 *p, int n)
{
    uint32 crc = 0;

    for (int i = 0; i < n; i++) {
        for (int bit = 7; bit >= 0; bit--) {
            uint32 in = ((p[i] >> bit) ^ (crc >> 6)) & 1;
            crc = ((crc << 1) & 0x7f) ^ (in ? 0x09 : 0);
        }
    }
    return crc;
}

// CRC16 of a data block (spec 4.5): CCITT polynomial 0x1021, seed 0.
static uint16
sd_crc16(const uint8 *p, uint32 n)
{
    uint32 crc = 0;

    for (uint32 i = 0; i < n; i++) {
        crc ^= (uint32)p[i] << 8;
        for (int k = 0; k < 8; k++)
            crc = ((crc << 1) ^ ((crc & 0x8000) ? 0x1021 : 0)) & 0xffff;
    }
    return crc;
}

// Notes a failure for the operation's one message; returns -1.
static int
sd_fail(struct sd_card *c, const char *why)
{
    if (c->why == NULL) {
        c->why = why;
        c->why_cmd = c->cmd;
        c->why_reply = c->reply;
    }
    return -1;
}

static uint8
sd_byte(struct sd_card *c)
{
    uint8 b;

    c->ops->xfer(c->bus, NULL, &b, 1);
    return b;
}

// Ends a transaction: CS high, then 8 clocks so the card lets go of MISO.
static void
sd_deselect(struct sd_card *c)
{
    c->ops->cs_release(c->bus);
    (void)sd_byte(c);
}

// Sends a command frame and returns its R1, or -1 if none came. CS is
// asserted. R3/R7 bytes or a data block follow on the wire.
static int
sd_cmd(struct sd_card *c, uint8 cmd, uint32 arg)
{
    // The leading idle byte gives a card finishing its last reply (QEMU's
    // ssi-sd eats one byte there) time before the start bit.
    uint8 f[7] = {0xff, 0x40 | cmd, arg >> 24, arg >> 16, arg >> 8, arg};

    f[6] = (sd_crc7(f + 1, 5) << 1) | 1;
    c->cmd = cmd;
    c->ops->xfer(c->bus, f, NULL, sizeof(f));
    // After CMD12 the first byte is a stuff byte, not part of R1 (7.5.2.2).
    if (cmd == CMD_STOP)
        (void)sd_byte(c);
    for (int i = 0; i < SD_NCR_MAX; i++) {
        c->reply = sd_byte(c);
        if ((c->reply & 0x80) == 0)
            return c->reply;
    }
    return sd_fail(c, "no response");
}

// A command whose R1 must be 0 (no error, not idle): 0 or -1.
static int
sd_cmd_ok(struct sd_card *c, uint8 cmd, uint32 arg)
{
    int r1 = sd_cmd(c, cmd, arg);

    if (r1 > 0)
        return sd_fail(c, "command refused");
    return r1;
}

// One command in its own CS window, with n response bytes after R1.
static int
sd_cmd_once(struct sd_card *c, uint8 cmd, uint32 arg, uint8 *extra, int n)
{
    int r1;

    c->ops->cs_assert(c->bus);
    r1 = sd_cmd(c, cmd, arg);
    if (r1 >= 0 && n > 0)
        c->ops->xfer(c->bus, NULL, extra, n);
    sd_deselect(c);
    return r1;
}

// Clocks until the card lets MISO go high: it holds it low while busy.
static int
sd_wait_idle(struct sd_card *c)
{
    for (int i = 0; i < SD_BUSY_WAIT; i++)
        if (sd_byte(c) == 0xff)
            return 0;
    return sd_fail(c, "card stayed busy");
}

// Reads one data block: start token, n bytes, CRC16 (checked).
static int
sd_recv_block(struct sd_card *c, uint8 *buf, uint32 n)
{
    uint8 crc[2];
    int t = 0xff;

    for (int i = 0; i < SD_TOKEN_WAIT && t == 0xff; i++)
        t = sd_byte(c);
    if (t != TOKEN_START) {
        c->reply = t;
        return sd_fail(c, t == 0xff ? "no data token" : "data error token");
    }
    c->ops->xfer(c->bus, NULL, buf, n);
    c->ops->xfer(c->bus, NULL, crc, 2);
    if (((crc[0] << 8) | crc[1]) != sd_crc16(buf, n))
        return sd_fail(c, "data CRC16 mismatch");
    return 0;
}

// Sends one data block after `token`, then waits out the programming.
static int
sd_send_block(struct sd_card *c, uint8 token, const uint8 *buf)
{
    uint16 crc = sd_crc16(buf, SD_SECTOR);
    uint8 head[2] = {0xff, token}, tail[2] = {crc >> 8, crc};
    int err = 0;

    c->ops->xfer(c->bus, head, NULL, 2); // 0xff: the Nwr gap after R1
    c->ops->xfer(c->bus, buf, NULL, SD_SECTOR);
    c->ops->xfer(c->bus, tail, NULL, 2);
    c->reply = 0xff;
    for (int i = 0; i < SD_NCR_MAX && c->reply == 0xff; i++)
        c->reply = sd_byte(c);
    if ((c->reply & DRESP_MASK) == DRESP_CRC)
        err = sd_fail(c, "card saw a data CRC error");
    else if ((c->reply & DRESP_MASK) == DRESP_WRITE_ERR)
        err = sd_fail(c, "card reported a write error");
    else if ((c->reply & DRESP_MASK) != DRESP_ACCEPTED)
        err = sd_fail(c, "no data response");
    // A rejected block may keep the card busy too.
    if (sd_wait_idle(c) < 0)
        err = -1;
    return err;
}

// CMD17, or CMD18 ... CMD12. CS is asserted.
static int
sd_read(struct sd_card *c, uint32 addr, uint8 *buf, uint32 count)
{
    int err = 0;

    if (sd_cmd_ok(c, count == 1 ? CMD_READ_SINGLE : CMD_READ_MULTI, addr) < 0)
        return -1;
    for (uint32 i = 0; i < count && err == 0; i++)
        err = sd_recv_block(c, buf + i * SD_SECTOR, SD_SECTOR);
    if (count == 1)
        return err;
    // Stop after a bad block too, so the card is back in transfer state.
    if (sd_cmd_ok(c, CMD_STOP, 0) < 0 || sd_wait_idle(c) < 0) // R1b
        err = -1;
    return err;
}

// CMD24, or CMD25 ... stop token. CS is asserted.
static int
sd_write(struct sd_card *c, uint32 addr, const uint8 *buf, uint32 count)
{
    static const uint8 stop[2] = {0xff, TOKEN_STOP};
    int err = 0;

    if (sd_cmd_ok(c, count == 1 ? CMD_WRITE_SINGLE : CMD_WRITE_MULTI, addr) < 0)
        return -1;
    if (count == 1)
        return sd_send_block(c, TOKEN_START, buf);
    for (uint32 i = 0; i < count && err == 0; i++)
        err = sd_send_block(c, TOKEN_START_MULTI, buf + i * SD_SECTOR);
    // The stop token ends CMD25 after a rejected block too. Busy may start
    // one byte late (7.3.3.2), so skip that byte before waiting.
    c->ops->xfer(c->bus, stop, NULL, 2);
    (void)sd_byte(c);
    if (sd_wait_idle(c) < 0)
        err = -1;
    return err;
}

static int
sd_rw(void *dev, uint64 sector, void *buf, uint32 count, int write)
{
    struct sd_card *c = dev;
    // Fits 32 bits: sd_capacity() keeps byte-addressed cards to 4 GiB.
    uint32 addr = c->block_addr ? sector : sector * SD_SECTOR;
    int err;

    if (count == 0 || sector >= c->nsectors || count > c->nsectors - sector)
        return -1;
    acquire(&c->lock);
    c->why = NULL;
    c->ops->cs_assert(c->bus);
    if (write)
        err = sd_write(c, addr, buf, count);
    else
        err = sd_read(c, addr, buf, count);
    sd_deselect(c);
    if (err < 0)
        printf("%s: %s of %u sector(s) at %lu failed: %s (CMD%d, reply "
               "0x%x)\n",
               c->name, write ? "write" : "read", count, sector, c->why,
               c->why_cmd, c->why_reply);
    release(&c->lock);
    return err;
}

static const struct blk_ops sd_blk_ops = {
    .rw = sd_rw,
};

// Power-on reset into SPI mode (6.4.1, 7.2.1), then CMD8. Returns the
// card's spec version: 2 if it answers CMD8, 1 if CMD8 is illegal to it.
static int
sd_go_idle(struct sd_card *c)
{
    uint8 r7[4];
    int r1 = -1;

    c->ops->set_speed(c->bus, SD_INIT_HZ);
    c->ops->cs_release(c->bus);
    c->ops->xfer(c->bus, NULL, NULL, 10); // >= 74 clocks with CS high
    // A card left mid-transfer by firmware may need more than one CMD0.
    for (int i = 0; i < SD_CMD0_TRIES && r1 != R1_IDLE; i++)
        r1 = sd_cmd_once(c, CMD_GO_IDLE, 0, NULL, 0);
    if (r1 != R1_IDLE) {
        c->why = NULL; // "no response" is not news: say what it means
        return sd_fail(c, r1 < 0 ? "no card" : "CMD0 refused");
    }
    r1 = sd_cmd_once(c, CMD_SEND_IF_COND, CMD8_ARG, r7, 4);
    if (r1 > 0 && (r1 & R1_ILLEGAL))
        return 1;
    if (r1 != R1_IDLE || (r7[2] & 0x0f) != (CMD8_ARG >> 8) ||
        r7[3] != (CMD8_ARG & 0xff))
        return sd_fail(c, "bad CMD8 echo (voltage not supported?)");
    return 2;
}

// CMD55 + ACMD41 until the card leaves the idle state.
static int
sd_power_up(struct sd_card *c, int version)
{
    uint32 arg = version == 2 ? ACMD41_HCS : 0;
    int r1;

    for (int i = 0; i < SD_ACMD41_TRIES; i++) {
        r1 = sd_cmd_once(c, CMD_APP, 0, NULL, 0);
        if (r1 >= 0 && (r1 & R1_ERRORS) == 0)
            r1 = sd_cmd_once(c, ACMD_SEND_OP_COND, arg, NULL, 0);
        if (r1 == 0)
            return 0;
        if (r1 > 0 && (r1 & R1_ERRORS))
            return sd_fail(c, "ACMD41 refused (not an SD card?)");
        if (r1 < 0)
            return -1;
    }
    return sd_fail(c, "card stayed idle (ACMD41 timeout)");
}

// CMD58 for the addressing mode (v1 cards are all byte addressed), and
// CMD16 so byte-addressed cards use 512-byte blocks.
static int
sd_addressing(struct sd_card *c, int version)
{
    uint8 ocr[4];
    int r1;

    c->block_addr = 0;
    if (version == 2) {
        r1 = sd_cmd_once(c, CMD_READ_OCR, 0, ocr, 4);
        // QEMU 7.2 keeps the idle bit set in R3: accept it.
        if (r1 < 0)
            return -1;
        if (r1 & R1_ERRORS)
            return sd_fail(c, "command refused");
        c->block_addr = (ocr[0] & OCR0_CCS) != 0;
    }
    if (c->block_addr)
        return 0;
    r1 = sd_cmd_once(c, CMD_SET_BLOCKLEN, SD_SECTOR, NULL, 0);
    if (r1 > 0)
        return sd_fail(c, "command refused");
    return r1;
}

// Bits [hi:lo] of the 128-bit CSD; bit 127 arrives first.
static uint32
sd_csd_bits(const uint8 *csd, int hi, int lo)
{
    uint32 v = 0;

    for (int b = hi; b >= lo; b--)
        v = (v << 1) | ((csd[15 - b / 8] >> (b % 8)) & 1);
    return v;
}

// Capacity from CMD9's CSD (5.3.2, 5.3.3) into c->nsectors.
static int
sd_capacity(struct sd_card *c)
{
    uint8 csd[16];
    uint64 bytes = 0;
    int err;

    c->ops->cs_assert(c->bus);
    err = sd_cmd_ok(c, CMD_SEND_CSD, 0);
    if (err == 0)
        err = sd_recv_block(c, csd, sizeof(csd));
    sd_deselect(c);
    if (err < 0)
        return -1;
    switch (sd_csd_bits(csd, 127, 126)) {
    case 0: // (C_SIZE+1) * 2^(C_SIZE_MULT+2) blocks of 2^READ_BL_LEN bytes
        bytes = (uint64)(sd_csd_bits(csd, 73, 62) + 1)
                << (sd_csd_bits(csd, 49, 47) + 2 + sd_csd_bits(csd, 83, 80));
        break;
    case 1: // (C_SIZE+1) * 512 KiB
        bytes = (uint64)(sd_csd_bits(csd, 69, 48) + 1) << 19;
        break;
    }
    // Byte addresses are 32 bits: a CSD claiming more (only an invalid
    // READ_BL_LEN can) is cut to what the card can be asked for.
    if (!c->block_addr && bytes > 0x100000000UL)
        bytes = 0x100000000UL;
    c->nsectors = bytes / SD_SECTOR;
    return c->nsectors ? 0 : sd_fail(c, "unknown CSD layout");
}

int
sd_spi_attach(struct sd_card *c, const struct sd_spi_ops *ops, void *bus)
{
    int version;
    uint32 hz;

    c->ops = ops;
    c->bus = bus;
    c->why = NULL;
    c->cmd = c->reply = 0;
    c->name[0] = 's';
    c->name[1] = 'd';
    c->name[2] = '0' + nsd % 10;
    c->name[3] = 0;
    version = sd_go_idle(c);
    if (version < 0 || sd_power_up(c, version) < 0 ||
        sd_addressing(c, version) < 0 || sd_capacity(c) < 0) {
        printf("%s: %s (CMD%d, reply 0x%x)\n", c->name, c->why, c->why_cmd,
               c->why_reply);
        return -1;
    }
    hz = c->ops->set_speed(c->bus, SD_FAST_HZ);
    initlock(&c->lock, c->name);
    nsd++;
    // SDSC cards take byte addresses; SDHC/SDXC (above 32 GiB) blocks.
    printf("%s: %s card (SD v%d), %lu MiB, SPI clock %u kHz\n", c->name,
           !c->block_addr                           ? "SDSC"
           : c->nsectors > (32UL << 30) / SD_SECTOR ? "SDXC"
                                                    : "SDHC",
           version, c->nsectors >> 11, hz / 1000);
    blkdev_register(&sd_blk_ops, c, c->nsectors, c->name);
    return 0;
}
