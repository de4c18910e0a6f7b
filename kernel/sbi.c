// Calls into the SBI firmware: one ecall helper and the few services the
// kernel uses. Knows the SBI calling convention, not which board runs it.
#include "types.h"
#include "riscv.h"
#include "sbi.h"
#include "printf.h"

// Extension ids (SBI spec v2.0; the legacy ones come from v0.1).
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45 // "TIME"
#define SBI_EXT_HSM 0x48534D    // "HSM"
#define SBI_EXT_SRST 0x53525354 // "SRST"

#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID 1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_IMPL_OPENSBI 1
#define SBI_TIME_SET_TIMER 0
#define SBI_HSM_HART_START 0
#define SBI_EXT_IPI 0x735049 // "sPI"
#define SBI_IPI_SEND_IPI 0
#define SBI_SRST_SYSTEM_RESET 0
#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0

// Set once by sbi_init() on the boot hart, read-only afterwards.
static int has_time;
static int has_hsm;
static int has_srst;
static int has_ipi;
static struct sbiret spec, impl, impl_version; // error set: v0.1 firmware

// One ecall: a7 = extension, a6 = function, arguments in a0..a2 (no call we
// make needs more). The firmware preserves every register but a0 and a1.
static struct sbiret
sbi_call(long eid, long fid, long arg0, long arg1, long arg2)
{
    register long a0 asm("a0") = arg0;
    register long a1 asm("a1") = arg1;
    register long a2 asm("a2") = arg2;
    register long a6 asm("a6") = fid;
    register long a7 asm("a7") = eid;

    // "memory": the firmware may read or write memory we passed addresses of.
    asm volatile("ecall"
                 : "+r"(a0), "+r"(a1)
                 : "r"(a2), "r"(a6), "r"(a7)
                 : "memory");
    return (struct sbiret){.error = a0, .value = a1};
}

static int
sbi_probe(long eid)
{
    // SBI v0.1 firmware has no BASE extension and answers with an error,
    // which reads as "absent": we then use the legacy calls.
    struct sbiret r =
        sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, eid, 0, 0);
    return r.error == 0 && r.value != 0;
}

// Boot hart, once, before the first timer is set or hart started.
void
sbi_init(void)
{
    spec = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
    impl = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
    impl_version = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0);
    has_time = sbi_probe(SBI_EXT_TIME);
    has_hsm = sbi_probe(SBI_EXT_HSM);
    has_srst = sbi_probe(SBI_EXT_SRST);
    has_ipi = sbi_probe(SBI_EXT_IPI);
}

// Polled, slow; the console fallback until a UART driver registers.
void
sbi_console_putchar(int c)
{
    sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, c, 0, 0);
}

// Arms this hart's timer for the absolute time stime_value (in time CSR
// ticks); also clears a pending timer interrupt.
void
sbi_set_timer(uint64 stime_value)
{
    if (has_time)
        sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, stime_value, 0, 0);
    else
        sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, stime_value, 0, 0);
}

// Starts hart hartid in S-mode at start_addr with a0 = hartid, a1 = opaque,
// MMU off. error is SBI_ERR_NOT_SUPPORTED without HSM, else the firmware's.
struct sbiret
sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque)
{
    if (!has_hsm)
        return (struct sbiret){.error = SBI_ERR_NOT_SUPPORTED, .value = 0};
    return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_addr,
                    opaque);
}

// Powers off. If the firmware can do neither SRST nor the legacy call,
// this hart parks with interrupts off.
void
sbi_shutdown(void)
{
    if (has_srst)
        sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
                 SBI_SRST_REASON_NONE, 0);
    sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
    intr_off();
    for (;;)
        asm volatile("wfi");
}

// Nonzero if the firmware offers system reset (a real power-off).
int
sbi_has_srst(void)
{
    return has_srst;
}

// Raises a supervisor software interrupt on hart hartid (to end its wfi).
// Without the IPI extension it does nothing: the hart wakes at its tick.
void
sbi_send_ipi(uint64 hartid)
{
    if (has_ipi)
        sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, (long)hartid, 0);
}

// Names from the SBI spec's implementation-id table.
static const char *const impl_names[] = {
    "BBL", "OpenSBI", "Xvisor", "KVM", "RustSBI", "Diosix", "Coffer",
    "Xen", "PolarFire HSS", "coreboot", "oreboot", "bhyve",
};

// Prints what firmware runs us, for the boot log: "OpenSBI 1.1, SBI 1.0,
// HSM yes". Boot hart, after sbi_init.
void
sbi_print_firmware(void)
{
    if (spec.error != 0) {
        printf("SBI 0.1 (legacy: no HSM)");
        return;
    }
    long id = impl.error == 0 ? impl.value : -1;
    uint64 v = (uint64)impl_version.value;
    if (id >= 0 && id < (long)(sizeof impl_names / sizeof impl_names[0]))
        printf("%s", impl_names[id]);
    else
        printf("SBI implementation %ld", id);
    // OpenSBI's own version is major << 16 | minor; others: raw.
    if (id == SBI_IMPL_OPENSBI)
        printf(" %lu.%lu", v >> 16, v & 0xffff);
    else
        printf(" version 0x%lx", v);
    printf(", SBI %lu.%lu, HSM %s", ((uint64)spec.value >> 24) & 0x7f,
           (uint64)spec.value & 0xffffff, has_hsm ? "yes" : "no");
}
