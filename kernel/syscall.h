// System-call argument fetching, for the sys_* functions.
#ifndef LAZYOS_SYSCALL_H
#define LAZYOS_SYSCALL_H

#include "types.h"

// Argument n (0..5) of the current system call, as an int or raw 64-bit value.
void argint(int n, int *ip);
void argaddr(int n, uint64 *ip);
// Copies string argument n into buf (at most max bytes with the NUL).
// Returns its length, or -1 for a bad pointer or an unterminated string.
int argstr(int n, char *buf, int max);
// Reads a 64-bit word / a string at a user address; 0 / length, or -1.
int fetchaddr(uint64 addr, uint64 *ip);
int fetchstr(uint64 addr, char *buf, int max);
// Dispatches the system call in the current trapframe.
void syscall(void);

#endif
