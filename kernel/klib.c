// Memory and string helpers the freestanding kernel needs, including the
// page fill/copy loops on the demand-zero fault path. Knows nothing but bytes.
#include "types.h"
#include "riscv.h"
#include "klib.h"

// Word accesses here overlay memory of any declared type. The kernel's
// -fno-builtin also keeps GCC from turning the loops below back into calls
// to memset/memcpy (which would recurse here); check with objdump -dr.
typedef uint64 __attribute__((may_alias)) word_t;

#define WORD_MASK (sizeof(word_t) - 1)

static int
aligned(const void *p)
{
    return ((uint64)p & WORD_MASK) == 0;
}

// Copies low to high; only correct when dst does not start inside src.
static void
copy_up(uchar *d, const uchar *s, uint64 n)
{
    // Word copies need both pointers to reach alignment together.
    if ((((uint64)d ^ (uint64)s) & WORD_MASK) == 0) {
        for (; n > 0 && !aligned(d); n--)
            *d++ = *s++;
        for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
            *(word_t *)d = *(const word_t *)s;
            d += sizeof(word_t);
            s += sizeof(word_t);
        }
    }
    for (; n > 0; n--)
        *d++ = *s++;
}

// Copies high to low, for a dst that starts inside [s, s+n).
static void
copy_down(uchar *d, const uchar *s, uint64 n)
{
    d += n;
    s += n;
    if ((((uint64)d ^ (uint64)s) & WORD_MASK) == 0) {
        for (; n > 0 && !aligned(d); n--)
            *--d = *--s;
        for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
            d -= sizeof(word_t);
            s -= sizeof(word_t);
            *(word_t *)d = *(const word_t *)s;
        }
    }
    for (; n > 0; n--)
        *--d = *--s;
}

// Returns dst. Word stores once dst is aligned.
void *
memset(void *dst, int c, uint64 n)
{
    uchar *d = dst;
    uchar b = (uchar)c;

    for (; n > 0 && !aligned(d); n--)
        *d++ = b;
    if (n >= sizeof(word_t)) {
        word_t fill = b * 0x0101010101010101UL;
        word_t *w = (word_t *)d;
        for (; n >= sizeof(word_t); n -= sizeof(word_t))
            *w++ = fill;
        d = (uchar *)w;
    }
    for (; n > 0; n--)
        *d++ = b;
    return dst;
}

// Returns dst. Any overlap is handled.
void *
memmove(void *dst, const void *src, uint64 n)
{
    // Unsigned wrap: the difference is below n exactly when dst starts
    // inside (src, src+n), the one case a forward copy would clobber.
    if ((uint64)dst - (uint64)src < n)
        copy_down(dst, src, n);
    else if (dst != src)
        copy_up(dst, src, n);
    return dst;
}

// Returns dst. Overlap is tolerated (it is memmove) so a misuse cannot
// corrupt memory; the extra compare is not worth a second copy loop.
void *
memcpy(void *dst, const void *src, uint64 n)
{
    return memmove(dst, src, n);
}

// <0, 0 or >0 as the first differing byte (unsigned) of a is below, equal
// to or above that of b.
int
memcmp(const void *a, const void *b, uint64 n)
{
    const uchar *x = a;
    const uchar *y = b;

    for (; n > 0; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

// Bytes before the NUL.
uint64
strlen(const char *s)
{
    const char *e = s;

    while (*e)
        e++;
    return e - s;
}

// Compares as unsigned chars, like memcmp.
int
strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (uchar)*a - (uchar)*b;
}

// strcmp over at most n bytes.
int
strncmp(const char *a, const char *b, uint64 n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || *a == 0)
            return (uchar)*a - (uchar)*b;
    }
    return 0;
}

// Copies up to n bytes and NUL-pads the rest; like C's strncpy, dst is not
// terminated when src has n or more bytes. Returns dst.
char *
strncpy(char *dst, const char *src, uint64 n)
{
    uint64 i = 0;

    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = 0;
    return dst;
}

// Returns dst; n <= 0 leaves it untouched.
char *
safestrcpy(char *dst, const char *src, int n)
{
    int i = 0;

    if (n <= 0)
        return dst;
    for (; i < n - 1 && src[i]; i++)
        dst[i] = src[i];
    dst[i] = 0;
    return dst;
}

// page must be page-aligned. Eight stores per pass keep the loop overhead
// (one add, one branch) at a fifth of the instructions.
void
page_zero(void *page)
{
    word_t *w = page;
    word_t *end = w + PGSIZE / sizeof(word_t);

    // 512 bytes (eight 64-byte cache lines) per iteration: 64 stores and
    // two loop instructions, so zeroing a page costs about 530 instructions.
#define ZERO8(o)                                                               \
    w[(o) + 0] = 0, w[(o) + 1] = 0, w[(o) + 2] = 0, w[(o) + 3] = 0,            \
    w[(o) + 4] = 0, w[(o) + 5] = 0, w[(o) + 6] = 0, w[(o) + 7] = 0
    for (; w < end; w += 64) {
        ZERO8(0);
        ZERO8(8);
        ZERO8(16);
        ZERO8(24);
        ZERO8(32);
        ZERO8(40);
        ZERO8(48);
        ZERO8(56);
    }
#undef ZERO8
}

// Both pages page-aligned and distinct. Each group of eight loads is
// issued before its stores so in-order cores overlap the load latencies;
// 512 bytes per pass keep the loop overhead at three instructions in 131
// (a copy-on-write fault is mostly this loop).
void
page_copy(void *dst, const void *src)
{
    word_t *d = dst;
    const word_t *s = src;
    const word_t *end = s + PGSIZE / sizeof(word_t);

#define COPY8(o)                                                               \
    do {                                                                       \
        word_t a = s[(o) + 0], b = s[(o) + 1], c = s[(o) + 2];                 \
        word_t e = s[(o) + 3], f = s[(o) + 4], g = s[(o) + 5];                 \
        word_t h = s[(o) + 6], i = s[(o) + 7];                                 \
        d[(o) + 0] = a, d[(o) + 1] = b, d[(o) + 2] = c, d[(o) + 3] = e;        \
        d[(o) + 4] = f, d[(o) + 5] = g, d[(o) + 6] = h, d[(o) + 7] = i;        \
    } while (0)
    for (; s < end; s += 64, d += 64) {
        COPY8(0);
        COPY8(8);
        COPY8(16);
        COPY8(24);
        COPY8(32);
        COPY8(40);
        COPY8(48);
        COPY8(56);
    }
#undef COPY8
}
