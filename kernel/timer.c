// The clock: one tick every 1/TICK_HZ s on every hart, through the Sstc
// stimecmp register where the device tree says the hart has it, else SBI.
#include "types.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "sbi.h"
#include "trap.h"

uint64 ticks;
struct spinlock tickslock;

static uint64 interval; // timebase cycles per tick
static int sstc;

void
timer_init(uint64 timebase_hz, int use_sstc)
{
    if (timebase_hz == 0)
        timebase_hz = 10000000; // QEMU's value; the tree should say
    interval = timebase_hz / TICK_HZ;
    sstc = use_sstc;
}

static void
arm_next(void)
{
    // rdtime traps to firmware on some cores (slow), so read it once.
    uint64 next = r_time() + interval;
    if (sstc)
        w_stimecmp(next);
    else
        sbi_set_timer(next);
}

void
timer_init_hart(void)
{
    arm_next();
}

void
timer_interrupt(void)
{
    // Charge the tick to what this hart was running: a hart the host did
    // not schedule takes one interrupt for all the ticks it missed, so
    // this counts CPU time the process really got.
    struct proc *p = mycpu()->proc;
    if (p)
        __atomic_fetch_add(&p->cputicks, 1, __ATOMIC_RELAXED);
    if (cpuid() == 0) {
        acquire(&tickslock);
        ticks++;
        wakeup(&ticks);
        release(&tickslock);
    }
    arm_next(); // also clears the pending interrupt
}
