// The kernel console: where output goes (a registered UART, else SBI) and
// the line discipline behind devsw[CONSOLE]. Drivers use driver.h instead:
// console_register() and console_intr() are declared there.
#ifndef LAZYOS_CONSOLE_H
#define LAZYOS_CONSOLE_H

// Set by panic() once its message is out. Other harts check it (timer
// interrupt, scheduler loop) and stop.
extern volatile int panicked;

// Installs consoleread/consolewrite in devsw[CONSOLE]. Boot hart, once,
// before the first process runs.
void console_init(void);
// The /chosen stdout-path node (FDT_NONE if none). Call before drivers are
// probed: a console registered for this node replaces an earlier one.
void console_set_stdout_node(int node);
// Writes one byte, waiting as long as the device needs; '\n' goes out as
// "\r\n". Takes no lock, so panic() can always print.
void console_putc(int c);
// console_putc() for each byte of a NUL-terminated string.
void console_puts(const char *s);
// CONSOLE_COOKED or CONSOLE_RAW (jobs.h) for every reader; returns the old
// mode, or -1 for another value.
int console_set_mode(int mode);
// The process group ^C kills (0: none). Any process context.
void console_set_foreground(int pgid);

#endif
