// Calls into the SBI firmware (OpenSBI): console fallback, timer, harts, reset.
#ifndef LAZYOS_SBI_H
#define LAZYOS_SBI_H

#include "types.h"

struct sbiret {
    long error; // 0 = success, negative SBI error code
    long value;
};

void sbi_init(void);                       // probes the extensions once
void sbi_console_putchar(int c);           // legacy EID 1 (works on every OpenSBI)
void sbi_set_timer(uint64 stime_value);
struct sbiret sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque);
void sbi_shutdown(void) __attribute__((noreturn)); // SRST, then legacy, then spin
int sbi_has_srst(void);
void sbi_send_ipi(uint64 hartid); // wakes that hart from wfi

#endif
