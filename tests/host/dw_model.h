// The register model of a DW MSHC with an SD card model behind it, for the
// dw_mshc host test: what the driver sees through dwm_mmio_ops, and what
// the test reads back. It knows the controller and the card, not the test.
#ifndef LAZYOS_DW_MODEL_H
#define LAZYOS_DW_MODEL_H

#include "kernel/types.h"
#include "drivers/dw_mshc.h"

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

struct model {
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
};

// The one model in use, from new_model() to free_model(); NULL between.
extern struct model *model;

// The registers the driver reaches through this: what model_read32 and
// model_write32 do at the controller's BASE.
extern const struct dwm_mmio_ops model_ops;

// The register at offset off (below 0x100) as the model holds it.
static inline uint32 *
reg(uint32 off)
{
    return &model->reg[off / 4];
}

// A fresh controller after power-on reset, card powered, in the slot, its
// 4 MiB filled with fill(..., 99). Undo with free_model().
void new_model(enum kind kind, enum fault fault);
void free_model(void);
// Puts the controller and card where U-Boot's driver leaves them: IDMAC
// mode, interrupts masked in, a 4-bit card selected at 25 MHz with U-Boot's
// RCA, stale status bits.
void uboot_leftovers(void);
// The card clock the controller drives now, 0 when it is off.
uint32 card_hz(void);
// A byte pattern that differs by seed and by 512-byte block.
void fill(uint8 *buf, long n, int seed);
// Records that the driver broke a rule of the controller or the card; the
// first message is kept, the rest are counted.
void model_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// The card's side (dw_card.c). card_hears says whether the card takes a
// command now, logging any rule it breaks; card_cmd carries it out and puts
// the response, if any, into r.
int card_hears(uint32 idx, uint32 flags);
enum resp card_cmd(uint32 idx, uint32 arg, uint32 flags, uint32 *r);

#endif
