// The byte level of the sd_spi host test's SD card model: chip select,
// the MISO queue, data blocks in and out, busy, and the bus ops the driver
// is given. What a command frame means is sd_card.c's.
#include <stdlib.h>
#include <string.h>

#include "sd_model.h"

// Remainder of message * x^7 divided by x^7 + x^3 + 1.
uint8
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

// CRC16-CCITT (x^16 + x^12 + x^5 + 1, initial 0), table-driven.
uint16
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

// A full queue drops the byte: no reply the model makes comes near 1024.
void
model_push(struct model *m, uint8 b)
{
    if (m->olen < (int)sizeof(m->out))
        m->out[m->olen++] = b;
}

// A fault_block below 0 spoils every block of the read.
int
model_corrupt_here(const struct model *m)
{
    return m->fault == F_READ_CRC &&
           (m->fault_block < 0 || m->block_index == m->fault_block);
}

// A CSD (n == 16) is never turned into an error token.
void
model_push_block(struct model *m, const uint8 *data, int n, int corrupt)
{
    uint16 crc = model_crc16(data, n) ^ (corrupt ? 0x1234 : 0);

    model_push(m, 0xff); // Nac
    if (m->fault == F_READ_TOKEN && n == SECT) {
        model_push(m, 0x08); // data error token: out of range
        return;
    }
    model_push(m, 0xfe);
    for (int i = 0; i < n; i++)
        model_push(m, data[i]);
    model_push(m, crc >> 8);
    model_push(m, crc & 0xff);
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
        model_push(m, 0xff); // busy starts a byte late
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
    model_push(m, 0xe0 | resp); // the top three bits are undefined
    m->busy = (m->fault == F_BUSY_FOREVER) ? -1 : 6;
    m->ws = m->multi ? W_TOKEN : W_NONE;
    m->nwr = 1; // the host saw busy end: that was its gap
    return 0xff;
}

// One byte exchanged: `in` came on MOSI, the result goes out on MISO.
// A card not selected ignores MOSI; clocks before the first select count
// towards the 74 the spec asks for.
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
                model_push_block(m, m->mem + m->next_block++ * SECT, SECT,
                                 model_corrupt_here(m));
            else
                model_push(m, 0x08); // data error token: out of range
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
        card_frame(m);
    }
    return 0xff;
}

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

static uint32
t_set_speed(void *bus, uint32 hz)
{
    ((struct model *)bus)->speed = hz;
    return hz;
}

// Each op takes the struct model the driver was given as its bus.
const struct sd_spi_ops model_ops = {
    .xfer = t_xfer,
    .cs_assert = t_cs_assert,
    .cs_release = t_cs_release,
    .set_speed = t_set_speed,
};

// i >> 9 adds the block number, so neighbouring blocks never match.
void
fill(uint8 *buf, int n, int seed)
{
    for (int i = 0; i < n; i++)
        buf[i] = (uint8)(seed * 31 + i * 7 + (i >> 9));
}

// Memory is not checked: a host test that runs out may as well crash.
struct model *
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

// Frees the card and its memory; m is not used again.
void
free_model(struct model *m)
{
    free(m->mem);
    free(m);
}

// Counts in the log, so a command past LOG_MAX is not seen.
int
count_cmd(const struct model *m, int cmd)
{
    int n = 0;

    for (int i = 0; i < m->ncmd; i++)
        n += m->cmd[i] == cmd;
    return n;
}
