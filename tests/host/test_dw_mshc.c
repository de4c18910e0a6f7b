// Host tests of drivers/dw_mshc.c against a register model of the DW MSHC
// with an SD card model behind it: commands, responses, clocks, the FIFO
// window and its timing, faults. Usage: test_dw_mshc [DTB_DIR].
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "kernel/driver.h"
#include "drivers/dw_mshc.h"

extern const struct driver dw_mshc_driver;

static const char *dtb_dir = "../shared/dtb";

#define BASE 0x16020000UL
#define FIFO_WORDS 32 // the JH7110's fifo-depth
#define SECT 512
#define NSECT 8192 // every model card holds 4 MiB
#define LOG_MAX 20000
#define CARD_RCA 0xb368U
#define UBOOT_RCA 0x1234U
#define VERID_NEW 0x5342290a              // FIFO at 0x200
#define VERID_OLD 0x5342230a              // FIFO at 0x100
#define TICK_LIMIT (10L * DWM_DATA_SPINS) // a driver past this is hung

// What the card says in R1 (SD spec 4.10.1).
#define ST_OUT_OF_RANGE (1U << 31)
#define ST_ADDRESS_ERROR (1U << 30)
#define ST_ILLEGAL (1U << 22)
#define ST_ECC_FAILED (1U << 21)
#define ST_READY_FOR_DATA (1U << 8)
#define ST_APP_CMD (1U << 5)

enum kind { SDHC, SDSC, SDV1 };
enum fault {
    F_NONE,
    F_ABSENT,       // the card never answers
    F_READ_CRC,     // block fault_block of a read fails its CRC
    F_READ_TIMEOUT, // a read never sends data
    F_WRITE_CRC,    // the card's CRC status rejects block fault_block
    F_BUSY_FOREVER, // DAT0 stays low after a write
    F_ACMD41_NEVER, // the card never finishes power-up
    F_BAD_ECHO,     // CMD8 echoes the wrong pattern
    F_ECC,          // a read answers "ECC failed" in R1 and sends nothing
    F_CLK_STUCK,    // the controller never takes a clock update
};
// Card states, numbered as in R1's CURRENT_STATE.
enum cstate { S_IDLE, S_READY, S_IDENT, S_STBY, S_TRAN, S_DATA, S_RCV, S_PRG };
enum resp { NONE, R48, R48_NOCRC, R136 };

static struct model {
    enum kind kind;
    enum fault fault;
    int fault_block; // -1: every block
    uint32 verid, hcon, data_off, ciu_hz, cdetect;
    // Registers below 0x100 that need no behaviour live here.
    uint32 reg[0x100 / 4];
    int ctrl_reads_left; // reads before the CTRL reset bits clear
    int clk_reads_left;  // CMD reads before a clock update is taken
    uint32 card_div, card_ena;
    uint32 fifo[FIFO_WORDS];
    int fhead, fcount;
    // The data transfer in progress.
    int xfer; // 0, 'r' or 'w'
    int auto_stop, corrupt;
    uint32 xblock, xleft, xword; // next block, bytes to go, words into block
    uint32 wbuf[SECT / 4];
    int block_index;
    int drain_phase; // writes: the card takes a word every other tick
    long busy;       // ticks of DAT0 low; -1: forever
    int stop_ticks;  // until the controller's own CMD12 is done
    // The card.
    enum cstate st;
    int app, wide, needs_init, illegal, acmd41s;
    uint32 rca;
    uint8 *mem;
    // What was seen.
    int ncmd;
    uint8 cmd[LOG_MAX];
    uint32 arg[LOG_MAX], flags[LOG_MAX], hz[LOG_MAX];
    long ticks;
    int errors, dma_used, pwren_writes;
    char first_error[200];
} * m;

// ---- the model ----

// The driver broke a rule of the controller or the card.
static void
model_error(const char *fmt, ...)
{
    va_list ap;

    if (m->errors++ == 0) {
        va_start(ap, fmt);
        vsnprintf(m->first_error, sizeof m->first_error, fmt, ap);
        va_end(ap);
    }
}

static uint32 *
reg(uint32 off)
{
    return &m->reg[off / 4];
}

static uint32
card_hz(void)
{
    if (!m->card_ena)
        return 0;
    return m->card_div ? m->ciu_hz / (2 * m->card_div) : m->ciu_hz;
}

static int
dma_on(void)
{
    return (*reg(DWM_CTRL) & (CTRL_USE_IDMAC | CTRL_DMA_ENABLE)) ||
           (*reg(DWM_BMOD) & BMOD_DE);
}

static uint32
status_r1(enum cstate at)
{
    uint32 s = (uint32)at << 9 | (m->app ? ST_APP_CMD : 0) |
               (m->illegal ? ST_ILLEGAL : 0) |
               (at == S_TRAN ? ST_READY_FOR_DATA : 0);

    m->illegal = 0; // reported once, in the next response
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
    if (m->kind == SDHC) {
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
    m->corrupt = (int)(*reg(DWM_CTYPE) & 1) != m->wide;
    if (m->corrupt)
        model_error("CTYPE 0x%x but the card is %d-bit", *reg(DWM_CTYPE),
                    m->wide ? 4 : 1);
    if (dma_on()) { // the IDMAC takes the data, the FIFO sees none
        m->dma_used++;
        model_error("data command with the DMA engine on");
        *reg(DWM_RINTSTS) |= INT_DATA_OVER;
        return;
    }
    m->st = write ? S_RCV : S_DATA;
    m->xfer = write ? 'w' : 'r';
    m->auto_stop = multi;
    m->xblock = blk;
    m->xleft = bytes;
    m->xword = 0;
    m->block_index = 0;
}

// Block number of a read or write argument, or -1 with the R1 error set.
static long
data_block(uint32 arg, uint32 *r1)
{
    uint32 blk = m->kind == SDHC ? arg : arg / SECT;

    if (m->kind != SDHC && arg % SECT) {
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

    if (idx == 41 && (m->st == S_IDLE || m->st == S_READY)) {
        m->acmd41s++;
        if (fit && m->fault != F_ACMD41_NEVER && m->acmd41s >= 3 &&
            (m->kind != SDHC || (arg & (1U << 30))))
            m->st = S_READY;
        r[0] = 0xff8000;
        if (m->st == S_READY)
            r[0] |= (1U << 31) | (m->kind == SDHC ? 1U << 30 : 0);
        return R48_NOCRC;
    }
    if (idx == 6 && m->st == S_TRAN) {
        r[0] = status_r1(m->st);
        m->wide = (arg & 3) == 2;
        return R48;
    }
    m->illegal = 1;
    return NONE;
}

// CMD7: select by our RCA, deselect by any other.
static enum resp
select_cmd(uint32 arg, uint32 *r)
{
    if (m->st == S_STBY && arg >> 16 == m->rca) {
        r[0] = status_r1(m->st);
        m->st = S_TRAN;
        m->busy = 3;
        return R48;
    }
    if (m->st == S_TRAN && arg >> 16 != m->rca)
        m->st = S_STBY;
    else
        m->illegal = 1;
    return NONE;
}

static enum resp
stop_cmd(uint32 *r)
{
    r[0] = status_r1(m->st);
    if (m->st == S_DATA) {
        m->st = S_TRAN;
    } else if (m->st == S_RCV) {
        m->st = S_PRG;
        m->busy = m->fault == F_BUSY_FOREVER ? -1 : 3;
    } else {
        m->illegal = 1;
        return NONE;
    }
    m->xfer = 0;
    return R48;
}

static enum resp
rw_cmd(uint32 idx, uint32 arg, uint32 flags, uint32 *r)
{
    long blk;

    if (m->st != S_TRAN) {
        m->illegal = 1;
        return NONE;
    }
    r[0] = status_r1(m->st);
    if (m->fault == F_ECC && (idx == 17 || idx == 18))
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
    if (idx == 2 && m->st == S_READY) {
        m->st = S_IDENT;
        r[0] = 0x11111111, r[1] = 0x22222222, r[2] = 0x33333333;
        r[3] = 0x0353444d; // manufacturer 3, "SD"
        return R136;
    }
    if (idx == 3 && (m->st == S_IDENT || m->st == S_STBY)) {
        m->st = S_STBY;
        m->rca = CARD_RCA;
        r[0] = m->rca << 16 | (uint32)S_STBY << 9;
        return R48;
    }
    if (idx == 9 && m->st == S_STBY && arg >> 16 == m->rca) {
        make_csd(r);
        return R136;
    }
    m->illegal = 1;
    return NONE;
}

// The card's side of one command: its response, if any, into r.
static enum resp
card_cmd(uint32 idx, uint32 arg, uint32 flags, uint32 *r)
{
    int app = m->app;

    m->app = 0;
    if (app && (idx == 41 || idx == 6))
        return app_cmd(idx, arg, r);
    switch (idx) {
    case 0:
        m->st = S_IDLE;
        m->rca = m->wide = m->acmd41s = 0;
        m->xfer = 0;
        return NONE;
    case 8:
        if (m->st != S_IDLE || m->kind == SDV1 || ((arg >> 8) & 0xf) != 1)
            break;
        r[0] = (arg & 0xfff) ^ (m->fault == F_BAD_ECHO ? 0x55 : 0);
        return R48;
    case 55:
        if (m->st != S_IDLE && m->st != S_READY && arg >> 16 != m->rca)
            break;
        m->app = 1;
        r[0] = status_r1(m->st);
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
        if (m->st != S_TRAN)
            break;
        r[0] = status_r1(m->st);
        if (arg != SECT)
            model_error("block length %u", arg);
        return R48;
    case 17:
    case 18:
    case 24:
    case 25:
        return rw_cmd(idx, arg, flags, r);
    }
    m->illegal = 1;
    return NONE;
}

// Rules the card and controller put on any command.
static int
card_hears(uint32 idx, uint32 flags)
{
    uint32 hz = card_hz();

    if ((*reg(DWM_PWREN) & 1) == 0 || m->fault == F_ABSENT)
        return 0;
    if (hz == 0) {
        model_error("CMD%u with the card clock off", idx);
        return 0;
    }
    if (m->st <= S_IDENT && (hz > 400000 || hz < 100000))
        model_error("CMD%u in identification mode at %u Hz", idx, hz);
    if (m->busy != 0 && idx != 12 && idx != 0)
        model_error("CMD%u while the card is busy", idx);
    if (m->xfer && !(flags & (CMD_WAIT | CMD_ABORT)))
        model_error("CMD%u during a transfer without wait/abort", idx);
    if (m->needs_init && !(flags & CMD_INIT)) {
        model_error("CMD%u before the 80 power-up clocks", idx);
        return 0;
    }
    m->needs_init = 0;
    return 1;
}

// The controller side: response registers and RINTSTS.
static void
run_cmd(uint32 val)
{
    uint32 idx = val & 0x3f, arg = *reg(DWM_CMDARG), r[4] = {0};
    enum resp kind = NONE;

    if (m->ncmd < LOG_MAX) {
        m->cmd[m->ncmd] = idx;
        m->arg[m->ncmd] = arg;
        m->flags[m->ncmd] = val;
        m->hz[m->ncmd++] = card_hz();
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
    if ((*reg(DWM_CMD) & CMD_START) || m->stop_ticks) {
        *reg(DWM_RINTSTS) |= INT_HLE;
        model_error("CMD written while %s was pending",
                    m->stop_ticks ? "the auto stop" : "the last one");
        return;
    }
    *reg(DWM_CMD) = val;
    if (val & CMD_UPD_CLK) {
        if (val != (CMD_START | CMD_UPD_CLK | CMD_WAIT))
            model_error("clock update command 0x%x", val);
        m->clk_reads_left = m->fault == F_CLK_STUCK ? -1 : 2;
        return;
    }
    *reg(DWM_CMD) &= ~CMD_START; // taken at once
    run_cmd(val);
}

// The end of a block on its way between card and FIFO.
static void
block_done(int write)
{
    int at = m->fault_block < 0 || m->block_index == m->fault_block;

    if (write && m->fault == F_WRITE_CRC && at)
        *reg(DWM_RINTSTS) |= INT_DCRC; // negative CRC status: not written
    else if (write && !m->corrupt)
        memcpy(m->mem + (uint64)m->xblock * SECT, m->wbuf, SECT);
    if (!write && ((m->fault == F_READ_CRC && at) || m->corrupt))
        *reg(DWM_RINTSTS) |= INT_DCRC;
    m->block_index++;
    m->xblock++;
    m->xword = 0;
    m->xleft -= SECT;
    if (m->xleft > 0 && m->xblock == NSECT) {
        *reg(DWM_RINTSTS) |= INT_DRTO; // ran off the card
        m->xfer = 0;
    } else if (m->xleft == 0) {
        *reg(DWM_RINTSTS) |= INT_DATA_OVER;
        m->stop_ticks = m->auto_stop ? 20 : 0;
        m->xfer = 0;
        m->st = write ? S_PRG : S_TRAN;
        if (write)
            m->busy = m->fault == F_BUSY_FOREVER ? -1 : 4;
    }
}

// Time passes: each register read is one tick.
static void
tick(void)
{
    if (++m->ticks > TICK_LIMIT) {
        fprintf(stderr, "driver hung: %ld register reads\n", m->ticks);
        abort();
    }
    if (m->busy > 0 && --m->busy == 0 && m->st == S_PRG)
        m->st = S_TRAN;
    if (m->stop_ticks > 0 && --m->stop_ticks == 0)
        *reg(DWM_RINTSTS) |= INT_ACD;
    if (m->xfer == 'r' && m->fault == F_READ_TIMEOUT) {
        *reg(DWM_RINTSTS) |= INT_DRTO;
        m->xfer = 0;
    }
    for (int i = 0; m->xfer == 'r' && i < 8 && m->fcount < FIFO_WORDS; i++) {
        uint32 w;
        memcpy(&w, m->mem + (uint64)m->xblock * SECT + 4 * m->xword, 4);
        m->fifo[(m->fhead + m->fcount++) % FIFO_WORDS] = w;
        if (++m->xword == SECT / 4)
            block_done(0);
    }
    if (m->xfer == 'w' && m->fcount > 0 && (m->drain_phase ^= 1)) {
        m->wbuf[m->xword++] = m->fifo[m->fhead];
        m->fhead = (m->fhead + 1) % FIFO_WORDS;
        m->fcount--;
        if (m->xword == SECT / 4)
            block_done(1);
    }
}

static uint32
model_read32(uint64 addr)
{
    uint32 off = addr - BASE, v;

    if (off == m->data_off) {
        if (m->fcount == 0) {
            model_error("FIFO read while empty");
            *reg(DWM_RINTSTS) |= INT_FRUN;
            return 0xdeadbeef;
        }
        v = m->fifo[m->fhead];
        m->fhead = (m->fhead + 1) % FIFO_WORDS;
        m->fcount--;
        return v;
    }
    tick();
    if (off >= 0x100 || off % 4) {
        model_error("read of 0x%x", off);
        return 0;
    }
    switch (off) {
    case DWM_CTRL:
        if (m->ctrl_reads_left > 0 && --m->ctrl_reads_left == 0)
            *reg(DWM_CTRL) &= ~CTRL_ALL_RESETS;
        break;
    case DWM_CMD:
        if (m->clk_reads_left > 0 && --m->clk_reads_left == 0) {
            if (m->card_ena && m->card_div != (*reg(DWM_CLKDIV) & 0xff))
                model_error("divider changed with the card clock running");
            m->card_div = *reg(DWM_CLKDIV) & 0xff;
            m->card_ena = *reg(DWM_CLKENA) & 1;
            *reg(DWM_CMD) &= ~CMD_START;
        }
        break;
    case DWM_STATUS:
        return (uint32)m->fcount << 17 | (m->fcount ? 0 : STATUS_EMPTY) |
               (m->fcount == FIFO_WORDS ? STATUS_FULL : 0) |
               (m->busy ? STATUS_BUSY : 0);
    case DWM_CDETECT:
        return m->cdetect;
    case DWM_VERID:
        return m->verid;
    case DWM_HCON:
        return m->hcon;
    }
    return *reg(off);
}

static void
write_ctrl(uint32 val)
{
    *reg(DWM_CTRL) = val;
    if (val & (CTRL_FIFO_RESET | CTRL_RESET))
        m->fcount = m->fhead = 0;
    if (val & CTRL_RESET)
        m->xfer = m->stop_ticks = 0; // the card is not told
    if (val & CTRL_ALL_RESETS)
        m->ctrl_reads_left = 2;
}

static void
model_write32(uint64 addr, uint32 val)
{
    uint32 off = addr - BASE;

    if (off == m->data_off) {
        if (m->fcount == FIFO_WORDS || m->xfer != 'w') {
            model_error("FIFO write while %s", m->xfer ? "full" : "idle");
            *reg(DWM_RINTSTS) |= INT_FRUN;
            return;
        }
        m->fifo[(m->fhead + m->fcount++) % FIFO_WORDS] = val;
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
        *reg(off) = val, m->pwren_writes++;
    else if (off != DWM_VERID && off != DWM_HCON && off != DWM_CDETECT)
        *reg(off) = val;
}

static const struct dwm_mmio_ops model_ops = {
    .read32 = model_read32,
    .write32 = model_write32,
};

static void
fill(uint8 *buf, long n, int seed)
{
    for (long i = 0; i < n; i++)
        buf[i] = (uint8)(seed * 31 + i * 7 + (i >> 9));
}

// A fresh controller after power-on reset, card powered, in the slot.
static void
new_model(enum kind kind, enum fault fault)
{
    m = calloc(1, sizeof(*m));
    m->kind = kind;
    m->fault = fault;
    m->fault_block = -1;
    m->verid = VERID_NEW;
    m->data_off = 0x200;
    m->hcon = 1 << 7; // 32-bit FIFO
    m->ciu_hz = 50000000;
    m->needs_init = 1;
    *reg(DWM_PWREN) = 1;
    *reg(DWM_TMOUT) = 0xffffff40;
    m->mem = malloc(NSECT * SECT);
    fill(m->mem, NSECT * SECT, 99);
}

static void
free_model(void)
{
    free(m->mem);
    free(m);
    m = NULL;
}

// What U-Boot's driver leaves: IDMAC mode, interrupts masked in, a 4-bit
// card selected at 25 MHz with U-Boot's RCA, stale status bits.
static void
uboot_leftovers(void)
{
    *reg(DWM_CTRL) = CTRL_USE_IDMAC | CTRL_DMA_ENABLE | CTRL_INT_ENABLE;
    *reg(DWM_BMOD) = BMOD_DE | (1 << 1);
    *reg(DWM_INTMASK) = 0xffff;
    *reg(DWM_RINTSTS) = INT_CMD_DONE | INT_DATA_OVER | INT_RTO;
    *reg(DWM_CLKDIV) = m->card_div = 1;
    *reg(DWM_CLKENA) = m->card_ena = 1;
    *reg(DWM_CTYPE) = 1;
    m->needs_init = 0;
    m->st = S_TRAN;
    m->rca = UBOOT_RCA;
    m->wide = 1;
}

// ---- the kernel functions dw_mshc.c calls ----

static int capturing, nmessages, nacquires;
static char last_msg[512];
static uint32 plain_regs[0x1000 / 4]; // what probe maps: plain memory
static uint64 mapped_pa, mapped_size;
static struct {
    const struct blk_ops *ops;
    void *dev;
    uint64 nsectors;
    const char *name;
    int calls;
} disk;

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

void
blkdev_register(const struct blk_ops *ops, void *dev, uint64 nsectors,
                const char *name)
{
    disk.ops = ops;
    disk.dev = dev;
    disk.nsectors = nsectors;
    disk.name = name;
    disk.calls++;
}

uint64
kvm_map_device(uint64 pa, uint64 size)
{
    mapped_pa = pa;
    mapped_size = size;
    return (uint64)plain_regs;
}

// ---- device trees: the real VF2 one, and small ones built here ----

static uint8 *
read_dtb(const char *name)
{
    char path[512];
    FILE *fp;
    long n;
    uint8 *buf = NULL;

    snprintf(path, sizeof path, "%s/%s", dtb_dir, name);
    if ((fp = fopen(path, "rb")) == NULL)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0) {
        rewind(fp);
        buf = malloc(n);
        if (fread(buf, 1, n, fp) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(fp);
    return buf;
}

// A structure block and strings block being written, then framed.
static struct tree {
    uint8 st[2048];
    int nst;
    char strings[512];
    int nstrings;
} tb;

static void
tb_word(uint32 v)
{
    uint8 b[4] = {v >> 24, v >> 16, v >> 8, v};

    memcpy(tb.st + tb.nst, b, 4);
    tb.nst += 4;
}

static void
tb_raw(const void *p, int n)
{
    memcpy(tb.st + tb.nst, p, n);
    tb.nst += n;
    while (tb.nst % 4)
        tb.st[tb.nst++] = 0;
}

static void
tb_node(const char *name)
{
    tb_word(1);
    tb_raw(name, strlen(name) + 1);
}

static void
tb_prop(const char *name, const void *val, int len)
{
    tb_word(3);
    tb_word(len);
    tb_word(tb.nstrings);
    strcpy(tb.strings + tb.nstrings, name);
    tb.nstrings += strlen(name) + 1;
    tb_raw(val, len);
}

// A property of n big-endian cells.
static void
tb_cells(const char *name, int n, ...)
{
    uint8 v[64];
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        uint32 c = va_arg(ap, uint32);
        uint8 b[4] = {c >> 24, c >> 16, c >> 8, c};
        memcpy(v + 4 * i, b, 4);
    }
    va_end(ap);
    tb_prop(name, v, 4 * n);
}

static uint8 *
tb_finish(void)
{
    int total = 40 + 16 + tb.nst + 4 + tb.nstrings;
    uint8 *blob = calloc(1, total);
    uint32 hdr[10] = {0xd00dfeed, total, 56, 56 + tb.nst + 4, 40,
                      17,         16,    0,  tb.nstrings,     tb.nst + 4};

    tb_word(9); // FDT_END
    for (int i = 0; i < 10; i++) {
        uint8 b[4] = {hdr[i] >> 24, hdr[i] >> 16, hdr[i] >> 8, hdr[i]};
        memcpy(blob + 4 * i, b, 4);
    }
    memcpy(blob + 56, tb.st, tb.nst);
    memcpy(blob + 56 + tb.nst, tb.strings, tb.nstrings);
    return blob;
}

struct slot {
    const char *compatible;
    uint32 bus_width; // 0: no property
    const char *cd;   // "broken-cd", "cd-gpios" or NULL
    uint32 clock_frequency;
    uint32 assigned_cell, assigned_rate; // clock 1 = biu, 2 = ciu
    uint32 data_addr;                    // ~0: no property
};

// /clk (a clock controller, phandle 1) and /mmc@16020000 as `s` says.
static uint8 *
slot_tree(const struct slot *s)
{
    static const char names[] = "biu\0ciu";

    memset(&tb, 0, sizeof tb);
    tb_node("");
    tb_cells("#address-cells", 1, 2);
    tb_cells("#size-cells", 1, 2);
    tb_node("clk");
    tb_cells("phandle", 1, 1);
    tb_cells("#clock-cells", 1, 1);
    tb_word(2);
    tb_node("mmc@16020000");
    tb_prop("compatible", s->compatible, strlen(s->compatible) + 1);
    tb_cells("reg", 4, 0, 0x16020000, 0, 0x10000);
    tb_cells("clocks", 4, 1, 1, 1, 2);
    tb_prop("clock-names", names, sizeof names);
    if (s->bus_width)
        tb_cells("bus-width", 1, s->bus_width);
    if (s->cd && strcmp(s->cd, "cd-gpios") == 0)
        tb_cells(s->cd, 3, 1, 41, 1);
    else if (s->cd)
        tb_prop(s->cd, "", 0);
    if (s->clock_frequency)
        tb_cells("clock-frequency", 1, s->clock_frequency);
    if (s->assigned_rate) {
        tb_cells("assigned-clocks", 2, 1, s->assigned_cell);
        tb_cells("assigned-clock-rates", 1, s->assigned_rate);
    }
    if (s->data_addr != ~0U)
        tb_cells("data-addr", 1, s->data_addr);
    tb_word(2);
    tb_word(2);
    return tb_finish();
}

static const struct slot sd4 = {"snps,dw-mshc", 4, "broken-cd", 0, 0, 0, ~0U};

// ---- fixtures ----

static struct dwm dev;
static struct fdt tree;
static uint8 *blob;

// Attaches the model to `node` of the loaded tree as the kernel would.
static int
attach(int node)
{
    int r;

    memset(&dev, 0, sizeof dev);
    memset(&disk, 0, sizeof disk);
    dev.io = &model_ops;
    dev.base = BASE;
    nmessages = 0;
    capturing = 1;
    r = dwm_attach(&dev, &tree, node);
    capturing = 0;
    return r;
}

// Loads `b` (freed by done()) and returns the node at `path`.
static int
load(uint8 *b, const char *path)
{
    blob = b;
    if (b == NULL || fdt_init(&tree, b) < 0)
        return FDT_NONE;
    return fdt_find_path(&tree, path);
}

static int
attach_slot(const struct slot *s)
{
    int node = load(slot_tree(s), "/mmc@16020000");

    return CHECK(node != FDT_NONE) ? attach(node) : -2;
}

static void
done(void)
{
    free(blob);
    blob = NULL;
    if (m)
        free_model();
}

// A transfer through the registered blk_ops, as the kernel makes it.
static int
xfer(uint64 sector, void *buf, uint32 count, int write)
{
    int r, before = nacquires;

    nmessages = 0;
    capturing = 1;
    r = disk.ops->rw(disk.dev, sector, buf, count, write);
    capturing = 0;
    if (dev.lock.locked || (r == 0 && nacquires != before + 1)) {
        printf("  lock left held or not taken\n");
        ht_cur.failed_checks++;
    }
    return r;
}

// Index of the last logged command idx, or -1.
static int
last_cmd(int idx)
{
    for (int i = m->ncmd - 1; i >= 0; i--)
        if (m->cmd[i] == idx)
            return i;
    return -1;
}

static uint32
last_arg(int idx)
{
    int i = last_cmd(idx);

    return i < 0 ? 0xffffffff : m->arg[i];
}

static int
count_cmd(int idx)
{
    int n = 0;

    for (int i = 0; i < m->ncmd; i++)
        n += m->cmd[i] == idx;
    return n;
}

// No rule of the controller or card was broken.
static int
model_clean(void)
{
    if (m->errors == 0)
        return 1;
    printf("  model: %d error(s), first: %s\n", m->errors, m->first_error);
    return ht_fail(__FILE__, __LINE__, "the driver broke a model rule");
}

// Attaches a card on the 4-bit synthetic slot: 1, or 0 (checks failed).
static int
ready_card(enum kind kind)
{
    new_model(kind, F_NONE);
    if (!CHECK_EQ(attach_slot(&sd4), 0) || !CHECK_EQ(disk.calls, 1))
        return 0;
    return model_clean();
}

// ---- tests ----

static void
test_driver_table(void)
{
    static const char *want[] = {"starfive,jh7110-mmc", "snps,dw-mshc",
                                 "starfive,jh7110-sdio"};
    int n = 0;

    CHECK_STR(dw_mshc_driver.name, "dw_mshc");
    for (const char *const *c = dw_mshc_driver.compatible; *c; c++, n++)
        CHECK(n < 3 && strcmp(*c, want[n]) == 0);
    CHECK_EQ(n, 3);
}

// The kernel's path: probe maps reg and reads the registers itself. With
// plain memory saying "64-bit FIFO" it must refuse before touching any.
static void
test_probe_maps_reg(void)
{
    int node = load(read_dtb("visionfive2.dtb"), "/soc/mmc@16020000");

    if (blob == NULL)
        SKIP("visionfive2.dtb not found");
    if (!CHECK(node != FDT_NONE))
        goto out;
    memset(plain_regs, 0, sizeof plain_regs);
    plain_regs[DWM_HCON / 4] = 2 << 7;
    plain_regs[DWM_CTRL / 4] = CTRL_USE_IDMAC;
    nmessages = 0;
    capturing = 1;
    CHECK_EQ(dw_mshc_driver.probe(&tree, node), -1);
    capturing = 0;
    CHECK_EQ(mapped_pa, 0x16020000);
    CHECK_EQ(mapped_size, 0x10000);
    CHECK_EQ(nmessages, 1);
    CHECK(strstr(last_msg, "64-bit FIFO") != NULL);
    CHECK_EQ(plain_regs[DWM_CTRL / 4], CTRL_USE_IDMAC);
    CHECK_EQ(plain_regs[DWM_CMD / 4], 0);
out:
    done();
}

// The SD slot of the real VisionFive 2 tree: 4-bit, ciu 50 MHz assigned in
// the node, card detect by GPIO (CDETECT says nothing), FIFO by VERID.
static void
test_vf2_tree(void)
{
    int node = load(read_dtb("visionfive2.dtb"), "/soc/mmc@16020000");
    uint8 out[SECT], in[SECT];

    if (blob == NULL)
        SKIP("visionfive2.dtb not found");
    new_model(SDHC, F_NONE);
    m->cdetect = 1; // the slot's CDETECT pin is not wired
    if (!CHECK(node != FDT_NONE) || !CHECK_EQ(attach(node), 0))
        goto out;
    CHECK_EQ(disk.calls, 1);
    CHECK_STR(disk.name, "mmc0");
    CHECK_EQ(disk.nsectors, NSECT);
    CHECK_EQ(dev.ciu_hz, 50000000);
    CHECK_EQ(m->hz[0], 50000000 / 126); // divider 63: 396.8 kHz
    CHECK_EQ(card_hz(), 25000000);
    CHECK_EQ(*reg(DWM_CTYPE), 1);
    CHECK(m->wide);
    CHECK_EQ(last_arg(6), 2);
    fill(out, SECT, 5);
    CHECK_EQ(xfer(77, out, 1, 1), 0);
    CHECK_EQ(xfer(77, in, 1, 0), 0);
    CHECK(memcmp(in, out, SECT) == 0);
    CHECK(memcmp(m->mem + 77 * SECT, out, SECT) == 0);
    model_clean();
out:
    done();
}

// The eMMC slot (bus-width 8, non-removable) with nothing in it: one
// message, -1, no hang.
static void
test_vf2_emmc_slot_empty(void)
{
    int node = load(read_dtb("visionfive2.dtb"), "/soc/mmc@16010000");

    if (blob == NULL)
        SKIP("visionfive2.dtb not found");
    new_model(SDHC, F_ABSENT);
    m->cdetect = 1;
    if (CHECK(node != FDT_NONE)) {
        CHECK_EQ(attach(node), -1);
        CHECK_EQ(disk.calls, 0);
        CHECK_EQ(nmessages, 1);
        CHECK(strstr(last_msg, "no card") != NULL);
        CHECK(m->ncmd <= 4); // CMD0, CMD8, CMD55: then it gave up
        model_clean();
    }
    done();
}

static void
test_ident_sdhc(void)
{
    static const uint8 order[] = {0,  8, 55, 41, 55, 41, 55,
                                  41, 2, 3,  9,  7,  55, 6};
    int n = sizeof order;

    if (ready_card(SDHC)) {
        CHECK_EQ(m->ncmd, n);
        for (int i = 0; i < n && i < m->ncmd; i++)
            CHECK_EQ(m->cmd[i], order[i]);
        CHECK(m->flags[0] & CMD_INIT);
        CHECK((m->flags[0] & CMD_RESP) == 0);
        CHECK_EQ(m->arg[1], 0x1aa);
        CHECK_EQ(m->arg[3], 0x40300000); // HCS and 3.2-3.4 V
        CHECK((m->flags[3] & CMD_CRC) == 0);
        CHECK(m->flags[8] & CMD_LONG);
        CHECK(m->flags[10] & CMD_LONG);
        CHECK_EQ(m->arg[10], CARD_RCA << 16);
        CHECK_EQ(m->arg[11], CARD_RCA << 16);
        CHECK_EQ(m->arg[12], CARD_RCA << 16);
        for (int i = 0; i < 11; i++)
            CHECK(m->hz[i] <= 400000 && m->hz[i] >= 100000);
        CHECK_EQ(dev.block_addr, 1);
        CHECK_EQ(disk.nsectors, NSECT);
        CHECK_EQ(m->st, S_TRAN);
        CHECK_EQ(card_hz(), 25000000);
    }
    done();
}

static void
test_ident_sdsc(void)
{
    if (ready_card(SDSC)) {
        CHECK_EQ(dev.block_addr, 0);
        CHECK_EQ(disk.nsectors, NSECT); // CSD 1.0 arithmetic
        CHECK_EQ(last_arg(16), SECT);
        CHECK(last_cmd(16) > last_cmd(7));
        CHECK_EQ(last_arg(41), 0x40300000); // a v2 card: HCS asked
    }
    done();
}

static void
test_ident_v1(void)
{
    if (ready_card(SDV1)) {
        CHECK_EQ(dev.block_addr, 0);
        CHECK_EQ(last_arg(41), 0x00300000); // no HCS for a v1 card
        CHECK_EQ(count_cmd(8), 1);
        CHECK_EQ(disk.nsectors, NSECT);
        CHECK_EQ(last_arg(16), SECT);
    }
    done();
}

static void
test_one_bit_slot(void)
{
    struct slot s = sd4;
    uint8 buf[2 * SECT];

    s.bus_width = 0;
    new_model(SDHC, F_NONE);
    if (CHECK_EQ(attach_slot(&s), 0)) {
        CHECK_EQ(count_cmd(6), 0);
        CHECK_EQ(*reg(DWM_CTYPE), 0);
        CHECK_EQ(xfer(9, buf, 2, 0), 0);
        CHECK(memcmp(buf, m->mem + 9 * SECT, 2 * SECT) == 0);
        model_clean();
    }
    done();
}

// ciu from the node: clock-frequency, the rate assigned to ciu, or 50 MHz
// when the only assigned clock is another one. The model's ciu runs at the
// rate the tree states, so the dividers show which rate the driver used.
static void
check_ciu(uint32 freq, uint32 cell, uint32 rate, uint32 real, uint32 init_hz,
          uint32 fast_hz)
{
    struct slot s = sd4;

    s.clock_frequency = freq;
    s.assigned_cell = cell;
    s.assigned_rate = rate;
    new_model(SDHC, F_NONE);
    m->ciu_hz = real;
    if (CHECK_EQ(attach_slot(&s), 0)) {
        CHECK_EQ(m->hz[0], init_hz);
        CHECK_EQ(card_hz(), fast_hz);
        model_clean();
    }
    done();
}

static void
test_ciu_clock_frequency(void)
{
    check_ciu(100000000, 0, 0, 100000000, 400000, 25000000);
}

static void
test_ciu_assigned_rate(void)
{
    check_ciu(0, 2, 24000000, 24000000, 400000, 24000000);
}

static void
test_ciu_assumed(void)
{
    check_ciu(0, 1, 24000000, 50000000, 396825, 25000000); // biu assigned
    check_ciu(0, 0, 0, 50000000, 396825, 25000000);
}

static void
test_rw_single(void)
{
    uint8 out[SECT], in[SECT];

    if (ready_card(SDHC)) {
        fill(out, SECT, 1);
        CHECK_EQ(xfer(5, out, 1, 1), 0);
        CHECK_EQ(last_arg(24), 5);
        CHECK((m->flags[last_cmd(24)] & CMD_AUTO_STOP) == 0);
        CHECK(memcmp(m->mem + 5 * SECT, out, SECT) == 0);
        CHECK_EQ(xfer(5, in, 1, 0), 0);
        CHECK_EQ(last_arg(17), 5);
        CHECK(memcmp(in, out, SECT) == 0);
        CHECK_EQ(xfer(NSECT - 1, in, 1, 0), 0);
        CHECK(memcmp(in, m->mem + (NSECT - 1) * SECT, SECT) == 0);
        CHECK_EQ(nmessages, 0);
        model_clean();
    }
    done();
}

static void
test_rw_multi(void)
{
    uint8 *out = malloc(8 * SECT), *in = malloc(8 * SECT), after[SECT];

    if (ready_card(SDHC)) {
        memcpy(after, m->mem + 108 * SECT, SECT);
        fill(out, 8 * SECT, 2);
        CHECK_EQ(xfer(100, out + 0, 8, 1), 0);
        CHECK_EQ(last_arg(25), 100);
        CHECK(m->flags[last_cmd(25)] & CMD_AUTO_STOP);
        CHECK(memcmp(m->mem + 100 * SECT, out, 8 * SECT) == 0);
        CHECK(memcmp(m->mem + 108 * SECT, after, SECT) == 0);
        CHECK_EQ(xfer(100, in, 8, 0), 0);
        CHECK_EQ(last_arg(18), 100);
        CHECK(memcmp(in, out, 8 * SECT) == 0);
        CHECK_EQ(xfer(1000, in + 1, 3, 0), 0); // an odd buffer address
        CHECK(memcmp(in + 1, m->mem + 1000 * SECT, 3 * SECT) == 0);
        CHECK_EQ(m->st, S_TRAN);
        model_clean();
    }
    done();
    free(out);
    free(in);
}

// More than DWM_MAX_BLOCKS sectors go as several commands.
static void
test_rw_split(void)
{
    uint32 n = DWM_MAX_BLOCKS + 44;
    uint8 *out = malloc(n * SECT), *in = malloc(n * SECT);

    if (ready_card(SDHC)) {
        fill(out, n * SECT, 6);
        CHECK_EQ(xfer(10, out, n, 1), 0);
        CHECK_EQ(count_cmd(25), 2);
        CHECK_EQ(last_arg(25), 10 + DWM_MAX_BLOCKS);
        CHECK_EQ(xfer(10, in, n, 0), 0);
        CHECK(memcmp(in, out, n * SECT) == 0);
        CHECK(memcmp(m->mem + 10 * SECT, out, n * SECT) == 0);
        model_clean();
    }
    done();
    free(out);
    free(in);
}

static void
test_sdsc_byte_addresses(void)
{
    uint8 out[4 * SECT], in[4 * SECT];

    if (ready_card(SDSC)) {
        fill(out, sizeof out, 3);
        CHECK_EQ(xfer(3, out, 1, 1), 0);
        CHECK_EQ(last_arg(24), 3 * SECT);
        CHECK_EQ(xfer(7, out, 4, 1), 0);
        CHECK_EQ(last_arg(25), 7 * SECT);
        CHECK_EQ(xfer(7, in, 4, 0), 0);
        CHECK_EQ(last_arg(18), 7 * SECT);
        CHECK(memcmp(in, out, sizeof in) == 0);
        CHECK_EQ(xfer(3, in, 1, 0), 0);
        CHECK_EQ(last_arg(17), 3 * SECT);
        CHECK(memcmp(in, out, SECT) == 0);
        model_clean();
    }
    done();
}

static void
test_bad_ranges(void)
{
    uint8 buf[2 * SECT];
    int n;

    if (ready_card(SDHC)) {
        n = m->ncmd;
        CHECK_EQ(xfer(NSECT, buf, 1, 0), -1);
        CHECK_EQ(xfer(NSECT - 1, buf, 2, 0), -1);
        CHECK_EQ(xfer(0, buf, 0, 0), -1);
        CHECK_EQ(xfer(~0ull, buf, 1, 1), -1);
        CHECK_EQ(xfer(1, buf, 0xffffffffu, 0), -1);
        CHECK_EQ(m->ncmd, n); // refused before reaching the card
    }
    done();
}

// An attach that must fail with one message naming `why`, no disk.
static void
check_attach_fails(enum kind kind, enum fault fault, const struct slot *s,
                   const char *why)
{
    new_model(kind, fault);
    if (s == &sd4 || s == NULL)
        m->cdetect = s == NULL; // NULL: CDETECT says empty, no cd-gpios
    if (CHECK_EQ(attach_slot(s ? s : &sd4), -1)) {
        CHECK_EQ(disk.calls, 0);
        CHECK_EQ(nmessages, 1);
        if (!CHECK(strstr(last_msg, why) != NULL))
            printf("  message was: %s", last_msg);
    }
}

static void
test_no_card(void)
{
    check_attach_fails(SDHC, F_ABSENT, &sd4, "no card");
    CHECK(m->ncmd <= 4);
    model_clean();
    done();
}

static void
test_card_detect_empty(void)
{
    struct slot s = sd4;

    s.cd = NULL;
    new_model(SDHC, F_NONE);
    m->cdetect = 1;
    if (CHECK_EQ(attach_slot(&s), -1)) {
        CHECK_EQ(nmessages, 1);
        CHECK(strstr(last_msg, "no card") != NULL);
        CHECK_EQ(m->ncmd, 0); // the card was not even asked
    }
    done();
}

static void
test_card_detect_gpio(void)
{
    struct slot s = sd4;

    s.cd = "cd-gpios";
    new_model(SDHC, F_NONE);
    m->cdetect = 1;
    CHECK_EQ(attach_slot(&s), 0);
    model_clean();
    done();
}

static void
test_acmd41_never_ready(void)
{
    check_attach_fails(SDHC, F_ACMD41_NEVER, &sd4, "ACMD41");
    CHECK_EQ(count_cmd(41), DWM_ACMD41_TRIES);
    done();
}

static void
test_cmd8_bad_echo(void)
{
    check_attach_fails(SDHC, F_BAD_ECHO, &sd4, "CMD8");
    done();
}

static void
test_clock_update_stuck(void)
{
    check_attach_fails(SDHC, F_CLK_STUCK, &sd4, "clock update");
    CHECK_EQ(m->ncmd, 0);
    CHECK(m->ticks <= DWM_SPINS + 100);
    done();
}

static void
test_fifo_width_refused(void)
{
    for (uint32 w = 0; w <= 2; w += 2) {
        new_model(SDHC, F_NONE);
        m->hcon = w << 7;
        if (CHECK_EQ(attach_slot(&sd4), -1)) {
            CHECK(strstr(last_msg, w ? "64-bit" : "16-bit") != NULL);
            CHECK_EQ(m->ncmd, 0);
        }
        done();
    }
}

// A transfer of `count` sectors at 20 that must fail with one message
// naming `why`, within bounds; unless the card stays busy forever, the
// same transfer must then work: driver and card are back in step.
static void
check_rw_fault(enum fault fault, int block, uint32 count, int write,
               const char *why)
{
    uint8 *buf = malloc(count * SECT), *old = malloc(count * SECT);
    long ticks;

    if (!ready_card(SDHC))
        goto out;
    fill(buf, count * SECT, 4);
    memcpy(old, m->mem + 20 * SECT, count * SECT);
    m->fault = fault;
    m->fault_block = block;
    ticks = m->ticks;
    CHECK_EQ(xfer(20, buf, count, write), -1);
    CHECK(m->ticks - ticks < 3 * DWM_DATA_SPINS + 100000);
    CHECK_EQ(nmessages, 1);
    if (!CHECK(strstr(last_msg, why) != NULL))
        printf("  message was: %s", last_msg);
    if (fault == F_WRITE_CRC && block >= 0) {
        CHECK(memcmp(m->mem + 20 * SECT, buf, block * SECT) == 0);
        CHECK(memcmp(m->mem + (20 + block) * SECT, old + block * SECT, SECT) ==
              0);
    }
    if (fault == F_BUSY_FOREVER) { // still busy: fails before a command
        int n = m->ncmd;
        CHECK_EQ(xfer(20, buf, count, write), -1);
        CHECK(strstr(last_msg, "busy") != NULL);
        CHECK_EQ(count_cmd(24) + count_cmd(25), 1);
        CHECK(m->ncmd - n <= 1); // the CMD12 of the recovery at most
    } else {
        m->fault = F_NONE;
        CHECK_EQ(xfer(20, buf, count, write), 0);
        CHECK(memcmp(buf, m->mem + 20 * SECT, count * SECT) == 0);
        model_clean();
    }
out:
    done();
    free(buf);
    free(old);
}

static void
test_read_crc_error(void)
{
    check_rw_fault(F_READ_CRC, -1, 1, 0, "CRC");
}

static void
test_multi_read_crc_error(void)
{
    check_rw_fault(F_READ_CRC, 2, 4, 0, "CRC");
}

static void
test_read_timeout(void)
{
    check_rw_fault(F_READ_TIMEOUT, -1, 1, 0, "timeout");
}

static void
test_multi_read_timeout(void)
{
    check_rw_fault(F_READ_TIMEOUT, -1, 3, 0, "timeout");
}

static void
test_read_card_error(void)
{
    check_rw_fault(F_ECC, -1, 2, 0, "card reported an error");
}

static void
test_write_crc_error(void)
{
    check_rw_fault(F_WRITE_CRC, 1, 3, 1, "CRC");
}

static void
test_write_busy_forever(void)
{
    check_rw_fault(F_BUSY_FOREVER, -1, 1, 1, "busy");
}

// FIFO window by VERID, and data-addr overriding it.
static void
check_fifo_at(uint32 verid, uint32 data_addr, uint32 expect)
{
    struct slot s = sd4;
    uint8 buf[2 * SECT];

    s.data_addr = data_addr;
    new_model(SDHC, F_NONE);
    m->verid = verid;
    m->data_off = expect;
    if (CHECK_EQ(attach_slot(&s), 0)) {
        CHECK_EQ(dev.fifo, expect);
        CHECK_EQ(xfer(30, buf, 2, 0), 0);
        CHECK(memcmp(buf, m->mem + 30 * SECT, 2 * SECT) == 0);
        CHECK_EQ(xfer(30, buf, 2, 1), 0);
        model_clean();
    }
    done();
}

static void
test_fifo_offset(void)
{
    check_fifo_at(VERID_OLD, ~0U, 0x100);
    check_fifo_at(0x5342240a, ~0U, 0x200); // 2.40a itself
    check_fifo_at(VERID_NEW, ~0U, 0x200);
    check_fifo_at(VERID_NEW, 0, 0x200); // data-addr = 0: no override
    check_fifo_at(VERID_OLD, 0x200, 0x200);
}

static void
test_uboot_leftovers(void)
{
    uint8 out[3 * SECT], in[3 * SECT];

    new_model(SDHC, F_NONE);
    uboot_leftovers();
    if (CHECK_EQ(attach_slot(&sd4), 0)) {
        CHECK_EQ(*reg(DWM_CTRL) &
                     (CTRL_USE_IDMAC | CTRL_DMA_ENABLE | CTRL_INT_ENABLE),
                 0);
        CHECK_EQ(*reg(DWM_BMOD) & BMOD_DE, 0);
        CHECK_EQ(*reg(DWM_INTMASK), 0);
        CHECK(m->flags[0] & CMD_INIT);
        CHECK_EQ(m->cmd[0], 0);
        CHECK_EQ(last_arg(7), CARD_RCA << 16); // not U-Boot's address
        fill(out, sizeof out, 8);
        CHECK_EQ(xfer(40, out, 3, 1), 0);
        CHECK_EQ(xfer(40, in, 3, 0), 0);
        CHECK(memcmp(in, out, sizeof in) == 0);
        CHECK_EQ(m->dma_used, 0);
        model_clean();
    }
    done();
}

// Nothing set up: card power off, clock off. The driver powers the slot.
static void
test_cold_controller(void)
{
    new_model(SDSC, F_NONE);
    *reg(DWM_PWREN) = 0;
    if (CHECK_EQ(attach_slot(&sd4), 0)) {
        CHECK_EQ(*reg(DWM_PWREN) & 1, 1);
        CHECK_EQ(m->pwren_writes, 1);
        model_clean();
    }
    done();
}

int
main(int argc, char **argv)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_driver_table),
        HT_TEST(test_probe_maps_reg),
        HT_TEST(test_vf2_tree),
        HT_TEST(test_vf2_emmc_slot_empty),
        HT_TEST(test_ident_sdhc),
        HT_TEST(test_ident_sdsc),
        HT_TEST(test_ident_v1),
        HT_TEST(test_one_bit_slot),
        HT_TEST(test_ciu_clock_frequency),
        HT_TEST(test_ciu_assigned_rate),
        HT_TEST(test_ciu_assumed),
        HT_TEST(test_rw_single),
        HT_TEST(test_rw_multi),
        HT_TEST(test_rw_split),
        HT_TEST(test_sdsc_byte_addresses),
        HT_TEST(test_bad_ranges),
        HT_TEST(test_no_card),
        HT_TEST(test_card_detect_empty),
        HT_TEST(test_card_detect_gpio),
        HT_TEST(test_acmd41_never_ready),
        HT_TEST(test_cmd8_bad_echo),
        HT_TEST(test_clock_update_stuck),
        HT_TEST(test_fifo_width_refused),
        HT_TEST(test_read_crc_error),
        HT_TEST(test_multi_read_crc_error),
        HT_TEST(test_read_timeout),
        HT_TEST(test_multi_read_timeout),
        HT_TEST(test_read_card_error),
        HT_TEST(test_write_crc_error),
        HT_TEST(test_write_busy_forever),
        HT_TEST(test_fifo_offset),
        HT_TEST(test_uboot_leftovers),
        HT_TEST(test_cold_controller),
    };

    if (argc > 1)
        dtb_dir = argv[1];
    return HT_RUN(tests);
}
