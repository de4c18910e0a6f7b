// Flattened device tree (DTB, spec v0.4) reader: validation, node walking,
// properties, reg decoding. Pure functions over a blob: also built for host tests.
#ifndef LAZYOS_FDT_H
#define LAZYOS_FDT_H

#include "types.h"

struct fdt {
    const uint8 *blob;     // start of the tree (header)
    uint32 totalsize;      // header.totalsize
    const uint8 *structs;  // structure block
    uint32 structs_size;
    const char *strings;   // strings block
    uint32 strings_size;
    const uint8 *rsvmap;   // memory reservation block
};

// Nodes are named by the offset of their FDT_BEGIN_NODE token within the
// structure block; -1 means "no node".
#define FDT_NONE (-1)

// Checks magic, version (>= 16) and that every block lies inside totalsize.
// Returns 0 and fills *f, or -1 for a blob that is not a usable tree.
int fdt_init(struct fdt *f, const void *blob);
// Total size claimed by the header of blob (0 if the magic is wrong).
uint32 fdt_header_size(const void *blob);

int fdt_root(const struct fdt *f);
int fdt_first_child(const struct fdt *f, int node);
int fdt_next_sibling(const struct fdt *f, int node);
int fdt_parent(const struct fdt *f, int node);
// Node name including any unit address ("cpu@1"); "" for the root.
const char *fdt_node_name(const struct fdt *f, int node);
// Next node after `node` in document order (FDT_NONE after the last);
// pass FDT_NONE to start at the root. Visits every node once.
int fdt_next_node(const struct fdt *f, int node);

// Looks up an absolute path such as "/cpus" or "/soc/serial@10000000".
// A component without "@" matches a node whose name before "@" equals it
// when no exact match exists. Aliases ("serial0") are resolved through
// /aliases when the path does not start with '/'.
int fdt_find_path(const struct fdt *f, const char *path);
// Value of property `name` of `node` and its length in bytes, or NULL.
const void *fdt_getprop(const struct fdt *f, int node, const char *name, int *lenp);
// Nonzero if the node's "compatible" list contains `compat` exactly.
int fdt_is_compatible(const struct fdt *f, int node, const char *compat);
// Next node after `after` (FDT_NONE: from the start) compatible with `compat`.
int fdt_find_compatible(const struct fdt *f, int after, const char *compat);
// Node whose "phandle" (or "linux,phandle") is ph, or FDT_NONE.
int fdt_find_phandle(const struct fdt *f, uint32 ph);
// 1 if "status" is absent, "okay" or "ok"; 0 otherwise.
int fdt_is_okay(const struct fdt *f, int node);

// #address-cells / #size-cells that apply to the children of `node`
// (defaults 2 and 1 when absent, per the spec).
uint32 fdt_address_cells(const struct fdt *f, int node);
uint32 fdt_size_cells(const struct fdt *f, int node);
// Entry `index` of the node's "reg", decoded with its parent's cell counts.
// Returns 0, or -1 if there is no such entry. Addresses are not translated
// through "ranges" (all our buses map 1:1).
int fdt_reg(const struct fdt *f, int node, int index, uint64 *addr, uint64 *size);
// First cell of "interrupts", or -1 if absent.
int fdt_irq(const struct fdt *f, int node);
// A u32 property, or `dflt` when absent or malformed.
uint32 fdt_getprop_u32(const struct fdt *f, int node, const char *name, uint32 dflt);

// Index of the "interrupts-extended" entry of an interrupt controller node
// (e.g. the PLIC) that targets hart `hartid` with interrupt `cause` (9 =
// S-mode external, 11 = M-mode external), i.e. the PLIC context number; -1
// if none. Entries OpenSBI blanked to 0xffffffff still count as contexts.
int fdt_irq_context(const struct fdt *f, int ctrl_node, uint32 hartid,
                    uint32 cause);

// Memory reservation block entry `index`. Returns 0, or -1 past the end.
int fdt_rsvmap_entry(const struct fdt *f, int index, uint64 *addr, uint64 *size);

// Big-endian cell readers; `cells` is 1 or 2.
uint32 fdt_be32(const void *p);
uint64 fdt_read_cells(const void *p, uint32 cells);

#endif
