// The SD card model in SPI mode for the sd_spi host test: a byte-level
// state machine behind model_ops that parses command frames, answers from
// RAM and injects faults. It knows the card, not the driver or the tests.
#ifndef LAZYOS_SD_MODEL_H
#define LAZYOS_SD_MODEL_H

#include "kernel/types.h"
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

// The bus the driver is given, with a struct model as its `bus` pointer:
// every byte clocked is one step of that model.
extern const struct sd_spi_ops model_ops;

// A card of `kind` that has never been selected, `fault` armed for every
// block, its 4 MiB filled with fill(..., 99). Undo with free_model().
struct model *new_model(enum kind kind, enum fault fault);
void free_model(struct model *m);
// A byte pattern that differs by seed and by 512-byte block.
void fill(uint8 *buf, int n, int seed);
// How many times the card has seen command `cmd` (the log's first LOG_MAX).
int count_cmd(const struct model *m, int cmd);
// The CRCs of the SD spec, written independently of the driver's: CRC7 of
// a command frame (unshifted, no end bit) and CRC16 of a data block.
uint8 model_crc7(const uint8 *p, int n);
uint16 model_crc16(const uint8 *p, int n);

// Between the byte level (sd_model.c) and the card's commands (sd_card.c);
// the tests need neither. model_push queues a MISO byte (dropped when the
// queue is full); model_push_block queues Nac, a start token, n bytes and
// their CRC16, spoilt when `corrupt` (or an error token for F_READ_TOKEN);
// model_corrupt_here says whether the block now read carries a bad CRC.
void model_push(struct model *m, uint8 b);
void model_push_block(struct model *m, const uint8 *data, int n, int corrupt);
int model_corrupt_here(const struct model *m);
// Logs and carries out the six-byte frame in m->frame, queueing the reply.
void card_frame(struct model *m);

#endif
