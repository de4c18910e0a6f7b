// The SD card's command side in the sd_spi host test's model: a frame's
// log entry, its R1/R3/R7 reply and the CSD, after the SD Physical Layer
// Simplified Spec (SPI mode). Bytes on the wire are sd_model.c's.
#include <string.h>

#include "sd_model.h"

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
            model_push(m, 0x20); // address error
            return -1;
        }
        blk = arg / SECT;
    }
    if (blk >= NSECT) {
        model_push(m, 0x40); // parameter error (out of range)
        return -1;
    }
    return blk;
}

static void
do_app_cmd(struct model *m, uint8 cmd, uint32 arg)
{
    if (cmd != 41) {
        model_push(m, 0x05);
        return;
    }
    m->acmd41s++;
    if (m->fault != F_ACMD41_NEVER && m->acmd41s >= 3 &&
        (m->kind != SDHC || (arg & HCS)))
        m->ready = 1;
    model_push(m, m->ready ? 0x00 : 0x01);
}

static void
do_data_cmd(struct model *m, uint8 cmd, uint32 arg)
{
    long blk = data_block(m, arg);

    if (blk < 0)
        return;
    model_push(m, 0x00);
    m->block_index = 0;
    if (cmd == 17) {
        model_push_block(m, m->mem + blk * SECT, SECT, model_corrupt_here(m));
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
        model_push(m, 0x05);
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
        model_push(m, r[i]);
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
        model_push(m, 0x05); // not yet: illegal in the idle state
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
        model_push(m, 0x01);
        break;
    case 8:
    case 58:
        do_long_reply(m, cmd, arg);
        break;
    case 55:
        m->app = 1;
        model_push(m, idle);
        break;
    case 16:
        model_push(m, arg == SECT ? 0x00 : 0x40);
        break;
    case 9:
        model_push(m, 0x00);
        make_csd(m, csd);
        model_push_block(m, csd, 16, 0);
        break;
    case 17:
    case 18:
    case 24:
    case 25:
        do_data_cmd(m, cmd, arg);
        break;
    default:
        model_push(m, 0x04 | idle);
        break;
    }
}

// Called by the byte level once a frame is whole. The reply replaces what
// was still queued: a new command ends the card's interest in the old one.
void
card_frame(struct model *m)
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
        model_push(m, 0xff);
        model_push(m, 0x08 | (m->ready ? 0 : 1)); // communication CRC error
        return;
    }
    if (cmd == 12) {
        model_push(m, m->was_streaming ? 0x7f : 0xff); // stuff byte: not an R1
        model_push(m, m->was_streaming ? 0x00 : 0x04);
        for (int i = 0; i < 3; i++)
            model_push(m, 0x00); // R1b busy
        m->was_streaming = 0;
        return;
    }
    m->was_streaming = 0;
    model_push(m, 0xff); // Ncr
    do_cmd(m, cmd, arg);
}
