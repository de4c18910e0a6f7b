// The DesignWare Mobile Storage Host's registers and the state dw_mshc.c
// keeps per controller, shared with its host test (which stands a register
// model behind dwm_mmio_ops). The kernel never includes this.
#ifndef LAZYOS_DW_MSHC_H
#define LAZYOS_DW_MSHC_H

#include "kernel/types.h"
#include "kernel/fdt.h"
#include "kernel/spinlock.h"

// Register offsets (all 32 bits).
#define DWM_CTRL 0x00
#define DWM_PWREN 0x04
#define DWM_CLKDIV 0x08 // card clock = ciu / (2 * div); 0 passes ciu through
#define DWM_CLKSRC 0x0c
#define DWM_CLKENA 0x10
#define DWM_TMOUT 0x14
#define DWM_CTYPE 0x18 // bit 0: 4-bit bus
#define DWM_BLKSIZ 0x1c
#define DWM_BYTCNT 0x20
#define DWM_INTMASK 0x24
#define DWM_CMDARG 0x28
#define DWM_CMD 0x2c
#define DWM_RESP0 0x30   // RESP1..3 follow; a long response ends in RESP3
#define DWM_RINTSTS 0x44 // write 1 to clear
#define DWM_STATUS 0x48
#define DWM_CDETECT 0x50 // bit 0 low: card present
#define DWM_VERID 0x6c
#define DWM_HCON 0x70 // bits 9:7: FIFO width, 1 = 32 bits
#define DWM_BMOD 0x80

#define CTRL_RESET (1U << 0) // the three resets clear themselves
#define CTRL_FIFO_RESET (1U << 1)
#define CTRL_DMA_RESET (1U << 2)
#define CTRL_INT_ENABLE (1U << 4)
#define CTRL_DMA_ENABLE (1U << 5)
#define CTRL_USE_IDMAC (1U << 25)
#define BMOD_SWR (1U << 0) // IDMAC soft reset
#define BMOD_DE (1U << 7)  // IDMAC enable

#define CMD_RESP (1U << 6)
#define CMD_LONG (1U << 7)
#define CMD_CRC (1U << 8)
#define CMD_DATA (1U << 9)
#define CMD_WRITE (1U << 10)
#define CMD_AUTO_STOP (1U << 12)
#define CMD_WAIT (1U << 13) // wait for the previous data transfer
#define CMD_ABORT (1U << 14)
#define CMD_INIT (1U << 15) // 80 clocks first: the card's power-up
#define CMD_UPD_CLK (1U << 21)
#define CMD_HOLD (1U << 29)
#define CMD_START (1U << 31) // cleared by the controller once taken

#define INT_RE (1U << 1)
#define INT_CMD_DONE (1U << 2)
#define INT_DATA_OVER (1U << 3)
#define INT_RCRC (1U << 6)
#define INT_DCRC (1U << 7)
#define INT_RTO (1U << 8)
#define INT_DRTO (1U << 9)
#define INT_HTO (1U << 10)
#define INT_FRUN (1U << 11)
#define INT_HLE (1U << 12)
#define INT_SBE (1U << 13)
#define INT_ACD (1U << 14) // auto stop done
#define INT_EBE (1U << 15)

#define STATUS_EMPTY (1U << 2)
#define STATUS_FULL (1U << 3)
#define STATUS_BUSY (1U << 9) // the card holds DAT0 low
#define STATUS_COUNT(s) (((s) >> 17) & 0x1fff)

#define CTRL_ALL_RESETS (CTRL_RESET | CTRL_FIFO_RESET | CTRL_DMA_RESET)
#define CTRL_DMA_OFF (CTRL_USE_IDMAC | CTRL_DMA_ENABLE | CTRL_INT_ENABLE)

// SD-mode card protocol (SD Physical Layer Simplified Spec).
#define SD_SECTOR 512
#define SD_INIT_HZ 400000   // identification mode limit
#define SD_FAST_HZ 25000000 // default speed: no switch function needed
#define SD_CMD8_ARG 0x1aa   // 2.7-3.6 V, check pattern 0xAA
#define SD_OCR_DONE (1U << 31)
#define SD_OCR_CCS (1U << 30)    // as ACMD41 argument: HCS
#define SD_OCR_WINDOW 0x00300000 // 3.2-3.4 V
#define SD_R1_ERRORS 0xe4380000  // range, address, length, WP, ECC, CC, error
#define SD_ACMD6_4BIT 2
// Response shapes: R1/R6/R7 short, R2 long, R3 without a valid CRC.
#define R_SHORT (CMD_RESP | CMD_CRC | CMD_WAIT)
#define R_LONG (CMD_RESP | CMD_LONG | CMD_CRC | CMD_WAIT)
#define R_NOCRC (CMD_RESP | CMD_WAIT)

// Bounds in register polls (an MMIO read is >= ~20 ns): a command or reset
// is done within microseconds, a card may take 250 ms (SDHC) to 500 ms
// (SDXC) to finish a write; the controller's own timeouts (TMOUT) fire first.
#define DWM_SPINS 1000000
#define DWM_DATA_SPINS 20000000 // without progress, in a transfer or busy
#define DWM_POWER_SPINS 100000  // settle after switching card power on
#define DWM_ACMD41_TRIES 5000   // ~0.5 ms per round at 400 kHz: > the 1 s limit
#define DWM_MAX_BLOCKS 256      // per command: BYTCNT stays far below 2^32
#define DWM_MAX 2               // controllers
// The VF2 tree names the ciu clock only by a phandle into the clock
// controller and assigns it 50 MHz; a tree that says nothing gets that.
#define DWM_ASSUMED_CIU_HZ 50000000

// How registers are reached: real MMIO in the kernel, a model in the test.
struct dwm_mmio_ops {
    uint32 (*read32)(uint64 addr);
    void (*write32)(uint64 addr, uint32 val);
};

// One controller and the card in its slot. The fields are dw_mshc.c's.
struct dwm {
    const struct dwm_mmio_ops *io;
    uint64 base;    // virtual address of the registers
    uint32 fifo;    // offset of the FIFO data window
    uint32 ciu_hz;  // card interface unit clock
    uint32 card_hz; // card clock last set: ciu_hz / (2 * CLKDIV), or ciu_hz
    int cd_empty;   // CDETECT said "no card" and the slot names no other way
    int wide;       // the slot wires DAT0-3
    int block_addr; // SDHC/SDXC: commands take sector numbers
    uint32 rca;     // the card's relative address
    uint64 nsectors;
    struct spinlock lock; // one transfer at a time
    uint32 cmd, ints;     // last command sent, last RINTSTS (or R1) seen
    // The first failure of the current operation: one message.
    const char *why;
    uint32 why_cmd, why_ints;
    char name[8]; // "mmc0", "mmc1"
};

// Sets up controller d (io and base filled in by the caller) for the slot
// described by `node` and identifies its card. Returns 0 after registering
// the card with blkdev_register(), or -1 after printing one line saying why
// (no card, a controller we cannot drive). Boot hart; every wait bounded.
int dwm_attach(struct dwm *d, const struct fdt *f, int node);

// The command path dw_mshc.c lends to dw_mshc_sd.c. Each returns 0, or -1
// with the first failure of the operation noted in d->why (dwm_fail).
void dwm_write(const struct dwm *d, uint32 off, uint32 val);
int dwm_fail(struct dwm *d, const char *why);
int dwm_wait_busy(struct dwm *d);
// Card clock of at most hz; the rate really set goes to d->card_hz.
int dwm_set_clock(struct dwm *d, uint32 hz);
// Command idx; its response into resp (RESP0 first, four words if long).
int dwm_cmd(struct dwm *d, uint32 idx, uint32 arg, uint32 flags, uint32 *resp);
// A command answered by R1 whose error bits must be clear.
int dwm_cmd_r1(struct dwm *d, uint32 idx, uint32 arg, uint32 flags);

// dw_mshc_sd.c: the SD identification steps, in the order attach runs them.
// Power-up returns the card's spec version (1 or 2) or -1; the others 0 or
// -1, each noting why in d->why. The boot hart only, lock not needed.
int dwm_power_up(struct dwm *d);
int dwm_identify(struct dwm *d);
int dwm_select(struct dwm *d);
// "SDSC", "SDHC" or "SDXC", from the addressing mode and capacity.
const char *dwm_card_kind(const struct dwm *d);

#endif
