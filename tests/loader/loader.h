// A tiny M-mode firmware for QEMU virt, used as -bios by the hart-boot
// tests: it enters the kernel on every hart at once, or simulates an HSM
// that lies, and offers just the SBI calls the kernel makes.
#ifndef LOADER_H
#define LOADER_H

typedef unsigned long u64;
typedef unsigned int u32;

#define MAX_HARTS 8
// QEMU virt's devices (its device tree says so; this firmware is for it).
#define UART0 0x10000000ul
#define CLINT_MSIP(h) (0x2000000ul + 4 * (h))
#define CLINT_MTIMECMP(h) (0x2004000ul + 8 * (h))
#define SIFIVE_TEST 0x100000ul

// Registers a trap saved on the M-mode stack, x1..x31 (x[0] is ra).
struct frame {
    u64 x[31];
};
#define F_A0 9 // x10
#define F_A1 10
#define F_A2 11
#define F_A6 15
#define F_A7 16

// start.S: drops to S-mode at addr with a0 = hartid, a1 = arg, satp = 0,
// this hart's trap stack reset. Never returns.
void enter_smode(u64 addr, u64 hartid, u64 arg) __attribute__((noreturn));

// loader.c
void hart_wait_start(u64 hartid) __attribute__((noreturn));
long hsm_start(u64 hartid, u64 addr, u64 arg);
void hsm_stop(u64 hartid) __attribute__((noreturn));
void uart_putc(int c);
void finish(u32 code) __attribute__((noreturn));

// sbi_calls.c: one ecall from S-mode; writes a0/a1 of the frame.
void sbi_dispatch(struct frame *f, u64 hartid);
// M timer interrupt: pass it on to S-mode as STIP.
void timer_forward(void);

#define csr_read(name)                                                         \
    ({                                                                         \
        u64 v_;                                                                \
        asm volatile("csrr %0, " #name : "=r"(v_));                            \
        v_;                                                                    \
    })
#define csr_write(name, v) asm volatile("csrw " #name ", %0" ::"r"((u64)(v)))
#define csr_set(name, v) asm volatile("csrs " #name ", %0" ::"r"((u64)(v)))
#define csr_clear(name, v) asm volatile("csrc " #name ", %0" ::"r"((u64)(v)))

static inline void
mmio_w32(u64 addr, u32 v)
{
    *(volatile u32 *)addr = v;
}

static inline void
mmio_w64(u64 addr, u64 v)
{
    *(volatile u64 *)addr = v;
}

#endif
