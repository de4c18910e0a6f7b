// Traps: from user mode (system calls, page faults, interrupts) through the
// trampoline, and from kernel mode through kernelvec. Causes are dispatched
// by name; a user fault the kernel cannot serve kills only that process.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"
#include "vm.h"
#include "mmap.h"
#include "fpu.h"
#include "syscall.h"
#include "trap.h"
#include "icache.h"

extern char trampoline[], uservec[], userret[];
_Static_assert(__builtin_offsetof(struct trapframe, kernel_fault) == 288,
               "TF_KFAULT in trampoline.S");
extern void kernelvec(void);
void kerneltrap(void);

void
trap_init(void)
{
    initlock(&tickslock, "ticks");
}

void
trap_init_hart(void)
{
    w_stvec((uint64)kernelvec);
    w_sie(r_sie() | SIE_SEIE | SIE_STIE | SIE_SSIE);
    // Benchmarks read cycle/time/instret from user mode.
    w_scounteren(SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
}

// Handles an interrupt named by scause. Returns 1 for the timer (the caller
// yields), 0 for anything else it handled, -1 if scause is no interrupt.
static int
device_interrupt(uint64 scause)
{
    switch (scause) {
    case SCAUSE_S_TIMER:
        timer_interrupt();
        return 1;
    case SCAUSE_S_EXTERNAL:
        irq_dispatch();
        return 0;
    case SCAUSE_S_SOFT:
        w_sip(r_sip() & ~SIE_SSIE);
        return 0;
    default:
        return -1;
    }
}

static const char *
fault_name(uint64 scause)
{
    switch (scause) {
    case SCAUSE_LOAD_PAGE_FAULT: return "page fault (load)";
    case SCAUSE_STORE_PAGE_FAULT: return "page fault (store)";
    case SCAUSE_INSN_PAGE_FAULT: return "page fault (instruction fetch)";
    case SCAUSE_LOAD_ACCESS: return "access fault (load)";
    case SCAUSE_STORE_ACCESS: return "access fault (store)";
    case SCAUSE_INSN_ACCESS: return "access fault (instruction fetch)";
    case SCAUSE_ILLEGAL_INSN: return "illegal instruction";
    case SCAUSE_BREAKPOINT: return "breakpoint";
    case SCAUSE_LOAD_MISALIGNED: return "misaligned load";
    case SCAUSE_STORE_MISALIGNED: return "misaligned store";
    case SCAUSE_INSN_MISALIGNED: return "misaligned instruction";
    default: return "unexpected trap";
    }
}

static enum vm_access
fault_access(uint64 scause)
{
    return scause == SCAUSE_STORE_PAGE_FAULT  ? VM_STORE
           : scause == SCAUSE_INSN_PAGE_FAULT ? VM_FETCH
                                              : VM_LOAD;
}

// A page fault the fast road (usertrap_fault_fast) left to us: a region's
// page (which may need a file read), a traced process, or a fault that
// kills. vmfault decides it again from the start.
static void
user_page_fault(struct proc *p, uint64 scause, uint64 va)
{
    enum vm_access access = fault_access(scause);
    int r = p->vmtrace ? vmtrace_fault(p, va, access)
                       : vmfault(p->pagetable, va, access);
    if (r == VMFAULT_OK) {
        proc_note_resident(p); // for waitusage's peak (time CMD)
        return;
    }
    proc_fault_kill(r == VMFAULT_NOMEM ? "out of memory" : fault_name(scause),
                    va);
}

// uservec's fast road for a page fault: called from the trampoline with
// only the caller-saved user registers saved, interrupts off, on the
// kernel page table and p's kernel stack. It must not sleep or yield (the
// callee-saved registers still hold the user's values, and sepc/sstatus
// are still those of the trap). 0: the page is there, return to the user
// at once; anything else: uservec saves the rest and enters usertrap.
int
usertrap_fault_fast(uint64 va, uint64 scause)
{
    w_stvec((uint64)kernelvec); // a kernel fault here must panic, not loop
    struct proc *p = mycpu()->proc;
    if (p->vmtrace || vmfault_quick(p, va, fault_access(scause)) != VMFAULT_OK)
        return 1;
    proc_note_resident(p);
    return 0;
}

void
usertrap(void)
{
    if (r_sstatus() & SSTATUS_SPP)
        panic("usertrap: not from user mode");
    w_stvec((uint64)kernelvec); // we are in the kernel now
    struct proc *p = myproc();
    p->trapframe->epc = r_sepc();
    uint64 scause = r_scause();
    int timer = 0;

    switch (scause) {
    case SCAUSE_ECALL_U:
        if (killed(p))
            exit(-1);
        p->trapframe->epc += 4; // return past the ecall
        intr_on();              // sepc/scause are saved: allow interrupts
        syscall();
        break;
    case SCAUSE_LOAD_PAGE_FAULT:
    case SCAUSE_STORE_PAGE_FAULT:
    case SCAUSE_INSN_PAGE_FAULT:
        user_page_fault(p, scause, r_stval());
        break;
    case SCAUSE_ILLEGAL_INSN:
        if (!fpu_first_use(p))
            proc_fault_kill(fault_name(scause), r_stval());
        break;
    default:
        timer = device_interrupt(scause);
        if (timer < 0) {
            proc_fault_kill(fault_name(scause), r_stval());
            timer = 0;
        }
    }
    if (killed(p))
        exit(-1);
    if (timer)
        yield();
    usertrapret();
}

void
usertrapret(void)
{
    struct proc *p = myproc();
    // From here until sret a trap would go to uservec with kernel state.
    intr_off();
    icache_sync_hart(); // code the kernel wrote must be what we fetch
    w_stvec(TRAMPOLINE + (uservec - trampoline));
    p->trapframe->kernel_satp = r_satp();
    p->trapframe->kernel_sp = p->kstack + KSTACK_SIZE;
    p->trapframe->kernel_trap = (uint64)usertrap;
    p->trapframe->kernel_fault = (uint64)usertrap_fault_fast;
    p->trapframe->kernel_tp = r_tp();
    uint64 s = r_sstatus();
    s &= ~SSTATUS_SPP;  // sret to user mode
    s |= SSTATUS_SPIE;  // with interrupts on
    w_sstatus(s);
    w_sepc(p->trapframe->epc);
    uint64 satp = MAKE_SATP(p->pagetable);
    void (*ret)(uint64) = (void (*)(uint64))(TRAMPOLINE + (userret - trampoline));
    ret(satp);
    __builtin_unreachable();
}

void
kerneltrap(void)
{
    uint64 sepc = r_sepc(), sstatus = r_sstatus(), scause = r_scause();
    if (!(sstatus & SSTATUS_SPP))
        panic("kerneltrap: not from supervisor mode");
    if (intr_get())
        panic("kerneltrap: interrupts enabled");
    int timer = device_interrupt(scause);
    if (timer < 0)
        panic("kernel trap: %s (scause %p) at %p, stval %p", fault_name(scause),
              (void *)scause, (void *)sepc, (void *)r_stval());
    struct proc *p = myproc();
    if (timer && p != 0 && p->state == P_RUNNING)
        yield();
    // yield() may have run other traps: restore what sret needs.
    w_sepc(sepc);
    w_sstatus(sstatus);
}
