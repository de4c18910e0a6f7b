// The SBI calls of the test firmware: base (probe, versions), legacy
// console, timer (legacy and TIME), HSM (unless MODE_nohsm), system reset.
// Anything else answers SBI_ERR_NOT_SUPPORTED.
#include "loader.h"

#define EXT_BASE 0x10
#define EXT_TIME 0x54494D45
#define EXT_HSM 0x48534D
#define EXT_SRST 0x53525354
#define ERR_NOT_SUPPORTED (-2)
#define IMPL_ID 0x4c7a // not in the SBI registry: our own test firmware
#define MIP_STIP (1ul << 5)
#define MIE_MTIE (1ul << 7)

static void
set_timer(u64 hartid, u64 when)
{
    mmio_w64(CLINT_MTIMECMP(hartid), when);
    csr_clear(mip, MIP_STIP);
    csr_set(mie, MIE_MTIE);
}

void
timer_forward(void)
{
    csr_clear(mie, MIE_MTIE);
    csr_set(mip, MIP_STIP);
}

static int
probe(u64 ext)
{
    if (ext == EXT_HSM) {
#if defined(MODE_nohsm)
        return 0;
#else
        return 1;
#endif
    }
    return ext == EXT_BASE || ext == EXT_TIME || ext == EXT_SRST;
}

// Base extension: SBI v1.0, our impl id, version 1.
static long
base_call(u64 fid, u64 arg, long *value)
{
    switch (fid) {
    case 0:
        *value = 1l << 24;
        return 0;
    case 1:
        *value = IMPL_ID;
        return 0;
    case 2:
        *value = 1;
        return 0;
    case 3:
        *value = probe(arg);
        return 0;
    case 4:
    case 5:
    case 6:
        *value = 0;
        return 0; // mvendorid, marchid...
    }
    return ERR_NOT_SUPPORTED;
}

void
sbi_dispatch(struct frame *f, u64 hartid)
{
    u64 ext = f->x[F_A7], fid = f->x[F_A6], a0 = f->x[F_A0];
    long err = ERR_NOT_SUPPORTED, value = 0;

    if (ext == 0x01) { // legacy console_putchar
        uart_putc((int)a0);
        f->x[F_A0] = 0;
        return;
    }
    if (ext == 0x00 || (ext == EXT_TIME && fid == 0)) {
        set_timer(hartid, a0);
        err = 0;
    } else if (ext == 0x08 || (ext == EXT_SRST && fid == 0)) {
        finish(0);
    } else if (ext == EXT_BASE) {
        err = base_call(fid, a0, &value);
    } else if (ext == EXT_HSM && probe(EXT_HSM)) {
        if (fid == 0)
            err = hsm_start(a0, f->x[F_A1], f->x[F_A2]);
        else if (fid == 1)
            hsm_stop(hartid); // waits for a new start: no return
    }
    f->x[F_A0] = (u64)err;
    f->x[F_A1] = (u64)value;
}
