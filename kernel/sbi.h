// Calls into the SBI firmware (OpenSBI): console fallback, timer, harts, reset.
#ifndef LAZYOS_SBI_H
#define LAZYOS_SBI_H

#include "types.h"

// Error codes (SBI spec, "Standard SBI Errors").
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

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
void sbi_print_firmware(void); // "OpenSBI 1.1, SBI 1.0, HSM yes", no newline

#endif
