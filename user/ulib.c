// User string, memory and small I/O helpers declared in user/user.h.
// Knows only the system-call stubs; nothing here allocates or formats.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

// Copies src, NUL included, to dst; returns dst. No bounds check (like C).
char *
strcpy(char *dst, const char *src)
{
    char *d = dst;

    while ((*d++ = *src++) != 0)
        ;
    return dst;
}

// Compares as unsigned bytes: <0, 0 or >0 like the C library.
int
strcmp(const char *a, const char *b)
{
    while (*a != 0 && *a == *b) {
        a++;
        b++;
    }
    return (uchar)*a - (uchar)*b;
}

// Like strcmp but looks at no more than n bytes.
int
strncmp(const char *a, const char *b, uint n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || *a == 0)
            return (uchar)*a - (uchar)*b;
    }
    return 0;
}

// Length of s without the NUL.
uint
strlen(const char *s)
{
    const char *e = s;

    while (*e != 0)
        e++;
    return e - s;
}

// First c in s, or 0 when absent. Searching for 0 finds the terminator.
char *
strchr(const char *s, char c)
{
    for (;; s++) {
        if (*s == c)
            return (char *)s;
        if (*s == 0)
            return 0;
    }
}

// Fills n bytes with (uchar)c; returns dst.
void *
memset(void *dst, int c, uint n)
{
    uchar *d = dst;

    while (n-- > 0)
        *d++ = (uchar)c;
    return dst;
}

// Copies n bytes; the ranges may overlap. A negative n copies nothing.
void *
memmove(void *dst, const void *src, int n)
{
    uchar *d = dst;
    const uchar *s = src;

    if (n <= 0 || d == s)
        return dst;
    if (d < s) {
        while (n-- > 0)
            *d++ = *s++;
    } else {
        // Copy from the end so an overlapping tail is read before written.
        d += n;
        s += n;
        while (n-- > 0)
            *--d = *--s;
    }
    return dst;
}

// Copies n bytes between ranges that must not overlap; returns dst.
void *
memcpy(void *dst, const void *src, uint n)
{
    uchar *d = dst;
    const uchar *s = src;

    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

// Compares n bytes as unsigned: <0, 0 or >0.
int
memcmp(const void *a, const void *b, uint n)
{
    const uchar *x = a;
    const uchar *y = b;

    for (; n > 0; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

// Decimal value of an optional '-' and the digits that follow; stops at the
// first non-digit, so "12ab" is 12 and "" is 0.
int
atoi(const char *s)
{
    int neg = 0;
    int v = 0;

    if (*s == '-') {
        neg = 1;
        s++;
    }
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}

// Reads one line from fd 0 into buf, keeping the '\n' or '\r', and stops at
// max-1 bytes. buf is always NUL-terminated; buf[0] == 0 means end of input.
char *
gets(char *buf, int max)
{
    int n = 0;
    char c;

    // One byte per read() so nothing past the line is consumed: the rest of
    // the input stays in the pipe or file for whoever reads it next.
    while (n + 1 < max && read(0, &c, 1) == 1) {
        buf[n++] = c;
        if (c == '\n' || c == '\r')
            break;
    }
    if (max > 0)
        buf[n] = 0;
    return buf;
}

// Fills *st for path; -1 if it cannot be opened or fstat fails.
int
stat(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY);
    int r;

    if (fd < 0)
        return -1;
    r = fstat(fd, st);
    close(fd);
    return r;
}
