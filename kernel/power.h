// Ending the machine (halt system call, panic in tests).
#ifndef LAZYOS_POWER_H
#define LAZYOS_POWER_H

// Powers off through a registered driver (which can report `code` to QEMU)
// or SBI SRST. Never returns.
void machine_poweroff(int code) __attribute__((noreturn));

#endif
