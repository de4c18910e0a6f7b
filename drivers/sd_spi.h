// The seam between an SPI controller driver (spi_sifive.c) and the SD card
// protocol in SPI mode (sd_spi.c). The controller knows its registers and
// nothing of cards; sd_spi.c knows cards and never touches MMIO.
#ifndef LAZYOS_SD_SPI_H
#define LAZYOS_SD_SPI_H

#include "kernel/types.h"
#include "kernel/spinlock.h"

// What sd_spi.c needs from the bus: polled, full-duplex byte exchange.
struct sd_spi_ops {
    // Clocks n bytes out from tx (all 0xFF when tx is NULL) and stores the
    // n bytes clocked in at the same time in rx (dropped when rx is NULL).
    // A stalled controller yields 0xFF bytes, which reads as "no card".
    void (*xfer)(void *bus, const uint8 *tx, uint8 *rx, uint32 n);
    void (*cs_assert)(void *bus);  // chip select low: the card listens
    void (*cs_release)(void *bus); // chip select high; clocks may still run
    // Sets the clock to at most hz (the slot's own limit also applies);
    // returns the rate really set, for the boot log.
    uint32 (*set_speed)(void *bus, uint32 hz);
};

// One card. The controller driver owns the storage (one per slot) and
// passes it to sd_spi_attach(); the fields are sd_spi.c's.
struct sd_card {
    const struct sd_spi_ops *ops;
    void *bus;
    struct spinlock lock; // one transfer at a time on the bus
    uint64 nsectors;      // 512-byte sectors
    int block_addr;       // SDHC/SDXC: commands take sector numbers
    int cmd, reply;       // last command sent, last R1/data response
    // The first failure of the current operation (later ones are its
    // fallout), with the command and reply it came at: one message.
    const char *why;
    int why_cmd, why_reply;
    char name[8]; // "sd0", "sd1", ...
};

// Brings up the card behind bus: reset into SPI mode, voltage check,
// initialisation, addressing mode and capacity, then full speed. On
// success registers it with blkdev_register() and returns 0; returns -1
// (after printing one line saying why) for no card or a card it cannot use.
// Boot hart, during driver probing; every wait is bounded.
int sd_spi_attach(struct sd_card *c, const struct sd_spi_ops *ops, void *bus);

#endif
