// Host tests of drivers/sd_spi.c against an SD card model in SPI mode: a
// byte-level state machine behind the xfer op that parses command frames,
// answers R1/R3/R7 and data blocks from RAM, and injects faults.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "kernel/driver.h"
#include "drivers/sd_spi.h"

#define SECT 512
#define NSECT 8192 // every model card holds 4 MiB
#define LOG_MAX 8192
#define HCS (1u << 30)

enum kind { SDHC, SDSC, SDV1 };
enum fault {
    F_NONE,
    F_ABSENT,       // MISO stays high
    F_READ_CRC,     // block fault_block of a read has a bad CRC16
    F_READ_TOKEN,   // data error token instead of a start token
    F_WRITE_ERR,    // data response "write error"
    F_WRITE_CRC,    // data response "CRC error"
    F_BUSY_FOREVER, // never leaves busy after a write
    F_ACMD41_NEVER, // never leaves the idle state
    F_BAD_ECHO,     // CMD8 echoes the wrong pattern
    F_CMD0_TWICE,   // the first CMD0 goes unanswered (card mid-transfer)
    F_NO_VOLTAGE,   // CMD8: the card does not take 2.7-3.6 V
    F_HUGE_CSD,     // SDSC CSD 1.0 claiming 64 GiB (READ_BL_LEN 15)
};
enum wstate { W_NONE, W_TOKEN, W_DATA, W_CRC };

struct model {
    enum kind kind;
    enum fault fault;
    int fault_block; // for F_READ_CRC and the write faults: which block
    uint8 *mem;
    int selected, ever_selected, ready, app, acmd41s;
    uint32 speed;
    long clocks_before_select, bytes;
    uint8 frame[6];
    int flen;
    uint8 out[1024]; // queued MISO bytes
    int olen, opos;
    int streaming;     // CMD18 in progress
    int was_streaming; // a command frame cut CMD18 short
    uint32 next_block;
    int block_index; // blocks into the current transfer
    enum wstate ws;
    int multi;
    uint32 wblock;
    uint8 wbuf[SECT + 2];
    int wpos;
    int nwr;   // idle bytes seen between R1 and the first data token
    long busy; // bytes of busy left; -1: forever
    // What the card saw.
    int ncmd;
    uint8 cmd[LOG_MAX];
    uint32 arg[LOG_MAX];
    uint32 cmd_speed[LOG_MAX];
    int crc_errors, protocol_errors, bad_data_crc;
};

// ---- CRCs, written independently of the driver's ----

// Remainder of message * x^7 divided by x^7 + x^3 + 1.
static uint8
model_crc7(const uint8 *p, int n)
{
    unsigned long long v = 0;

    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    v <<= 7;
    for (int bit = n * 8 + 6; bit >= 7; bit--)
        if ((v >> bit) & 1)
            v ^= 0x89ull << (bit - 7);
    return v & 0x7f;
}

static uint16 crc16_table[256];

static uint16
model_crc16(const uint8 *p, int n)
{
    uint16 crc = 0;

    if (crc16_table[1] == 0) {
        for (int i = 0; i < 256; i++) {
            uint16 c = i << 8;
            for (int k = 0; k < 8; k++)
                c = (c & 0x8000) ? (uint16)((c << 1) ^ 0x1021) : c << 1;
            crc16_table[i] = c;
        }
    }
    for (int i = 0; i < n; i++)
        crc = (uint16)(crc << 8) ^ crc16_table[((crc >> 8) ^ p[i]) & 0xff];
    return crc;
}

// ---- the card model ----

static int count_cmd(const struct model *m, int cmd);

static void
push(struct model *m, uint8 b)
{
    if (m->olen < (int)sizeof(m->out))
        m->out[m->olen++] = b;
}

static int
corrupt_here(const struct model *m)
{
    return m->fault == F_READ_CRC &&
           (m->fault_block < 0 || m->block_index == m->fault_block);
}

static void
push_block(struct model *m, const uint8 *data, int n, int corrupt)
{
    uint16 crc = model_crc16(data, n) ^ (corrupt ? 0x1234 : 0);

    push(m, 0xff); // Nac
    if (m->fault == F_READ_TOKEN && n == SECT) {
        push(m, 0x08); // data error token: out of range
        return;
    }
    push(m, 0xfe);
    for (int i = 0; i < n; i++)
        push(m, data[i]);
    push(m, crc >> 8);
    push(m, crc & 0xff);
}

static void
set_bits(uint8 *csd, int hi, int lo, uint32 v)
{
    for (int b = lo; b <= hi; b++, v >>= 1) {
        uint8 mask = 1 << (b % 8);
        csd[15 - b / 8] =
            (v & 1) ? (csd[15 - b / 8] | mask) : (csd[15 - b / 8] & ~mask);
    }
}

static void
make_csd(const struct model *m, uint8 *csd)
{
    memset(csd, 0, 16);
    set_bits(csd, 103, 96, 0x32); // TRAN_SPEED 25 MHz
    set_bits(csd, 0, 0, 1);
    if (m->kind == SDHC) {
        set_bits(csd, 127, 126, 1);
        set_bits(csd, 83, 80, 9);
        set_bits(csd, 69, 48, NSECT / 1024 - 1);
    } else if (m->fault == F_HUGE_CSD) {
        set_bits(csd, 83, 80, 15);
        set_bits(csd, 73, 62, 4095);
        set_bits(csd, 49, 47, 7);
    } else if (m->kind == SDSC) { // 256 * 2^4 blocks of 1024 bytes
        set_bits(csd, 83, 80, 10);
        set_bits(csd, 73, 62, 255);
        set_bits(csd, 49, 47, 2);
    } else { // 2048 * 2^2 blocks of 512 bytes
        set_bits(csd, 83, 80, 9);
        set_bits(csd, 73, 62, 2047);
        set_bits(csd, 49, 47, 0);
    }
}

// Block number for a read/write argument, or -1 after queueing an error R1.
static long
data_block(struct model *m, uint32 arg)
{
    uint32 blk = arg;

    if (m->kind != SDHC) {
        if (arg % SECT) {
            push(m, 0x20); // address error
            return -1;
        }
        blk = arg / SECT;
    }
    if (blk >= NSECT) {
        push(m, 0x40); // parameter error (out of range)
        return -1;
    }
    return blk;
}

static void
do_app_cmd(struct model *m, uint8 cmd, uint32 arg)
{
    if (cmd != 41) {
        push(m, 0x05);
        return;
    }
    m->acmd41s++;
    if (m->fault != F_ACMD41_NEVER && m->acmd41s >= 3 &&
        (m->kind != SDHC || (arg & HCS)))
        m->ready = 1;
    push(m, m->ready ? 0x00 : 0x01);
}

static void
do_data_cmd(struct model *m, uint8 cmd, uint32 arg)
{
    long blk = data_block(m, arg);

    if (blk < 0)
        return;
    push(m, 0x00);
    m->block_index = 0;
    if (cmd == 17) {
        push_block(m, m->mem + blk * SECT, SECT, corrupt_here(m));
    } else if (cmd == 18) {
        m->streaming = 1;
        m->next_block = blk;
    } else {
        m->ws = W_TOKEN;
        m->nwr = 0;
        m->multi = cmd == 25;
        m->wblock = blk;
    }
}

// R7 for CMD8 (v1 cards: illegal), R3 (the OCR) for CMD58.
static void
do_long_reply(struct model *m, uint8 cmd, uint32 arg)
{
    uint8 r[5] = {m->ready ? 0 : 1};

    if (cmd == 8 && m->kind == SDV1) {
        push(m, 0x05);
        return;
    }
    if (cmd == 8) {
        r[3] = m->fault == F_NO_VOLTAGE ? 0 : (arg >> 8) & 0x0f;
        r[4] = (arg & 0xff) ^ (m->fault == F_BAD_ECHO ? 0x55 : 0);
    } else {
        r[1] = (m->ready ? 0x80 : 0) | (m->kind == SDHC && m->ready ? 0x40 : 0);
        r[2] = 0xff; // 2.7-3.6 V
        r[3] = 0x80;
    }
    for (int i = 0; i < 5; i++)
        push(m, r[i]);
}

static void
do_cmd(struct model *m, uint8 cmd, uint32 arg)
{
    uint8 csd[16];
    int idle = m->ready ? 0 : 1;

    if (m->app) {
        m->app = 0;
        do_app_cmd(m, cmd, arg);
        return;
    }
    if (!m->ready && cmd != 0 && cmd != 8 && cmd != 55 && cmd != 58) {
        push(m, 0x05); // not yet: illegal in the idle state
        return;
    }
    switch (cmd) {
    case 0:
        if (m->fault == F_CMD0_TWICE && count_cmd(m, 0) == 1) {
            m->olen = 0;
            break;
        }
        m->ready = 0;
        m->acmd41s = 0;
        push(m, 0x01);
        break;
    case 8:
    case 58:
        do_long_reply(m, cmd, arg);
        break;
    case 55:
        m->app = 1;
        push(m, idle);
        break;
    case 16:
        push(m, arg == SECT ? 0x00 : 0x40);
        break;
    case 9:
        push(m, 0x00);
        make_csd(m, csd);
        push_block(m, csd, 16, 0);
        break;
    case 17:
    case 18:
    case 24:
    case 25:
        do_data_cmd(m, cmd, arg);
        break;
    default:
        push(m, 0x04 | idle);
        break;
    }
}

static void
end_frame(struct model *m)
{
    uint8 cmd = m->frame[0] & 0x3f;
    uint32 arg = (uint32)m->frame[1] << 24 | m->frame[2] << 16 |
                 m->frame[3] << 8 | m->frame[4];

    if (m->ncmd < LOG_MAX) {
        m->cmd[m->ncmd] = cmd;
        m->arg[m->ncmd] = arg;
        m->cmd_speed[m->ncmd] = m->speed;
        m->ncmd++;
    }
    m->olen = m->opos = 0;
    if (m->frame[5] != (model_crc7(m->frame, 5) << 1 | 1)) {
        m->crc_errors++;
        push(m, 0xff);
        push(m, 0x08 | (m->ready ? 0 : 1)); // communication CRC error
        return;
    }
    if (cmd == 12) {
        push(m, m->was_streaming ? 0x7f : 0xff); // stuff byte: not an R1
        push(m, m->was_streaming ? 0x00 : 0x04);
        for (int i = 0; i < 3; i++)
            push(m, 0x00); // R1b busy
        m->was_streaming = 0;
        return;
    }
    m->was_streaming = 0;
    push(m, 0xff); // Ncr
    do_cmd(m, cmd, arg);
}

// What may come before a data block of CMD24/CMD25: idle bytes (at
// least one), the start token, or CMD25's stop token.
static void
write_token(struct model *m, uint8 in)
{
    if (in == 0xff) {
        m->nwr++;
    } else if (m->multi && in == 0xfd) { // stop tran
        m->ws = W_NONE;
        push(m, 0xff); // busy starts a byte late
        m->busy = 4;
    } else if (in != (m->multi ? 0xfc : 0xfe) || m->nwr == 0) {
        m->protocol_errors++;
    } else {
        m->ws = W_DATA;
        m->wpos = 0;
    }
}

// Data block bytes of CMD24/CMD25 and the tokens before them.
static uint8
write_byte(struct model *m, uint8 in)
{
    if (m->ws == W_TOKEN) {
        write_token(m, in);
        return 0xff;
    }
    m->wbuf[m->wpos++] = in;
    if (m->wpos < SECT + 2)
        return 0xff;
    uint16 crc = m->wbuf[SECT] << 8 | m->wbuf[SECT + 1];
    uint8 resp = 0x05;
    int at_fault = m->fault_block < 0 || m->block_index == m->fault_block;
    if (crc != model_crc16(m->wbuf, SECT)) {
        m->bad_data_crc++;
        resp = 0x0b;
    } else if (m->fault == F_WRITE_CRC && at_fault) {
        resp = 0x0b;
    } else if (m->fault == F_WRITE_ERR && at_fault) {
        resp = 0x0d;
    } else {
        memcpy(m->mem + (m->wblock + m->block_index) * SECT, m->wbuf, SECT);
    }
    m->block_index++;
    push(m, 0xe0 | resp); // the top three bits are undefined
    m->busy = (m->fault == F_BUSY_FOREVER) ? -1 : 6;
    m->ws = m->multi ? W_TOKEN : W_NONE;
    m->nwr = 1; // the host saw busy end: that was its gap
    return 0xff;
}

static uint8
model_byte(struct model *m, uint8 in)
{
    m->bytes++;
    if (!m->selected) {
        if (!m->ever_selected)
            m->clocks_before_select += 8;
        return 0xff;
    }
    if (m->fault == F_ABSENT)
        return 0xff;
    if (m->streaming && (in & 0xc0) == 0x40) {
        m->streaming = 0; // a command (CMD12) cuts the stream short
        m->was_streaming = 1;
        m->olen = m->opos = 0;
    } else if (m->opos < m->olen || m->streaming) {
        if (m->opos == m->olen) { // next block of CMD18
            m->olen = m->opos = 0;
            if (m->next_block < NSECT)
                push_block(m, m->mem + m->next_block++ * SECT, SECT,
                           corrupt_here(m));
            else
                push(m, 0x08); // data error token: out of range
            m->block_index++;
        }
        return m->out[m->opos++];
    }
    if (m->busy != 0) {
        m->busy -= m->busy > 0;
        return 0x00;
    }
    if (m->ws != W_NONE)
        return write_byte(m, in);
    if (m->flen == 0 && in == 0xff)
        return 0xff;
    if (m->flen == 0 && (in & 0xc0) != 0x40) {
        m->protocol_errors++;
        return 0xff;
    }
    m->frame[m->flen++] = in;
    if (m->flen == 6) {
        m->flen = 0;
        end_frame(m);
    }
    return 0xff;
}

// ---- the bus ops and the kernel functions sd_spi.c calls ----

static void
t_xfer(void *bus, const uint8 *tx, uint8 *rx, uint32 n)
{
    for (uint32 i = 0; i < n; i++) {
        uint8 b = model_byte(bus, tx ? tx[i] : 0xff);
        if (rx)
            rx[i] = b;
    }
}

static void
t_cs_assert(void *bus)
{
    struct model *m = bus;

    m->selected = m->ever_selected = 1;
}

static void
t_cs_release(void *bus)
{
    ((struct model *)bus)->selected = 0;
}

static void
t_set_speed(void *bus, uint32 hz)
{
    ((struct model *)bus)->speed = hz;
}

static const struct sd_spi_ops t_ops = {
    .xfer = t_xfer,
    .cs_assert = t_cs_assert,
    .cs_release = t_cs_release,
    .set_speed = t_set_speed,
};

static int capturing, nmessages, nacquires;
static char last_msg[512];

// Kernel printf: the driver's messages are counted and kept.
int
printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (capturing) {
        nmessages++;
        snprintf(last_msg, sizeof last_msg, "%s", buf);
        fputs("    | ", stdout);
    }
    fputs(buf, stdout);
    return n;
}

void
initlock(struct spinlock *lk, const char *name)
{
    lk->locked = 0;
    lk->name = name;
}

void
acquire(struct spinlock *lk)
{
    if (lk->locked) {
        fprintf(stderr, "acquire: %s already held\n", lk->name);
        abort();
    }
    lk->locked = 1;
    nacquires++;
}

void
release(struct spinlock *lk)
{
    if (!lk->locked) {
        fprintf(stderr, "release: %s not held\n", lk->name);
        abort();
    }
    lk->locked = 0;
}

static struct {
    const struct blk_ops *ops;
    void *dev;
    uint64 nsectors;
    const char *name;
    int calls;
} reg;

void
blkdev_register(const struct blk_ops *ops, void *dev, uint64 nsectors,
                const char *name)
{
    reg.ops = ops;
    reg.dev = dev;
    reg.nsectors = nsectors;
    reg.name = name;
    reg.calls++;
}

// ---- fixtures ----

static void
fill(uint8 *buf, int n, int seed)
{
    for (int i = 0; i < n; i++)
        buf[i] = (uint8)(seed * 31 + i * 7 + (i >> 9));
}

static struct model *
new_model(enum kind kind, enum fault fault)
{
    struct model *m = calloc(1, sizeof(*m));

    m->kind = kind;
    m->fault = fault;
    m->fault_block = -1;
    m->mem = malloc(NSECT * SECT);
    fill(m->mem, NSECT * SECT, 99);
    return m;
}

static void
free_model(struct model *m)
{
    free(m->mem);
    free(m);
}

static int
attach(struct model *m, struct sd_card *c)
{
    int r;

    memset(c, 0, sizeof(*c));
    memset(&reg, 0, sizeof(reg));
    nmessages = 0;
    capturing = 1;
    r = sd_spi_attach(c, &t_ops, m);
    capturing = 0;
    return r;
}

// A transfer through the registered blk_ops, as the kernel makes it.
static int
xfer(struct sd_card *c, uint64 sector, void *buf, uint32 count, int write)
{
    int r, before = nacquires;

    nmessages = 0;
    capturing = 1;
    r = reg.ops->rw(c, sector, buf, count, write);
    capturing = 0;
    if (c->lock.locked || (r == 0 && nacquires != before + 1)) {
        printf("  lock left held or not taken\n");
        ht_cur.failed_checks++;
    }
    return r;
}

// Index of the last logged command `cmd`, or -1.
static int
last_cmd(const struct model *m, int cmd)
{
    for (int i = m->ncmd - 1; i >= 0; i--)
        if (m->cmd[i] == cmd)
            return i;
    return -1;
}

// Argument of the last command `cmd`; a value no test expects if none.
static uint32
last_arg(const struct model *m, int cmd)
{
    int i = last_cmd(m, cmd);

    return i >= 0 ? m->arg[i] : 0xdeadbeef;
}

static int
count_cmd(const struct model *m, int cmd)
{
    int n = 0;

    for (int i = 0; i < m->ncmd; i++)
        n += m->cmd[i] == cmd;
    return n;
}

// A model card of `kind`, attached; NULL (after failing a check) if not.
static struct model *
ready_card(enum kind kind, struct sd_card *c)
{
    struct model *m = new_model(kind, F_NONE);

    if (!CHECK_EQ(attach(m, c), 0) || !CHECK_EQ(reg.calls, 1)) {
        free_model(m);
        return NULL;
    }
    return m;
}

// ---- tests ----

// The model's CRCs against published values, before trusting the model.
static void
test_model_crcs(void)
{
    uint8 cmd0[5] = {0x40, 0, 0, 0, 0}, cmd8[5] = {0x48, 0, 0, 0x01, 0xaa};
    uint8 cmd17[5] = {0x51, 0, 0, 0, 0}, ones[SECT];

    memset(ones, 0xff, sizeof ones);
    CHECK_EQ(model_crc7(cmd0, 5) << 1 | 1, 0x95);
    CHECK_EQ(model_crc7(cmd8, 5) << 1 | 1, 0x87);
    CHECK_EQ(model_crc7(cmd17, 5) << 1 | 1, 0x55);
    CHECK_EQ(model_crc16(ones, SECT), 0x7fa1);
}

static void
test_init_sdhc(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    int i41;

    if (m == NULL)
        return;
    CHECK_EQ(reg.nsectors, NSECT);
    CHECK(reg.dev == &c);
    CHECK(strncmp(reg.name, "sd", 2) == 0 && reg.name[2] >= '0');
    CHECK_EQ(c.block_addr, 1);
    CHECK(m->clocks_before_select >= 74);
    CHECK_EQ(m->cmd[0], 0);
    CHECK_EQ(m->cmd[1], 8);
    CHECK_EQ(m->arg[1], 0x1aa);
    i41 = last_cmd(m, 41);
    CHECK(i41 > 0 && (m->arg[i41] & HCS) && m->cmd[i41 - 1] == 55);
    CHECK(last_cmd(m, 58) > i41);
    CHECK_EQ(count_cmd(m, 16), 0); // block-addressed cards need no CMD16
    CHECK(last_cmd(m, 9) > 0);
    CHECK_EQ(m->crc_errors, 0);
    CHECK_EQ(m->protocol_errors, 0);
    CHECK_EQ(nmessages, 1); // the one line saying what was found
    free_model(m);
}

static void
test_init_sdsc(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDSC, &c);
    int i16;

    if (m == NULL)
        return;
    CHECK_EQ(reg.nsectors, NSECT); // CSD 1.0 with 1024-byte READ_BL_LEN
    CHECK_EQ(c.block_addr, 0);
    i16 = last_cmd(m, 16);
    CHECK(i16 > last_cmd(m, 58) && m->arg[i16] == SECT);
    CHECK_EQ(m->crc_errors, 0);
    free_model(m);
}

static void
test_init_v1(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDV1, &c);
    int i41;

    if (m == NULL)
        return;
    CHECK_EQ(reg.nsectors, NSECT); // CSD 1.0 with 512-byte READ_BL_LEN
    CHECK_EQ(c.block_addr, 0);
    i41 = last_cmd(m, 41);
    CHECK(i41 > 0 && (m->arg[i41] & HCS) == 0);
    CHECK_EQ(count_cmd(m, 58), 0);
    CHECK_EQ(last_arg(m, 16), SECT);
    CHECK_EQ(m->crc_errors, 0);
    free_model(m);
}

static void
test_init_speeds(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDSC, &c);
    int slow = 1;

    if (m == NULL)
        return;
    for (int i = 0; i < m->ncmd; i++)
        slow &= m->cmd_speed[i] > 0 && m->cmd_speed[i] <= 400000;
    CHECK(slow);
    CHECK(m->speed > 400000 && m->speed <= 25000000);
    free_model(m);
}

static void
test_names_distinct(void)
{
    struct sd_card a, b;
    struct model *ma = ready_card(SDHC, &a), *mb = ready_card(SDHC, &b);

    if (ma && mb)
        CHECK(strcmp(a.name, b.name) != 0);
    if (ma)
        free_model(ma);
    if (mb)
        free_model(mb);
}

static void
test_single_rw_sdhc(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    uint8 out[SECT], in[SECT];

    if (m == NULL)
        return;
    fill(out, SECT, 1);
    CHECK_EQ(xfer(&c, 5, out, 1, 1), 0);
    CHECK_EQ(last_arg(m, 24), 5);
    CHECK(memcmp(m->mem + 5 * SECT, out, SECT) == 0);
    CHECK_EQ(xfer(&c, 5, in, 1, 0), 0);
    CHECK_EQ(last_arg(m, 17), 5);
    CHECK(memcmp(in, out, SECT) == 0);
    CHECK_EQ(xfer(&c, NSECT - 1, in, 1, 0), 0);
    CHECK(memcmp(in, m->mem + (NSECT - 1) * SECT, SECT) == 0);
    CHECK_EQ(m->bad_data_crc, 0);
    CHECK_EQ(m->crc_errors, 0);
    CHECK_EQ(m->protocol_errors, 0);
    CHECK_EQ(nmessages, 0);
    free_model(m);
}

static void
test_multi_rw_sdhc(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    uint8 *out = malloc(8 * SECT), *in = malloc(8 * SECT);
    uint8 after[SECT];
    int i18;

    if (m == NULL)
        goto done;
    memcpy(after, m->mem + 108 * SECT, SECT);
    fill(out, 8 * SECT, 2);
    CHECK_EQ(xfer(&c, 100, out, 8, 1), 0);
    CHECK_EQ(last_arg(m, 25), 100);
    CHECK(memcmp(m->mem + 100 * SECT, out, 8 * SECT) == 0);
    CHECK(memcmp(m->mem + 108 * SECT, after, SECT) == 0);
    CHECK_EQ(m->ws, W_NONE); // the stop token ended CMD25
    CHECK_EQ(xfer(&c, 100, in, 8, 0), 0);
    i18 = last_cmd(m, 18);
    CHECK(i18 > 0 && m->arg[i18] == 100 && last_cmd(m, 12) == i18 + 1);
    CHECK(memcmp(in, out, 8 * SECT) == 0);
    CHECK_EQ(xfer(&c, 1000, in, 3, 0), 0); // data the card already held
    CHECK(memcmp(in, m->mem + 1000 * SECT, 3 * SECT) == 0);
    CHECK_EQ(xfer(&c, 1000, in, 1, 0), 0); // the card is back in step
    CHECK(memcmp(in, m->mem + 1000 * SECT, SECT) == 0);
    CHECK_EQ(m->bad_data_crc, 0);
    CHECK_EQ(m->crc_errors + m->protocol_errors, 0);
    free_model(m);
done:
    free(out);
    free(in);
}

// SDSC and v1 cards: every data command carries a byte address.
static void
check_byte_addressing(enum kind kind)
{
    struct sd_card c;
    struct model *m = ready_card(kind, &c);
    uint8 out[4 * SECT], in[4 * SECT];

    if (m == NULL)
        return;
    fill(out, sizeof out, 3);
    CHECK_EQ(xfer(&c, 3, out, 1, 1), 0);
    CHECK_EQ(last_arg(m, 24), 3 * SECT);
    CHECK_EQ(xfer(&c, 7, out, 2, 1), 0);
    CHECK_EQ(last_arg(m, 25), 7 * SECT);
    CHECK_EQ(xfer(&c, 3, in, 1, 0), 0);
    CHECK_EQ(last_arg(m, 17), 3 * SECT);
    CHECK(memcmp(in, out, SECT) == 0);
    CHECK_EQ(xfer(&c, 7, in, 2, 0), 0);
    CHECK_EQ(last_arg(m, 18), 7 * SECT);
    CHECK(memcmp(in, out, 2 * SECT) == 0);
    CHECK(memcmp(m->mem + 3 * SECT, out, SECT) == 0);
    CHECK_EQ(xfer(&c, 10, in, 4, 0), 0);
    CHECK_EQ(last_arg(m, 18), 10 * SECT);
    CHECK(memcmp(in, m->mem + 10 * SECT, 4 * SECT) == 0);
    CHECK_EQ(m->crc_errors + m->protocol_errors + m->bad_data_crc, 0);
    free_model(m);
}

static void
test_sdsc_byte_addressing(void)
{
    check_byte_addressing(SDSC);
}

static void
test_v1_byte_addressing(void)
{
    check_byte_addressing(SDV1);
}

static void
test_bad_ranges(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    uint8 buf[2 * SECT];
    int n;

    if (m == NULL)
        return;
    n = m->ncmd;
    CHECK_EQ(xfer(&c, NSECT, buf, 1, 0), -1);
    CHECK_EQ(xfer(&c, NSECT - 1, buf, 2, 0), -1);
    CHECK_EQ(xfer(&c, 0, buf, 0, 0), -1);
    CHECK_EQ(xfer(&c, ~0ull, buf, 1, 1), -1);
    CHECK_EQ(xfer(&c, 1, buf, 0xffffffffu, 0), -1);
    CHECK_EQ(m->ncmd, n); // refused before reaching the card
    free_model(m);
}

// An init that must fail with one message naming `why`, without hanging.
static void
check_init_fails(enum kind kind, enum fault fault, const char *why)
{
    struct sd_card c;
    struct model *m = new_model(kind, fault);

    CHECK_EQ(attach(m, &c), -1);
    CHECK_EQ(reg.calls, 0);
    CHECK_EQ(nmessages, 1);
    if (!CHECK(strstr(last_msg, why) != NULL))
        printf("  message was: %s", last_msg);
    if (fault == F_ACMD41_NEVER)
        CHECK(m->acmd41s > 100 && m->acmd41s <= 10000);
    free_model(m);
}

static void
test_cmd0_retried(void)
{
    struct sd_card c;
    struct model *m = new_model(SDHC, F_CMD0_TWICE);

    CHECK_EQ(attach(m, &c), 0);
    CHECK_EQ(count_cmd(m, 0), 2);
    CHECK_EQ(reg.nsectors, NSECT);
    free_model(m);
}

static void
test_byte_addressing_limit(void)
{
    struct sd_card c;
    struct model *m = new_model(SDSC, F_HUGE_CSD);
    uint8 buf[SECT];

    CHECK_EQ(attach(m, &c), 0);
    CHECK_EQ(reg.nsectors, 1ull << 23); // 4 GiB: the last byte address
    CHECK_EQ(xfer(&c, 7, buf, 1, 0), 0);
    CHECK_EQ(last_arg(m, 17), 7 * SECT);
    CHECK_EQ(xfer(&c, 1ull << 23, buf, 1, 0), -1);
    free_model(m);
}

static void
test_card_absent(void)
{
    check_init_fails(SDHC, F_ABSENT, "no card");
}

static void
test_acmd41_never_ready(void)
{
    check_init_fails(SDHC, F_ACMD41_NEVER, "ACMD41");
}

static void
test_cmd8_bad_echo(void)
{
    check_init_fails(SDSC, F_BAD_ECHO, "CMD8");
}

// A transfer of `count` sectors at 20 that must fail with one message
// naming `why`. Unless the card is left stuck (busy forever inside CMD25),
// clearing the fault must then let the same transfer work: the driver and
// the card are back in step.
static void
check_rw_fault(enum fault fault, int block, uint32 count, int write,
               const char *why)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    uint8 *buf = malloc(count * SECT), *old = malloc(count * SECT);
    int bad = block > 0 ? block : 0;

    if (m == NULL)
        goto done;
    fill(buf, count * SECT, 4);
    memcpy(old, m->mem + 20 * SECT, count * SECT);
    m->fault = fault;
    m->fault_block = block;
    CHECK_EQ(xfer(&c, 20, buf, count, write), -1);
    CHECK_EQ(nmessages, 1);
    if (!CHECK(strstr(last_msg, why) != NULL))
        printf("  message was: %s", last_msg);
    if (write) // blocks before the bad one were written
        CHECK(memcmp(m->mem + 20 * SECT, buf, bad * SECT) == 0);
    if (fault == F_WRITE_ERR || fault == F_WRITE_CRC) // the bad one was not
        CHECK(memcmp(m->mem + (20 + bad) * SECT, old + bad * SECT, SECT) == 0);
    if (count > 1 && !write)
        CHECK(last_cmd(m, 12) > last_cmd(m, 18)); // stopped
    if (fault == F_BUSY_FOREVER && count > 1)
        goto out;
    m->fault = F_NONE;
    m->busy = 0;
    CHECK_EQ(xfer(&c, 20, buf, count, write), 0);
    if (!write)
        CHECK(memcmp(buf, m->mem + 20 * SECT, count * SECT) == 0);
    CHECK_EQ(m->protocol_errors, 0);
out:
    free_model(m);
done:
    free(buf);
    free(old);
}

static void
test_cmd8_voltage_refused(void)
{
    check_init_fails(SDHC, F_NO_VOLTAGE, "voltage");
}

static void
test_read_crc_error(void)
{
    check_rw_fault(F_READ_CRC, -1, 1, 0, "CRC16");
}

static void
test_multi_read_crc_error(void)
{
    check_rw_fault(F_READ_CRC, 2, 4, 0, "CRC16");
}

static void
test_read_error_token(void)
{
    check_rw_fault(F_READ_TOKEN, -1, 1, 0, "error token");
}

static void
test_write_error_response(void)
{
    check_rw_fault(F_WRITE_ERR, -1, 1, 1, "write error");
}

static void
test_write_crc_response(void)
{
    check_rw_fault(F_WRITE_CRC, -1, 1, 1, "CRC error");
}

static void
test_multi_write_error_midway(void)
{
    check_rw_fault(F_WRITE_ERR, 1, 4, 1, "write error");
}

static void
test_busy_forever(void)
{
    check_rw_fault(F_BUSY_FOREVER, -1, 1, 1, "busy");
}

static void
test_multi_write_busy_forever(void)
{
    check_rw_fault(F_BUSY_FOREVER, -1, 3, 1, "busy");
}

int
main(void)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_model_crcs),
        HT_TEST(test_init_sdhc),
        HT_TEST(test_init_sdsc),
        HT_TEST(test_init_v1),
        HT_TEST(test_init_speeds),
        HT_TEST(test_names_distinct),
        HT_TEST(test_single_rw_sdhc),
        HT_TEST(test_multi_rw_sdhc),
        HT_TEST(test_sdsc_byte_addressing),
        HT_TEST(test_v1_byte_addressing),
        HT_TEST(test_bad_ranges),
        HT_TEST(test_cmd0_retried),
        HT_TEST(test_byte_addressing_limit),
        HT_TEST(test_card_absent),
        HT_TEST(test_acmd41_never_ready),
        HT_TEST(test_cmd8_bad_echo),
        HT_TEST(test_cmd8_voltage_refused),
        HT_TEST(test_read_crc_error),
        HT_TEST(test_multi_read_crc_error),
        HT_TEST(test_read_error_token),
        HT_TEST(test_write_error_response),
        HT_TEST(test_write_crc_response),
        HT_TEST(test_multi_write_error_midway),
        HT_TEST(test_busy_forever),
        HT_TEST(test_multi_write_busy_forever),
    };

    return HT_RUN(tests);
}
