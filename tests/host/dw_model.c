// The DW MSHC register model for the dw_mshc host test: commands, clocks,
// the FIFO window and time (one tick per register read). The card behind
// it is dw_card.c's; the test reads the state through dw_model.h.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_model.h"

struct model *model;

// The driver broke a rule of the controller or the card.
void
model_error(const char *fmt, ...)
{
    va_list ap;

    if (model->errors++ == 0) {
        va_start(ap, fmt);
        vsnprintf(model->first_error, sizeof model->first_error, fmt, ap);
        va_end(ap);
    }
}

uint32
card_hz(void)
{
    if (!model->card_ena)
        return 0;
    return model->card_div ? model->ciu_hz / (2 * model->card_div)
                           : model->ciu_hz;
}

// The controller side: response registers and RINTSTS.
static void
run_cmd(uint32 val)
{
    uint32 idx = val & 0x3f, arg = *reg(DWM_CMDARG), r[4] = {0};
    enum resp kind = NONE;

    if (model->ncmd < LOG_MAX) {
        model->cmd[model->ncmd] = idx;
        model->arg[model->ncmd] = arg;
        model->flags[model->ncmd] = val;
        model->hz[model->ncmd++] = card_hz();
    }
    if (card_hears(idx, val))
        kind = card_cmd(idx, arg, val, r);
    if (val & CMD_RESP) {
        if (kind == NONE) {
            *reg(DWM_RINTSTS) |= INT_RTO;
        } else {
            if ((kind == R136) != !!(val & CMD_LONG))
                model_error("CMD%u: response length flag wrong", idx);
            if (kind == R48_NOCRC && (val & CMD_CRC))
                *reg(DWM_RINTSTS) |= INT_RCRC; // R3's CRC field is 0x7f
            memcpy(reg(DWM_RESP0), r, sizeof r);
        }
    }
    *reg(DWM_RINTSTS) |= INT_CMD_DONE;
}

static void
write_cmd(uint32 val)
{
    if (!(val & CMD_START)) {
        *reg(DWM_CMD) = val;
        return;
    }
    if ((*reg(DWM_CMD) & CMD_START) || model->stop_ticks) {
        *reg(DWM_RINTSTS) |= INT_HLE;
        model_error("CMD written while %s was pending",
                    model->stop_ticks ? "the auto stop" : "the last one");
        return;
    }
    *reg(DWM_CMD) = val;
    if (val & CMD_UPD_CLK) {
        if (val != (CMD_START | CMD_UPD_CLK | CMD_WAIT))
            model_error("clock update command 0x%x", val);
        model->clk_reads_left = model->fault == F_CLK_STUCK ? -1 : 2;
        return;
    }
    *reg(DWM_CMD) &= ~CMD_START; // taken at once
    run_cmd(val);
}

// The end of a block on its way between card and FIFO.
static void
block_done(int write)
{
    int at = model->fault_block < 0 || model->block_index == model->fault_block;

    if (write && model->fault == F_WRITE_CRC && at)
        *reg(DWM_RINTSTS) |= INT_DCRC; // negative CRC status: not written
    else if (write && !model->corrupt)
        memcpy(model->mem + (uint64)model->xblock * SECT, model->wbuf, SECT);
    if (!write && ((model->fault == F_READ_CRC && at) || model->corrupt))
        *reg(DWM_RINTSTS) |= INT_DCRC;
    model->block_index++;
    model->xblock++;
    model->xword = 0;
    model->xleft -= SECT;
    if (model->xleft > 0 && model->xblock == NSECT) {
        *reg(DWM_RINTSTS) |= INT_DRTO; // ran off the card
        model->xfer = 0;
    } else if (model->xleft == 0) {
        *reg(DWM_RINTSTS) |= INT_DATA_OVER;
        model->stop_ticks = model->auto_stop ? 20 : 0;
        model->xfer = 0;
        model->st = write ? S_PRG : S_TRAN;
        if (write)
            model->busy = model->fault == F_BUSY_FOREVER ? -1 : 4;
    }
}

// Time passes: each register read is one tick.
static void
tick(void)
{
    if (++model->ticks > TICK_LIMIT) {
        fprintf(stderr, "driver hung: %ld register reads\n", model->ticks);
        abort();
    }
    if (model->busy > 0 && --model->busy == 0 && model->st == S_PRG)
        model->st = S_TRAN;
    if (model->stop_ticks > 0 && --model->stop_ticks == 0)
        *reg(DWM_RINTSTS) |= INT_ACD;
    if (model->xfer == 'r' && model->fault == F_READ_TIMEOUT) {
        *reg(DWM_RINTSTS) |= INT_DRTO;
        model->xfer = 0;
    }
    for (int i = 0; model->xfer == 'r' && i < 8 && model->fcount < FIFO_WORDS;
         i++) {
        uint32 w;
        memcpy(&w, model->mem + (uint64)model->xblock * SECT + 4 * model->xword,
               4);
        model->fifo[(model->fhead + model->fcount++) % FIFO_WORDS] = w;
        if (++model->xword == SECT / 4)
            block_done(0);
    }
    if (model->xfer == 'w' && model->fcount > 0 && (model->drain_phase ^= 1)) {
        model->wbuf[model->xword++] = model->fifo[model->fhead];
        model->fhead = (model->fhead + 1) % FIFO_WORDS;
        model->fcount--;
        if (model->xword == SECT / 4)
            block_done(1);
    }
}

static uint32
model_read32(uint64 addr)
{
    uint32 off = addr - BASE, v;

    if (off == model->data_off) {
        if (model->fcount == 0) {
            model_error("FIFO read while empty");
            *reg(DWM_RINTSTS) |= INT_FRUN;
            return 0xdeadbeef;
        }
        v = model->fifo[model->fhead];
        model->fhead = (model->fhead + 1) % FIFO_WORDS;
        model->fcount--;
        return v;
    }
    tick();
    if (off >= 0x100 || off % 4) {
        model_error("read of 0x%x", off);
        return 0;
    }
    switch (off) {
    case DWM_CTRL:
        if (model->ctrl_reads_left > 0 && --model->ctrl_reads_left == 0)
            *reg(DWM_CTRL) &= ~CTRL_ALL_RESETS;
        break;
    case DWM_CMD:
        if (model->clk_reads_left > 0 && --model->clk_reads_left == 0) {
            if (model->card_ena && model->card_div != (*reg(DWM_CLKDIV) & 0xff))
                model_error("divider changed with the card clock running");
            model->card_div = *reg(DWM_CLKDIV) & 0xff;
            model->card_ena = *reg(DWM_CLKENA) & 1;
            *reg(DWM_CMD) &= ~CMD_START;
        }
        break;
    case DWM_STATUS:
        return (uint32)model->fcount << 17 |
               (model->fcount ? 0 : STATUS_EMPTY) |
               (model->fcount == FIFO_WORDS ? STATUS_FULL : 0) |
               (model->busy ? STATUS_BUSY : 0);
    case DWM_CDETECT:
        return model->cdetect;
    case DWM_VERID:
        return model->verid;
    case DWM_HCON:
        return model->hcon;
    }
    return *reg(off);
}

static void
write_ctrl(uint32 val)
{
    *reg(DWM_CTRL) = val;
    if (val & (CTRL_FIFO_RESET | CTRL_RESET))
        model->fcount = model->fhead = 0;
    if (val & CTRL_RESET)
        model->xfer = model->stop_ticks = 0; // the card is not told
    if (val & CTRL_ALL_RESETS)
        model->ctrl_reads_left = 2;
}

static void
model_write32(uint64 addr, uint32 val)
{
    uint32 off = addr - BASE;

    if (off == model->data_off) {
        if (model->fcount == FIFO_WORDS || model->xfer != 'w') {
            model_error("FIFO write while %s", model->xfer ? "full" : "idle");
            *reg(DWM_RINTSTS) |= INT_FRUN;
            return;
        }
        model->fifo[(model->fhead + model->fcount++) % FIFO_WORDS] = val;
        return;
    }
    if (off >= 0x100 || off % 4) {
        model_error("write of 0x%x to 0x%x", val, off);
        return;
    }
    if (off == DWM_CTRL)
        write_ctrl(val);
    else if (off == DWM_RINTSTS)
        *reg(off) &= ~val;
    else if (off == DWM_CMD)
        write_cmd(val);
    else if (off == DWM_BMOD)
        *reg(off) = val & ~BMOD_SWR;
    else if (off == DWM_PWREN)
        *reg(off) = val, model->pwren_writes++;
    else if (off != DWM_VERID && off != DWM_HCON && off != DWM_CDETECT)
        *reg(off) = val;
}

const struct dwm_mmio_ops model_ops = {
    .read32 = model_read32,
    .write32 = model_write32,
};

void
fill(uint8 *buf, long n, int seed)
{
    for (long i = 0; i < n; i++)
        buf[i] = (uint8)(seed * 31 + i * 7 + (i >> 9));
}

// A fresh controller after power-on reset, card powered, in the slot.
void
new_model(enum kind kind, enum fault fault)
{
    model = calloc(1, sizeof(*model));
    model->kind = kind;
    model->fault = fault;
    model->fault_block = -1;
    model->verid = VERID_NEW;
    model->data_off = 0x200;
    model->hcon = 1 << 7; // 32-bit FIFO
    model->ciu_hz = 50000000;
    model->needs_init = 1;
    *reg(DWM_PWREN) = 1;
    *reg(DWM_TMOUT) = 0xffffff40;
    model->mem = malloc(NSECT * SECT);
    fill(model->mem, NSECT * SECT, 99);
}

void
free_model(void)
{
    free(model->mem);
    free(model);
    model = NULL;
}

// What U-Boot's driver leaves: IDMAC mode, interrupts masked in, a 4-bit
// card selected at 25 MHz with U-Boot's RCA, stale status bits.
void
uboot_leftovers(void)
{
    *reg(DWM_CTRL) = CTRL_USE_IDMAC | CTRL_DMA_ENABLE | CTRL_INT_ENABLE;
    *reg(DWM_BMOD) = BMOD_DE | (1 << 1);
    *reg(DWM_INTMASK) = 0xffff;
    *reg(DWM_RINTSTS) = INT_CMD_DONE | INT_DATA_OVER | INT_RTO;
    *reg(DWM_CLKDIV) = model->card_div = 1;
    *reg(DWM_CLKENA) = model->card_ena = 1;
    *reg(DWM_CTYPE) = 1;
    model->needs_init = 0;
    model->st = S_TRAN;
    model->rca = UBOOT_RCA;
    model->wide = 1;
}
