// User printf/fprintf: %d %u %x %p %s %c %% with an l modifier for d/u/x and
// an optional '-' or '0' flag and field width. Knows only write().
#include <stdarg.h>

#include "kernel/types.h"
#include "user/user.h"

// Output of one call collects here so a line reaches the fd in one write()
// and does not interleave with other processes' output.
struct pbuf {
    int fd;
    int n;
    char b[128];
};

struct spec {
    int left;   // '-': pad on the right
    int zero;   // '0': pad numbers with zeros
    int width;  // minimum field width
    int islong; // 'l' or 'll' seen
};

static const char digits[] = "0123456789abcdef";

static void
pb_flush(struct pbuf *pb)
{
    if (pb->n > 0)
        write(pb->fd, pb->b, pb->n);
    pb->n = 0;
}

static void
pb_put(struct pbuf *pb, char c)
{
    if (pb->n == sizeof(pb->b))
        pb_flush(pb);
    pb->b[pb->n++] = c;
}

static void
pb_pad(struct pbuf *pb, char c, int n)
{
    while (n-- > 0)
        pb_put(pb, c);
}

// Emits s (len bytes) padded to the spec's width.
static void
put_field(struct pbuf *pb, const char *s, int len, const struct spec *sp)
{
    int pad = sp->width > len ? sp->width - len : 0;

    if (!sp->left)
        pb_pad(pb, ' ', pad);
    while (len-- > 0)
        pb_put(pb, *s++);
    if (sp->left)
        pb_pad(pb, ' ', pad);
}

// Emits v in base with an optional '-' sign; zero padding goes between the
// sign and the digits, the way C's printf does it.
static void
put_num(struct pbuf *pb, uint64 v, int base, int neg, const struct spec *sp)
{
    char tmp[24];
    int i = sizeof(tmp);
    int ndig;

    do {
        tmp[--i] = digits[v % base];
        v /= base;
    } while (v != 0);
    ndig = sizeof(tmp) - i;
    if (sp->zero && !sp->left) {
        if (neg)
            pb_put(pb, '-');
        pb_pad(pb, '0', sp->width - ndig - neg);
        while (i < (int)sizeof(tmp))
            pb_put(pb, tmp[i++]);
        return;
    }
    if (neg)
        tmp[--i] = '-';
    put_field(pb, tmp + i, sizeof(tmp) - i, sp);
}

// Reads flags, width and length after '%'; returns the conversion letter's
// position.
static const char *
parse_spec(const char *f, struct spec *sp)
{
    sp->left = sp->zero = sp->width = sp->islong = 0;
    for (; *f == '-' || *f == '0'; f++) {
        if (*f == '-')
            sp->left = 1;
        else
            sp->zero = 1;
    }
    for (; *f >= '0' && *f <= '9'; f++)
        sp->width = sp->width * 10 + (*f - '0');
    for (; *f == 'l'; f++)
        sp->islong = 1;
    return f;
}

// Handles one conversion letter c; unknown letters print literally.
static void
convert(struct pbuf *pb, char c, const struct spec *sp, va_list *ap)
{
    int64 sv;
    uint64 uv;
    const char *s;
    char ch;

    switch (c) {
    case 'd':
        sv = sp->islong ? va_arg(*ap, int64) : va_arg(*ap, int);
        // Negate as unsigned so the most negative value survives.
        uv = sv < 0 ? -(uint64)sv : (uint64)sv;
        put_num(pb, uv, 10, sv < 0, sp);
        break;
    case 'u':
    case 'x':
        uv = sp->islong ? va_arg(*ap, uint64) : va_arg(*ap, uint);
        put_num(pb, uv, c == 'u' ? 10 : 16, 0, sp);
        break;
    case 'p':
        uv = (uint64)va_arg(*ap, void *);
        pb_put(pb, '0');
        pb_put(pb, 'x');
        for (int shift = 60; shift >= 0; shift -= 4)
            pb_put(pb, digits[(uv >> shift) & 0xf]);
        break;
    case 's':
        s = va_arg(*ap, const char *);
        if (s == 0)
            s = "(null)";
        put_field(pb, s, strlen(s), sp);
        break;
    case 'c':
        ch = (char)va_arg(*ap, int);
        put_field(pb, &ch, 1, sp);
        break;
    case '%':
        pb_put(pb, '%');
        break;
    default:
        pb_put(pb, '%');
        pb_put(pb, c);
        break;
    }
}

static void
vfmt(int fd, const char *fmt, va_list ap)
{
    struct pbuf pb = {.fd = fd, .n = 0};
    struct spec sp;
    va_list args;

    // Passed by pointer from here on: va_list may be an array type.
    va_copy(args, ap);
    while (*fmt != 0) {
        if (*fmt != '%') {
            pb_put(&pb, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp);
        if (*fmt == 0) {
            pb_put(&pb, '%');
            break;
        }
        convert(&pb, *fmt++, &sp, &args);
    }
    va_end(args);
    pb_flush(&pb);
}

// Formats to fd; errors from write() are ignored, as in xv6.
void
fprintf(int fd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfmt(fd, fmt, ap);
    va_end(ap);
}

// Formats to fd 1.
void
printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfmt(1, fmt, ap);
    va_end(ap);
}
