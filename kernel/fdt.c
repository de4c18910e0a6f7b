// Flattened device tree reader (fdt.h): validation, walking, property lookup.
// Knows only the DTB format: no kernel services and no libc, because the same
// file is built into host tests. Every read is checked against the blocks.
#include "fdt.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_HEADER_SIZE 40
#define FDT_NEWEST_VERSION 17     // the layout this reader understands
#define FDT_MAX_STRUCT (1u << 30) // keeps node offsets positive ints

// Structure block tokens (DT spec v0.4, 5.4.1).
#define TOK_BEGIN_NODE 1
#define TOK_END_NODE 2
#define TOK_PROP 3
#define TOK_NOP 4
#define TOK_END 9

// Header fields, as byte offsets (5.2).
#define HDR_TOTALSIZE 4
#define HDR_OFF_STRUCT 8
#define HDR_OFF_STRINGS 12
#define HDR_OFF_RSVMAP 16
#define HDR_VERSION 20
#define HDR_LAST_COMP 24
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT 36

// Lookup of a property named by a string literal.
#define PROP_FIND(f, node, lit, lenp)                                          \
    prop_find(f, node, lit, sizeof(lit) - 1, lenp)

// Callers' strings are trusted to end within FDT_MAX_STRUCT; tree strings are
// always measured against their block.
static uint32
str_nlen(const char *s, uint32 max)
{
    uint32 n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static int
mem_eq(const char *a, const char *b, uint32 n)
{
    for (uint32 i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

uint32
fdt_be32(const void *p)
{
    const uint8 *b = p;
    // Byte loads: blobs handed over by firmware need not be aligned.
    return ((uint32)b[0] << 24) | ((uint32)b[1] << 16) | ((uint32)b[2] << 8) |
           b[3];
}

uint64
fdt_read_cells(const void *p, uint32 cells)
{
    const uint8 *b = p;
    uint64 v = 0;
    for (uint32 i = 0; i < cells; i++)
        v = (v << 32) | fdt_be32(b + 4 * i);
    return v;
}

uint32
fdt_header_size(const void *blob)
{
    if (blob == NULL || fdt_be32(blob) != FDT_MAGIC)
        return 0;
    return fdt_be32((const uint8 *)blob + HDR_TOTALSIZE);
}

#define BLOCK_FITS(off, size, total)                                           \
    ((off) >= FDT_HEADER_SIZE && (uint64)(off) + (size) <= (total))

int
fdt_init(struct fdt *f, const void *blob)
{
    const uint8 *h = blob;
    uint32 total = fdt_header_size(blob);
    if (total < FDT_HEADER_SIZE) // also a bad magic, which reads as 0
        return -1;
    uint32 version = fdt_be32(h + HDR_VERSION);
    uint32 off_struct = fdt_be32(h + HDR_OFF_STRUCT);
    uint32 off_strings = fdt_be32(h + HDR_OFF_STRINGS);
    uint32 off_rsvmap = fdt_be32(h + HDR_OFF_RSVMAP);
    uint32 size_strings = fdt_be32(h + HDR_SIZE_STRINGS);
    // Version 16 headers have no size_dt_struct: the block may run to the end
    // (and a wrapped difference fails the checks below).
    uint32 size_struct =
        version > 16 ? fdt_be32(h + HDR_SIZE_STRUCT) : total - off_struct;
    if (version < 16 || fdt_be32(h + HDR_LAST_COMP) > FDT_NEWEST_VERSION)
        return -1;
    if ((off_struct & 3) != 0 || size_struct >= FDT_MAX_STRUCT ||
        !BLOCK_FITS(off_struct, size_struct, total) ||
        !BLOCK_FITS(off_strings, size_strings, total) ||
        !BLOCK_FITS(off_rsvmap, 16, total))
        return -1;
    f->blob = h;
    f->totalsize = total;
    f->structs = h + off_struct;
    f->structs_size = size_struct;
    f->strings = (const char *)h + off_strings;
    f->strings_size = size_strings;
    f->rsvmap = h + off_rsvmap;
    return fdt_root(f) == FDT_NONE ? -1 : 0;
}

// Token at structure offset `off`; *next gets the offset of the token after
// it. Returns -1 when the token or its payload does not fit the block, or the
// token is unknown, which ends any walk.
static int
tok_at(const struct fdt *f, int off, int *next)
{
    uint32 size = f->structs_size;
    if (off < 0 || (off & 3) != 0 || (uint32)off + 4 > size)
        return -1;
    const uint8 *p = f->structs + off;
    uint32 tok = fdt_be32(p);
    uint32 end = (uint32)off + 4;
    if (tok == TOK_BEGIN_NODE) {
        uint32 n = str_nlen((const char *)p + 4, size - end);
        if (n == size - end)
            return -1; // name not terminated inside the block
        end += n + 1;
    } else if (tok == TOK_PROP) {
        if (end + 8 > size)
            return -1;
        uint32 len = fdt_be32(p + 4);
        uint32 nameoff = fdt_be32(p + 8);
        if (len > size - end - 8 || nameoff >= f->strings_size ||
            str_nlen(f->strings + nameoff, f->strings_size - nameoff) ==
                f->strings_size - nameoff)
            return -1;
        end += 8 + len;
    } else if (tok != TOK_END_NODE && tok != TOK_NOP && tok != TOK_END) {
        return -1;
    }
    *next = (int)((end + 3) & ~3u);
    return (int)tok;
}

// Offset just past a node's BEGIN_NODE token and name, or -1 if `node` is
// not the start of a node.
static int
node_body(const struct fdt *f, int node)
{
    int next;
    return tok_at(f, node, &next) == TOK_BEGIN_NODE ? next : -1;
}

// Skips properties and NOPs from `off`; returns the offset of what follows.
static int
skip_props(const struct fdt *f, int off)
{
    int next, tok;
    while ((tok = tok_at(f, off, &next)) == TOK_PROP || tok == TOK_NOP)
        off = next;
    return off;
}

// Offset just past the END_NODE closing `node`, or -1 for a broken tree.
static int
node_end(const struct fdt *f, int node)
{
    int depth = 0;
    int next, tok;
    for (int off = node; (tok = tok_at(f, off, &next)) > 0; off = next) {
        if (tok == TOK_BEGIN_NODE)
            depth++;
        else if (depth == 0 || tok == TOK_END)
            break; // `node` is no node, or the tree ends early
        else if (tok == TOK_END_NODE && --depth == 0)
            return next;
    }
    return -1;
}

// The node starting at `off` (after NOPs), or FDT_NONE.
static int
node_at(const struct fdt *f, int off)
{
    int next, tok;
    while ((tok = tok_at(f, off, &next)) == TOK_NOP)
        off = next;
    return tok == TOK_BEGIN_NODE ? off : FDT_NONE;
}

int
fdt_root(const struct fdt *f)
{
    return node_at(f, 0);
}

int
fdt_first_child(const struct fdt *f, int node)
{
    int body = node_body(f, node);
    return body < 0 ? FDT_NONE : node_at(f, skip_props(f, body));
}

int
fdt_next_sibling(const struct fdt *f, int node)
{
    int end = node_end(f, node);
    return end < 0 ? FDT_NONE : node_at(f, end);
}

int
fdt_parent(const struct fdt *f, int node)
{
    int cur = fdt_root(f);
    if (node <= cur || node_body(f, node) < 0)
        return FDT_NONE;
    // Descend through the child whose subtree spans `node`.
    while (cur != FDT_NONE) {
        int c = fdt_first_child(f, cur);
        while (c != FDT_NONE && c != node) {
            int end = node_end(f, c);
            if (end < 0)
                return FDT_NONE;
            if (node < end)
                break;
            c = node_at(f, end);
        }
        if (c == node)
            return cur;
        cur = c;
    }
    return FDT_NONE;
}

const char *
fdt_node_name(const struct fdt *f, int node)
{
    if (node_body(f, node) < 0)
        return "";
    return (const char *)f->structs + node + 4;
}

int
fdt_next_node(const struct fdt *f, int node)
{
    if (node == FDT_NONE)
        return fdt_root(f);
    int next, tok;
    // Offsets only grow, so a corrupt tree cannot make this loop forever.
    for (int off = node_body(f, node);
         (tok = tok_at(f, off, &next)) > 0 && tok != TOK_END; off = next)
        if (tok == TOK_BEGIN_NODE)
            return off;
    return FDT_NONE;
}

// Property `name` (of length nlen) of `node`: value pointer and length.
static const uint8 *
prop_find(const struct fdt *f, int node, const char *name, uint32 nlen,
          uint32 *lenp)
{
    int off = node_body(f, node);
    int next, tok;
    for (; (tok = tok_at(f, off, &next)) == TOK_PROP || tok == TOK_NOP;
         off = next) {
        const uint8 *p = f->structs + off;
        if (tok == TOK_NOP)
            continue;
        // tok_at checked that the name is terminated inside the strings.
        const char *pname = f->strings + fdt_be32(p + 8);
        if (mem_eq(pname, name, nlen) && pname[nlen] == '\0') {
            *lenp = fdt_be32(p + 4);
            return p + 12;
        }
    }
    return NULL;
}

const void *
fdt_getprop(const struct fdt *f, int node, const char *name, int *lenp)
{
    uint32 len = 0;
    const uint8 *v =
        prop_find(f, node, name, str_nlen(name, FDT_MAX_STRUCT), &len);
    if (lenp != NULL)
        *lenp = v != NULL ? (int)len : -1;
    return v;
}

// Nonzero if the string list v[0..len) holds s exactly.
static int
strlist_has(const char *v, uint32 len, const char *s)
{
    uint32 slen = str_nlen(s, FDT_MAX_STRUCT);
    while (len > 0) {
        uint32 n = str_nlen(v, len);
        if (n == slen && mem_eq(v, s, n))
            return 1;
        if (n == len)
            break;
        v += n + 1;
        len -= n + 1;
    }
    return 0;
}

// The child named exactly comp[0..n), else the first named "comp@unit": the
// unit address may be left out of a path when it is not needed.
static int
child_named(const struct fdt *f, int node, const char *comp, uint32 n)
{
    for (int loose = 0; loose < 2; loose++) {
        for (int c = fdt_first_child(f, node); c != FDT_NONE;
             c = fdt_next_sibling(f, c)) {
            const char *name = fdt_node_name(f, c);
            if (mem_eq(name, comp, n) &&
                (name[n] == '\0' || (loose && name[n] == '@')))
                return c;
        }
    }
    return FDT_NONE;
}

// Follows the '/'-separated components of `path` down from `node`.
static int
walk_path(const struct fdt *f, int node, const char *path)
{
    while (node != FDT_NONE && *path != '\0') {
        uint32 n = 0;
        while (path[n] != '\0' && path[n] != '/')
            n++;
        if (n > 0) // empty components ("//", the leading '/') stay put
            node = child_named(f, node, path, n);
        path += path[n] == '/' ? n + 1 : n;
    }
    return node;
}

int
fdt_find_path(const struct fdt *f, const char *path)
{
    int root = fdt_root(f);
    if (path == NULL || path[0] == '\0')
        return FDT_NONE;
    if (path[0] == '/')
        return walk_path(f, root, path);
    // "alias/rest": the alias value is itself an absolute path.
    uint32 n = 0;
    while (path[n] != '\0' && path[n] != '/')
        n++;
    uint32 len;
    int aliases = child_named(f, root, "aliases", 7);
    const char *v = (const char *)prop_find(f, aliases, path, n, &len);
    if (v == NULL || len == 0 || v[0] != '/' || str_nlen(v, len) == len)
        return FDT_NONE;
    return walk_path(f, walk_path(f, root, v), path + n);
}

int
fdt_is_compatible(const struct fdt *f, int node, const char *compat)
{
    uint32 len;
    const uint8 *v = PROP_FIND(f, node, "compatible", &len);
    return v != NULL && strlist_has((const char *)v, len, compat);
}

int
fdt_find_compatible(const struct fdt *f, int after, const char *compat)
{
    int n = fdt_next_node(f, after);
    while (n != FDT_NONE && !fdt_is_compatible(f, n, compat))
        n = fdt_next_node(f, n);
    return n;
}

int
fdt_find_phandle(const struct fdt *f, uint32 ph)
{
    // 0 and ~0 are never valid handles; OpenSBI writes ~0 to mean "none".
    if (ph == 0 || ph == 0xffffffff)
        return FDT_NONE;
    for (int n = fdt_root(f); n != FDT_NONE; n = fdt_next_node(f, n)) {
        if (fdt_getprop_u32(f, n, "phandle", 0) == ph ||
            fdt_getprop_u32(f, n, "linux,phandle", 0) == ph)
            return n;
    }
    return FDT_NONE;
}

int
fdt_is_okay(const struct fdt *f, int node)
{
    uint32 len;
    const char *v = (const char *)PROP_FIND(f, node, "status", &len);
    if (v == NULL)
        return node_body(f, node) >= 0;
    return strlist_has(v, len, "okay") || strlist_has(v, len, "ok");
}

uint32
fdt_address_cells(const struct fdt *f, int node)
{
    return fdt_getprop_u32(f, node, "#address-cells", 2);
}

uint32
fdt_size_cells(const struct fdt *f, int node)
{
    return fdt_getprop_u32(f, node, "#size-cells", 1);
}

int
fdt_reg(const struct fdt *f, int node, int index, uint64 *addr, uint64 *size)
{
    int parent = fdt_parent(f, node);
    uint32 ac = fdt_address_cells(f, parent);
    uint32 sc = fdt_size_cells(f, parent);
    uint32 len;
    const uint8 *v = PROP_FIND(f, node, "reg", &len);
    // Wider cells (PCI addresses) do not fit a uint64: not ours to decode.
    if (v == NULL || index < 0 || ac < 1 || ac > 2 || sc > 2)
        return -1;
    uint32 stride = 4 * (ac + sc);
    if ((uint32)index >= len / stride)
        return -1;
    v += stride * (uint32)index;
    if (addr != NULL)
        *addr = fdt_read_cells(v, ac);
    if (size != NULL)
        *size = fdt_read_cells(v + 4 * ac, sc);
    return 0;
}

int
fdt_irq(const struct fdt *f, int node)
{
    uint32 len;
    const uint8 *v = PROP_FIND(f, node, "interrupts", &len);
    return v != NULL && len >= 4 ? (int)fdt_be32(v) : -1;
}

uint32
fdt_getprop_u32(const struct fdt *f, int node, const char *name, uint32 dflt)
{
    uint32 len;
    const uint8 *v =
        prop_find(f, node, name, str_nlen(name, FDT_MAX_STRUCT), &len);
    return v != NULL && len == 4 ? fdt_be32(v) : dflt;
}

int
fdt_rsvmap_entry(const struct fdt *f, int index, uint64 *addr, uint64 *size)
{
    uint64 pos = (uint64)(f->rsvmap - f->blob);
    // Entries run until an all-zero one; none may cross totalsize.
    for (int i = 0; index >= 0 && pos + 16 <= f->totalsize; i++, pos += 16) {
        uint64 a = fdt_read_cells(f->blob + pos, 2);
        uint64 s = fdt_read_cells(f->blob + pos + 8, 2);
        if (a == 0 && s == 0)
            break;
        if (i == index) {
            *addr = a;
            *size = s;
            return 0;
        }
    }
    return -1;
}

// Index of the "interrupts-extended" entry of an interrupt controller node
// (e.g. the PLIC) that targets hart `hartid` with interrupt `cause` (9 =
// S-mode external, 11 = M-mode external), i.e. the PLIC context number; -1
// if none. Each entry is <phandle cause>. Entries OpenSBI blanked to
// 0xffffffff still count as contexts.
int
fdt_irq_context(const struct fdt *f, int ctrl_node, uint32 hartid, uint32 cause)
{
    uint32 len;
    const uint8 *v = PROP_FIND(f, ctrl_node, "interrupts-extended", &len);
    if (v == NULL)
        return -1;
    for (uint32 i = 0; i < len / 8; i++) {
        uint64 id;
        if (fdt_be32(v + 8 * i + 4) != cause)
            continue;
        // find_phandle also rejects a phandle OpenSBI blanked to ~0.
        int intc = fdt_find_phandle(f, fdt_be32(v + 8 * i));
        if (fdt_is_compatible(f, intc, "riscv,cpu-intc") &&
            fdt_reg(f, fdt_parent(f, intc), 0, &id, NULL) == 0 && id == hartid)
            return (int)i;
    }
    return -1;
}
