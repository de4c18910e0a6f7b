// User heap: malloc/free over an address-ordered free list grown by sbrk().
// Knows only sbrk(); the kernel backs new heap pages lazily, on first touch.
#include "kernel/types.h"
#include "user/user.h"

// Every block starts with this header; sizes count whole headers ("units"),
// so payloads stay 16-byte aligned like the RISC-V ABI wants.
struct blk {
    struct blk *next; // next free block at a higher address (free blocks)
    uint64 units;     // block size including this header, in units
};

#define UNIT sizeof(struct blk)
#define MIN_GROW_BYTES (64 * 1024) // fewer, larger sbrk() calls
#define SBRK_MAX 0x7ffff000UL      // largest request sbrk's int can carry

static struct blk *free_list; // lowest-addressed free block, or 0

// Puts b on the free list, merging it with the neighbours it touches so
// fragments grow back into large blocks.
static void
release(struct blk *b)
{
    struct blk *prev = 0;
    struct blk *next = free_list;

    while (next != 0 && next < b) {
        prev = next;
        next = next->next;
    }
    if (next != 0 && b + b->units == next) {
        b->units += next->units;
        b->next = next->next;
    } else {
        b->next = next;
    }
    if (prev == 0) {
        free_list = b;
    } else if (prev + prev->units == b) {
        prev->units += b->units;
        prev->next = b->next;
    } else {
        prev->next = b;
    }
}

// Asks the kernel for at least units more; 0 when sbrk() refuses.
static int
grow(uint64 units)
{
    uint64 bytes = units * UNIT;
    uint64 pad;
    char *p;

    if (bytes < MIN_GROW_BYTES)
        bytes = MIN_GROW_BYTES;
    // Someone else may have moved the break by an odd amount; skip to the
    // next unit boundary so headers stay aligned.
    pad = (UNIT - (uint64)sbrk(0) % UNIT) % UNIT;
    if (bytes + pad > SBRK_MAX)
        return 0;
    p = sbrk((int)(bytes + pad));
    if (p == (char *)-1)
        return 0;
    struct blk *b = (struct blk *)(p + pad);
    b->units = bytes / UNIT;
    release(b);
    return 1;
}

// First fit: carves the request from the high end of a free block so the
// remainder keeps its place in the list.
static void *
take(uint64 units)
{
    struct blk *prev = 0;

    for (struct blk *b = free_list; b != 0; prev = b, b = b->next) {
        if (b->units < units)
            continue;
        if (b->units > units) {
            b->units -= units;
            b += b->units;
            b->units = units;
        } else if (prev == 0) {
            free_list = b->next;
        } else {
            prev->next = b->next;
        }
        return b + 1;
    }
    return 0;
}

// Returns n bytes aligned to 16, or 0 when the heap cannot grow.
// malloc(0) returns a unique pointer that free() accepts.
void *
malloc(uint n)
{
    uint64 units = ((uint64)n + UNIT - 1) / UNIT + 1;
    void *p = take(units);

    if (p == 0 && grow(units))
        p = take(units);
    return p;
}

// Returns a block from malloc() to the free list; free(0) does nothing.
void
free(void *p)
{
    if (p != 0)
        release((struct blk *)p - 1);
}
