// Trap entry and exit, and the clock.
#ifndef LAZYOS_TRAP_H
#define LAZYOS_TRAP_H

#include "types.h"
#include "spinlock.h"

extern uint64 ticks;           // timer interrupts seen by cpus[0] since boot
extern struct spinlock tickslock;

void trap_init(void);
void trap_init_hart(void);     // stvec, sie, scounteren for this hart
void usertrapret(void) __attribute__((noreturn));
// The page-fault fast road from uservec (trap.c says its rules). 0: done.
int usertrap_fault_fast(uint64 va, uint64 scause);

// Clock (timer.c): ticks at TICK_HZ from the timebase in the device tree.
#define TICK_HZ 100
void timer_init(uint64 timebase_hz, int use_sstc);
void timer_init_hart(void);    // arms this hart's first tick
void timer_interrupt(void);    // from the trap handler
// Blocks the caller for n ticks; 0, or -1 at once if it is killed.
int timer_sleep(uint64 n);

// Interrupt dispatch (irq.c).
void irq_enable_all(void);     // after probing: enable every registered irq
void irq_init_hart(void);      // this hart accepts device interrupts
void irq_dispatch(void);       // S-mode external interrupt
#endif
