// The small interface between drivers/ and the kernel. A driver is matched
// by "compatible" string, probed once on the boot hart before the MMU is on,
// and hands the kernel one of a few const ops tables. The kernel never
// includes a driver header; drivers include only this and what it names.
#ifndef LAZYOS_DRIVER_H
#define LAZYOS_DRIVER_H

#include "types.h"
#include "fdt.h"

struct driver {
    const char *name;
    const char *const *compatible; // NULL-terminated list
    // Called for each "okay" node that matches. Returns 0 when the device is
    // in use, -1 (after printing why) when it could not be set up.
    int (*probe)(const struct fdt *f, int node);
};

// Generated from the board's DRIVERS list at build time; NULL-terminated.
extern const struct driver *const driver_table[];

// Probes every okay node of the tree against driver_table, in tree order,
// interrupt controllers first. Called once by main().
void driver_probe_all(const struct fdt *f);

// Maps [pa, pa+size) of device registers into the kernel page table
// (uncached identity map) and returns the virtual address to use. Panics
// on an empty range or one beyond the address space (a broken tree).
uint64 kvm_map_device(uint64 pa, uint64 size);

// ---- console ----
struct console_ops {
    void (*putc)(void *dev, int c); // waits for room, never fails
    int (*getc)(void *dev);         // next received byte or -1
    void (*rx_resume)(void *dev);   // receive interrupts back on
};
// The first console registered that is /chosen stdout-path wins; until one
// is, output goes through SBI. The driver's receive interrupt handler calls
// console_intr() for each byte it drains with getc.
void console_register(const struct console_ops *ops, void *dev, int fdt_node);
void console_intr(int c);
// Input flow control: a driver takes a byte from its FIFO only while
// console_rx_room() > 0. Left with bytes and no room, it masks its receive
// interrupt and calls console_rx_stall(); the bytes wait in the UART until
// a reader makes room, when the console calls ops->rx_resume(dev).
int console_rx_room(void);
void console_rx_stall(const struct console_ops *ops, void *dev);

// ---- interrupts ----
struct irqchip_ops {
    void (*enable)(void *dev, uint irq);          // route irq to every S-mode hart
    void (*hart_init)(void *dev, uint32 hartid);  // accept interrupts on this hart
    uint (*claim)(void *dev, uint32 hartid);      // 0 = nothing pending
    void (*complete)(void *dev, uint32 hartid, uint irq);
};
void irqchip_register(const struct irqchip_ops *ops, void *dev);
// Calls fn(arg) on interrupt `irq`, in interrupt context (no sleeping).
// Returns -1 when no interrupt controller was found (controllers are
// probed first): a driver that must sleep for its interrupt gives up then.
int irq_register(uint irq, void (*fn)(void *arg), void *arg);

// ---- block devices ----
struct blk_ops {
    // Transfers count 512-byte sectors starting at `sector` to or from buf.
    // May sleep (called from process context). Returns 0 or -1 on I/O error.
    int (*rw)(void *dev, uint64 sector, void *buf, uint32 count, int write);
};
// Offers a disk of nsectors sectors; the kernel picks the root disk from
// what is offered (see blkdev.c). name is for messages ("virtio0").
void blkdev_register(const struct blk_ops *ops, void *dev, uint64 nsectors, const char *name);

// ---- power ----
// A driver that can end the machine (QEMU's sifive,test0) offers it here;
// otherwise the kernel uses SBI SRST. code 0 = success.
void poweroff_register(void (*fn)(void *dev, int code), void *dev);

#endif
