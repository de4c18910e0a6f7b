// Builds flattened device trees in memory for the fdt host tests: a token
// writer, the blob framing, and cut-down copies of a valid blob. It knows
// the FDT format only, nothing of kernel/fdt.c or of what a test checks.
#ifndef LAZYOS_FDT_BUILDER_H
#define LAZYOS_FDT_BUILDER_H

#include <string.h>

#include "kernel/types.h"

// A big-endian cell at p.
static inline uint32
get32(const uint8 *p)
{
    return (uint32)p[0] << 24 | (uint32)p[1] << 16 | (uint32)p[2] << 8 | p[3];
}

static inline void
put32(uint8 *p, uint32 v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8)(v >> (24 - 8 * i));
}

// A tree being written: the structure block, the strings block and the
// memory reservation pairs (address, size) that fb_finish frames.
struct fb {
    uint8 st[8192];
    uint32 nst;
    char str[2048];
    uint32 nstr;
    uint64 rsv[16];
    int nrsv; // pairs in rsv
};

// One raw cell (a token or a hand-made field) into the structure block.
void fb_u32(struct fb *b, uint32 v);
// Bytes padded with zeros to the next cell.
void fb_bytes(struct fb *b, const void *p, uint32 n);
// BEGIN_NODE and its name; close it with fb_end.
void fb_begin(struct fb *b, const char *name);
// Offset of name in the strings block, added there (no sharing).
uint32 fb_name(struct fb *b, const char *name);
// A PROP token with len bytes of value.
void fb_prop(struct fb *b, const char *name, const void *val, uint32 len);
// A string property, NUL included.
void fb_str(struct fb *b, const char *name, const char *s);
// A property of n big-endian cells (n <= 16).
void fb_cells_n(struct fb *b, const char *name, const uint32 *c, uint32 n);

#define fb_cells(b, name, ...)                                                 \
    fb_cells_n((b), (name), (const uint32[]){__VA_ARGS__},                     \
               sizeof((const uint32[]){__VA_ARGS__}) / 4)
#define fb_end(b) fb_u32((b), 2)
#define fb_nop(b) fb_u32((b), 4)

// Ends the structure block and frames the blob in a calloc'd buffer of
// exactly *size bytes (the caller frees it). The layout is header | rsvmap
// | strings | structure, the structure block last, so that ASan catches any
// read past the end of that block.
uint8 *fb_finish(struct fb *b, uint32 *size);

// A small well-formed tree shaped like QEMU virt: two memory banks, two
// cpus with interrupt controllers, a PLIC, a UART, /chosen and /aliases.
// Not reentrant (one static builder); the caller frees the blob.
uint8 *fb_base_tree(uint32 *size);

// Copy of a valid blob as header | rsvmap | strings | structure[0..keep),
// in a calloc'd buffer of exactly totalsize (*size) bytes, the header made
// to match. keep must be within the structure block.
uint8 *fb_struct_last(const uint8 *blob, uint32 keep, uint32 *size);

#endif
