// The SD card model behind the DW MSHC model (dw_model.c): its states,
// responses and the data commands it accepts, after the SD Physical Layer
// Simplified Spec. It sees the controller only through dw_model.h.
#include <string.h>

#include "dw_model.h"

static int
dma_on(void)
{
    return (*reg(DWM_CTRL) & (CTRL_USE_IDMAC | CTRL_DMA_ENABLE)) ||
           (*reg(DWM_BMOD) & BMOD_DE);
}

static uint32
status_r1(enum cstate at)
{
    uint32 s = (uint32)at << 9 | (model->app ? ST_APP_CMD : 0) |
               (model->illegal ? ST_ILLEGAL : 0) |
               (at == S_TRAN ? ST_READY_FOR_DATA : 0);

    model->illegal = 0; // reported once, in the next response
    return s;
}

static void
set_bits(uint32 *w, int hi, int lo, uint32 v)
{
    for (int b = lo; b <= hi; b++, v >>= 1)
        w[b / 32] = (w[b / 32] & ~(1U << (b % 32))) | ((v & 1) << (b % 32));
}

// The CSD as RESP0..3 hold it: RESP3 bits 31:0 are CSD bits 127:96.
static void
make_csd(uint32 *w)
{
    memset(w, 0, 16);
    set_bits(w, 103, 96, 0x32); // TRAN_SPEED 25 MHz
    if (model->kind == SDHC) {
        set_bits(w, 127, 126, 1);
        set_bits(w, 83, 80, 9);
        set_bits(w, 69, 48, NSECT / 1024 - 1); // units of 512 KiB
    } else { // 256 * 2^(2+2) blocks of 2^10 bytes
        set_bits(w, 83, 80, 10);
        set_bits(w, 73, 62, 255);
        set_bits(w, 49, 47, 2);
    }
}

// A data command the card accepted: the transfer starts.
static void
start_data(uint32 idx, uint32 blk, uint32 flags)
{
    int write = idx == 24 || idx == 25, multi = idx == 18 || idx == 25;
    uint32 bytes = *reg(DWM_BYTCNT);

    if (!(flags & CMD_DATA) || !!(flags & CMD_WRITE) != write)
        model_error("CMD%u without the right data/write bits", idx);
    if (!!(flags & CMD_AUTO_STOP) != multi)
        model_error("CMD%u with auto stop %s", idx, multi ? "off" : "on");
    if (*reg(DWM_BLKSIZ) != SECT || bytes % SECT || bytes == 0 ||
        (!multi && bytes != SECT))
        model_error("CMD%u: BLKSIZ %u BYTCNT %u", idx, *reg(DWM_BLKSIZ), bytes);
    if (card_hz() > 25000000)
        model_error("data at %u Hz", card_hz());
    model->corrupt = (int)(*reg(DWM_CTYPE) & 1) != model->wide;
    if (model->corrupt)
        model_error("CTYPE 0x%x but the card is %d-bit", *reg(DWM_CTYPE),
                    model->wide ? 4 : 1);
    if (dma_on()) { // the IDMAC takes the data, the FIFO sees none
        model->dma_used++;
        model_error("data command with the DMA engine on");
        *reg(DWM_RINTSTS) |= INT_DATA_OVER;
        return;
    }
    model->st = write ? S_RCV : S_DATA;
    model->xfer = write ? 'w' : 'r';
    model->auto_stop = multi;
    model->xblock = blk;
    model->xleft = bytes;
    model->xword = 0;
    model->block_index = 0;
}

// Block number of a read or write argument, or -1 with the R1 error set.
static long
data_block(uint32 arg, uint32 *r1)
{
    uint32 blk = model->kind == SDHC ? arg : arg / SECT;

    if (model->kind != SDHC && arg % SECT) {
        *r1 |= ST_ADDRESS_ERROR;
        return -1;
    }
    if (blk >= NSECT) {
        *r1 |= ST_OUT_OF_RANGE;
        return -1;
    }
    return blk;
}

static enum resp
app_cmd(uint32 idx, uint32 arg, uint32 *r)
{
    int fit = (arg & 0xff8000) != 0;

    if (idx == 41 && (model->st == S_IDLE || model->st == S_READY)) {
        model->acmd41s++;
        if (fit && model->fault != F_ACMD41_NEVER && model->acmd41s >= 3 &&
            (model->kind != SDHC || (arg & (1U << 30))))
            model->st = S_READY;
        r[0] = 0xff8000;
        if (model->st == S_READY)
            r[0] |= (1U << 31) | (model->kind == SDHC ? 1U << 30 : 0);
        return R48_NOCRC;
    }
    if (idx == 6 && model->st == S_TRAN) {
        r[0] = status_r1(model->st);
        model->wide = (arg & 3) == 2;
        return R48;
    }
    model->illegal = 1;
    return NONE;
}

// CMD7: select by our RCA, deselect by any other.
static enum resp
select_cmd(uint32 arg, uint32 *r)
{
    if (model->st == S_STBY && arg >> 16 == model->rca) {
        r[0] = status_r1(model->st);
        model->st = S_TRAN;
        model->busy = 3;
        return R48;
    }
    if (model->st == S_TRAN && arg >> 16 != model->rca)
        model->st = S_STBY;
    else
        model->illegal = 1;
    return NONE;
}

static enum resp
stop_cmd(uint32 *r)
{
    r[0] = status_r1(model->st);
    if (model->st == S_DATA) {
        model->st = S_TRAN;
    } else if (model->st == S_RCV) {
        model->st = S_PRG;
        model->busy = model->fault == F_BUSY_FOREVER ? -1 : 3;
    } else {
        model->illegal = 1;
        return NONE;
    }
    model->xfer = 0;
    return R48;
}

static enum resp
rw_cmd(uint32 idx, uint32 arg, uint32 flags, uint32 *r)
{
    long blk;

    if (model->st != S_TRAN) {
        model->illegal = 1;
        return NONE;
    }
    r[0] = status_r1(model->st);
    if (model->fault == F_ECC && (idx == 17 || idx == 18))
        r[0] |= ST_ECC_FAILED;
    blk = r[0] & ST_ECC_FAILED ? -1 : data_block(arg, r);
    if (blk >= 0)
        start_data(idx, blk, flags);
    return R48;
}

// CMD2 (CID), CMD3 (RCA) and CMD9 (CSD): naming and describing the card.
static enum resp
id_cmd(uint32 idx, uint32 arg, uint32 *r)
{
    if (idx == 2 && model->st == S_READY) {
        model->st = S_IDENT;
        r[0] = 0x11111111, r[1] = 0x22222222, r[2] = 0x33333333;
        r[3] = 0x0353444d; // manufacturer 3, "SD"
        return R136;
    }
    if (idx == 3 && (model->st == S_IDENT || model->st == S_STBY)) {
        model->st = S_STBY;
        model->rca = CARD_RCA;
        r[0] = model->rca << 16 | (uint32)S_STBY << 9;
        return R48;
    }
    if (idx == 9 && model->st == S_STBY && arg >> 16 == model->rca) {
        make_csd(r);
        return R136;
    }
    model->illegal = 1;
    return NONE;
}

// The card's side of one command: its response, if any, into r.
enum resp
card_cmd(uint32 idx, uint32 arg, uint32 flags, uint32 *r)
{
    int app = model->app;

    model->app = 0;
    if (app && (idx == 41 || idx == 6))
        return app_cmd(idx, arg, r);
    switch (idx) {
    case 0:
        model->st = S_IDLE;
        model->rca = model->wide = model->acmd41s = 0;
        model->xfer = 0;
        return NONE;
    case 8:
        if (model->st != S_IDLE || model->kind == SDV1 ||
            ((arg >> 8) & 0xf) != 1)
            break;
        r[0] = (arg & 0xfff) ^ (model->fault == F_BAD_ECHO ? 0x55 : 0);
        return R48;
    case 55:
        if (model->st != S_IDLE && model->st != S_READY &&
            arg >> 16 != model->rca)
            break;
        model->app = 1;
        r[0] = status_r1(model->st);
        return R48;
    case 2:
    case 3:
    case 9:
        return id_cmd(idx, arg, r);
    case 7:
        return select_cmd(arg, r);
    case 12:
        return stop_cmd(r);
    case 16:
        if (model->st != S_TRAN)
            break;
        r[0] = status_r1(model->st);
        if (arg != SECT)
            model_error("block length %u", arg);
        return R48;
    case 17:
    case 18:
    case 24:
    case 25:
        return rw_cmd(idx, arg, flags, r);
    }
    model->illegal = 1;
    return NONE;
}

// Rules the card and controller put on any command.
int
card_hears(uint32 idx, uint32 flags)
{
    uint32 hz = card_hz();

    if ((*reg(DWM_PWREN) & 1) == 0 || model->fault == F_ABSENT)
        return 0;
    if (hz == 0) {
        model_error("CMD%u with the card clock off", idx);
        return 0;
    }
    if (model->st <= S_IDENT && (hz > 400000 || hz < 100000))
        model_error("CMD%u in identification mode at %u Hz", idx, hz);
    if (model->busy != 0 && idx != 12 && idx != 0)
        model_error("CMD%u while the card is busy", idx);
    if (model->xfer && !(flags & (CMD_WAIT | CMD_ABORT)))
        model_error("CMD%u during a transfer without wait/abort", idx);
    if (model->needs_init && !(flags & CMD_INIT)) {
        model_error("CMD%u before the 80 power-up clocks", idx);
        return 0;
    }
    model->needs_init = 0;
    return 1;
}
