// Kernel printf and panic. Formats into console_putc(); knows nothing of
// devices. One lock keeps harts' lines apart, and panic() never takes it.
#include <stdarg.h>

#include "types.h"
#include "riscv.h"
#include "spinlock.h"
#include "printf.h"
#include "console.h"

// Set on entry to panic(): from then on nobody waits for print_lock, since
// its holder may be the hart that panicked.
static volatile int panicking;

static struct spinlock print_lock;

static const char digits[] = "0123456789abcdef";

static int
put_str(const char *s)
{
    int n = 0;

    for (; *s; s++, n++)
        console_putc(*s);
    return n;
}

// At least min_digits digits, zero-padded.
static int
put_unsigned(uint64 v, uint base, int min_digits)
{
    char buf[20]; // 2^64 - 1 has 20 decimal digits
    int len = 0;

    do {
        buf[len++] = digits[v % base];
        v /= base;
    } while (v != 0);
    while (len < min_digits)
        buf[len++] = '0';
    for (int i = len - 1; i >= 0; i--)
        console_putc(buf[i]);
    return len;
}

static int
put_signed(int64 v)
{
    if (v >= 0)
        return put_unsigned(v, 10, 1);
    console_putc('-');
    // Negate as unsigned: -v overflows for the most negative value.
    return 1 + put_unsigned(-(uint64)v, 10, 1);
}

// One conversion; *fmt is the character after '%' and any 'l's. Unknown
// conversions are printed as written, so a bad format is visible.
static int
put_conversion(const char *start, const char *fmt, int is_long, va_list *ap)
{
    const char *s;

    switch (*fmt) {
    case 'd':
    case 'i':
        return put_signed(is_long ? va_arg(*ap, long) : va_arg(*ap, int));
    case 'u':
    case 'x':
        return put_unsigned(is_long ? va_arg(*ap, unsigned long)
                                    : va_arg(*ap, unsigned int),
                            *fmt == 'u' ? 10 : 16, 1);
    case 'p':
        put_str("0x");
        return 2 + put_unsigned((uint64)va_arg(*ap, void *), 16, 16);
    case 's':
        s = va_arg(*ap, const char *);
        return put_str(s != NULL ? s : "(null)");
    case 'c':
        console_putc(va_arg(*ap, int));
        return 1;
    case '%':
        console_putc('%');
        return 1;
    default:
        for (s = start; s <= fmt; s++)
            console_putc(*s);
        return fmt - start + 1;
    }
}

// Characters written ('\n' counts once though it goes out as "\r\n").
static int
format(const char *fmt, va_list *ap)
{
    int n = 0;

    for (; *fmt; fmt++) {
        const char *start = fmt;
        int longs = 0;

        if (*fmt != '%') {
            console_putc(*fmt);
            n++;
            continue;
        }
        // "l" and "ll" both mean 64 bits under LP64.
        while (fmt[1] == 'l' && longs < 2) {
            fmt++;
            longs++;
        }
        if (fmt[1] == 0) // '%' at the very end: show it and stop
            return n + put_str(start);
        fmt++;
        n += put_conversion(start, fmt, longs > 0, ap);
    }
    return n;
}

// Boot hart, once, before other harts start. printf works before this too
// (a zeroed lock is a free one); this names the lock for panic messages.
void
printf_init(void)
{
    initlock(&print_lock, "printf");
}

// Returns the characters written. Takes print_lock (interrupts off while
// printing) unless a panic is under way.
int
printf(const char *fmt, ...)
{
    va_list ap;
    int locked = !panicking;
    int n;

    if (locked)
        acquire(&print_lock);
    va_start(ap, fmt);
    n = format(fmt, &ap);
    va_end(ap);
    if (locked)
        release(&print_lock);
    return n;
}

// Any context. Prints without print_lock (this hart may hold it), then
// sets panicked so the other harts stop, and spins here for good.
void
panic(const char *fmt, ...)
{
    va_list ap;

    intr_off();
    panicking = 1;
    console_puts("panic: ");
    va_start(ap, fmt);
    format(fmt, &ap);
    va_end(ap);
    console_puts("\n");
    panicked = 1;
    for (;;)
        ;
}
