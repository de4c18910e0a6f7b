// Test firmware main: M-mode set-up of each hart, then the kernel entry in
// S-mode. Built in one of three modes (-DMODE_x):
//   all:   every hart enters the kernel at once (after a barrier); HSM on;
//   nohsm: the same, and the firmware has no HSM extension;
//   lie:   only hart 0 enters; HSM hart_start of LIE_HART says success and
//          never starts it (the VisionFive 2 hart-0 case); others work;
//   late:  the same, but LIE_HART does start when the kernel asks for the
//          next hart: after the kernel gave up on it and gave its slot away.
#include "loader.h"

#define LIE_HART 2
#define FW_DYNAMIC_MAGIC 0x4942534ful // "OSBI"
#define DEFAULT_ENTRY 0x80200000ul
// Spins of the entry barrier before a hart goes on alone (a -smp smaller
// than the test expects must still boot).
#define BARRIER_SPINS 100000000ul
#define EXPECTED_HARTS 4

// QEMU's fw_dynamic_info (a2): where the kernel (-kernel) starts.
struct fw_dynamic_info {
    u64 magic, version, next_addr, next_mode, options, boot_hart;
};

// Per hart: an HSM start request, posted by hsm_start, taken by the hart.
static struct {
    volatile u64 addr; // 0: nothing requested
    volatile u64 arg;
} start_box[MAX_HARTS];
static volatile u32 waiting[MAX_HARTS]; // in hart_wait_start: HSM "stopped"
static volatile u32 barrier;
static u64 kernel_entry;

void
uart_putc(int c)
{
    volatile unsigned char *u = (volatile unsigned char *)UART0;
    while ((u[5] & 0x20) == 0) // LSR: transmitter holding register empty
        ;
    u[0] = (unsigned char)c;
}

static void
puts_(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

// Ends QEMU through the SiFive test device: 0 passes, else exit status 1.
void
finish(u32 code)
{
    mmio_w32(SIFIVE_TEST, code == 0 ? 0x5555 : (code << 16) | 0x3333);
    for (;;)
        asm volatile("wfi");
}

// M-mode state an S-mode kernel expects from its firmware.
static void
hart_setup(void)
{
    // One PMP entry, NAPOT over all of memory: S-mode may use everything.
    csr_write(pmpaddr0, ~0ul);
    csr_write(pmpcfg0, 0x1f);
    // S handles its own interrupts and every exception but its ecalls.
    csr_write(mideleg, (1 << 1) | (1 << 5) | (1 << 9));
    csr_write(medeleg, 0xb1ff);
    csr_write(mcounteren, 7);
    // menvcfg.STCE: the kernel may use Sstc's stimecmp (ignored if absent).
    asm volatile("csrs 0x30a, %0" ::"r"(1ul << 63));
    csr_write(mie, 1 << 3); // MSIE: an HSM start wakes the hart
}

// Waits in M-mode until hsm_start posts a start for this hart.
void
hart_wait_start(u64 hartid)
{
    csr_clear(mstatus, 1 << 3); // MIE off: wfi wakes, no trap is taken
    waiting[hartid] = 1;
    for (;;) {
        mmio_w32(CLINT_MSIP(hartid), 0);
        u64 addr = start_box[hartid].addr;
        if (addr != 0) {
            __sync_synchronize();
            u64 arg = start_box[hartid].arg;
            start_box[hartid].addr = 0;
            waiting[hartid] = 0;
            enter_smode(addr, hartid, arg);
        }
        asm volatile("wfi");
    }
}

// Posts a start to a stopped hart and wakes it.
static void
post_start(u64 hartid, u64 addr, u64 arg)
{
    start_box[hartid].arg = arg;
    __sync_synchronize();
    start_box[hartid].addr = addr;
    mmio_w32(CLINT_MSIP(hartid), 1);
}

#if defined(MODE_late)
static struct {
    volatile u64 addr, arg; // LIE_HART's start, held back while addr != 0
} late;
#endif

// HSM hart_start. Returns an SBI error code.
long
hsm_start(u64 hartid, u64 addr, u64 arg)
{
    if (hartid >= MAX_HARTS)
        return -3; // SBI_ERR_INVALID_PARAM
    // A hart running S-mode code (every one, in modes all and nohsm).
    if (!waiting[hartid] || start_box[hartid].addr != 0)
        return -6; // SBI_ERR_ALREADY_AVAILABLE
#if defined(MODE_lie)
    if (hartid == LIE_HART)
        return 0; // what firmware that kills the hart would say
#elif defined(MODE_late)
    if (hartid == LIE_HART && late.addr == 0) {
        late.arg = arg;
        late.addr = addr;
        return 0;
    }
    // The kernel has moved on to the next hart: now LIE_HART goes.
    if (late.addr != 0) {
        post_start(LIE_HART, late.addr, late.arg);
        late.addr = 0;
    }
#endif
    post_start(hartid, addr, arg);
    return 0;
}

// HSM hart_stop: says so on the console (tests look for it), then waits.
void
hsm_stop(u64 hartid)
{
    puts_("lazyos test loader: hart ");
    uart_putc('0' + (int)hartid);
    puts_(" stopped by the kernel\n");
    hart_wait_start(hartid);
}

void
loader_main(u64 hartid, u64 fdt, const struct fw_dynamic_info *dyn)
{
    hart_setup();
    if (hartid == 0) {
        kernel_entry = dyn != 0 && dyn->magic == FW_DYNAMIC_MAGIC
                           ? dyn->next_addr
                           : DEFAULT_ENTRY;
        puts_("\nlazyos test loader: kernel entry on ");
#if defined(MODE_lie)
        puts_("hart 0 only, HSM lies about hart 2\n");
#elif defined(MODE_late)
        puts_("hart 0 only, HSM starts hart 2 when asked for the next\n");
#else
        puts_("every hart at once\n");
#endif
    }
#if defined(MODE_lie) || defined(MODE_late)
    if (hartid != 0)
        waiting[hartid] = 1; // HSM "stopped" from the start
#endif
    // Everyone waits for hart 0 to have read the entry, then for the rest.
    __atomic_fetch_add(&barrier, 1, __ATOMIC_SEQ_CST);
    for (u64 spin = 0; barrier < EXPECTED_HARTS && spin < BARRIER_SPINS; spin++)
        ;
    while (__atomic_load_n(&kernel_entry, __ATOMIC_ACQUIRE) == 0)
        ;
#if defined(MODE_lie) || defined(MODE_late)
    if (hartid != 0)
        hart_wait_start(hartid);
#endif
    enter_smode(kernel_entry, hartid, fdt);
}

// Called from trap_vector with the saved registers.
void
loader_trap(struct frame *f)
{
    u64 cause = csr_read(mcause);
    u64 hartid = csr_read(mhartid);
    if (cause == 9) { // ecall from S-mode
        sbi_dispatch(f, hartid);
        csr_write(mepc, csr_read(mepc) + 4);
    } else if (cause == ((1ul << 63) | 7)) {
        timer_forward();
    } else if (cause == ((1ul << 63) | 3)) {
        mmio_w32(CLINT_MSIP(hartid), 0);
    } else {
        puts_("lazyos test loader: unexpected trap in M-mode\n");
        finish(1);
    }
}
