// Kernel console output: printf (%d %u %x %p %s %c %l-modifier %%) and panic.
#ifndef LAZYOS_PRINTF_H
#define LAZYOS_PRINTF_H

#include "types.h"

// Formats to the console; serialised across harts so lines do not interleave.
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// Prints "panic: " + message on this hart, stops all harts, never returns.
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void printf_init(void);

#endif
