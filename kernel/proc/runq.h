// Run queues inside the process layer (runq.c); runq_add is in proc.h.
#ifndef LAZYOS_RUNQ_H
#define LAZYOS_RUNQ_H

struct proc;

// Boot hart, once.
void runq_init(void);
// The next process for this hart: its own queue first, then stolen from
// another hart's. Returned unlocked and off every queue; 0 if none.
struct proc *runq_take(int hart);
// Nonzero if some queue holds work (a racy hint for the idle check).
int runq_any(void);

#endif
