// Builds the boot-time machine description (machine.h) from the device tree.
// Uses only the fdt.h reader: no drivers, no allocator, no libc (also built
// into host tests). Anything malformed is skipped, never trusted.
#include "machine.h"
#include "hart_isa.h"

#define STDOUT_PATH_MAX 128

static uint32
str_nlen(const char *s, uint32 max)
{
    uint32 n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static char
ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

// Nonzero if the n bytes at a spell the NUL-terminated s, ignoring case.
static int
str_ieq(const char *a, uint32 n, const char *s)
{
    for (uint32 i = 0; i < n; i++)
        if (s[i] == '\0' || ascii_lower(a[i]) != ascii_lower(s[i]))
            return 0;
    return s[n] == '\0';
}

static int
str_eq(const char *a, const char *s)
{
    return str_ieq(a, str_nlen(a, (uint32)-1), s);
}

// A string property terminated inside its value, or NULL.
static const char *
prop_str(const struct fdt *f, int node, const char *name)
{
    int len;
    const char *v = fdt_getprop(f, node, name, &len);

    if (v == NULL || len <= 0 || str_nlen(v, (uint32)len) == (uint32)len)
        return NULL;
    return v;
}

// A 1- or 2-cell number (told apart by length), or 0 if absent or malformed.
static uint64
prop_uint(const struct fdt *f, int node, const char *name)
{
    int len;
    const void *v = fdt_getprop(f, node, name, &len);

    if (v == NULL || (len != 4 && len != 8))
        return 0;
    return fdt_read_cells(v, (uint32)len / 4);
}

static int
range_add(struct mem_range *tab, int *n, int max, uint64 base, uint64 size)
{
    if (*n >= max)
        return -1;
    tab[*n].base = base;
    tab[*n].size = size;
    (*n)++;
    return 0;
}

// Adds a reserved range; a zero size adds nothing, a range running past the
// top of the address space is cut there. Returns -1 if the table is full.
int
machine_reserve(struct machine *m, uint64 base, uint64 size)
{
    if (size == 0)
        return 0;
    if (base + size < base)
        size = 0 - base;
    return range_add(m->resv, &m->nresv, MACHINE_MAX_RESV, base, size);
}

static int
is_memory_node(const struct fdt *f, int node)
{
    const char *type = prop_str(f, node, "device_type");
    const char *name = fdt_node_name(f, node);

    if (type != NULL && str_eq(type, "memory"))
        return 1;
    return str_ieq(name, 6, "memory") && (name[6] == '\0' || name[6] == '@');
}

static void
read_memory(const struct fdt *f, struct machine *m)
{
    uint64 base, size;

    for (int n = fdt_first_child(f, fdt_root(f)); n != FDT_NONE;
         n = fdt_next_sibling(f, n)) {
        if (!is_memory_node(f, n))
            continue;
        for (int i = 0; fdt_reg(f, n, i, &base, &size) == 0; i++) {
            // An empty or wrapping bank would hand out memory that is not.
            if (size != 0 && base + size > base)
                range_add(m->mem, &m->nmem, MACHINE_MAX_MEM, base, size);
        }
    }
}

// Returns -1 if a range did not fit in the table: handing out memory the
// firmware reserved is worse than not booting.
static int
read_reserved(const struct fdt *f, struct machine *m)
{
    int parent = fdt_find_path(f, "/reserved-memory");
    uint64 base, size;
    int r = 0;

    // Children without "reg" are pools the OS may place anywhere: skipped.
    for (int n = fdt_first_child(f, parent); n != FDT_NONE;
         n = fdt_next_sibling(f, n)) {
        for (int i = 0; fdt_reg(f, n, i, &base, &size) == 0; i++)
            r |= machine_reserve(m, base, size);
    }
    for (int i = 0; fdt_rsvmap_entry(f, i, &base, &size) == 0; i++)
        r |= machine_reserve(m, base, size);
    return r;
}

static int
is_cpu_node(const struct fdt *f, int node)
{
    const char *type = prop_str(f, node, "device_type");

    return type != NULL && str_eq(type, "cpu");
}

// Whether mmu-type names a paging mode that includes Sv39: a hart with
// Sv48 or Sv57 must also offer Sv39 (privileged spec, satp).
static int
mmu_has_sv39(const char *mmu)
{
    return mmu != NULL &&
           (str_eq(mmu, "riscv,sv39") || str_eq(mmu, "riscv,sv48") ||
            str_eq(mmu, "riscv,sv57"));
}

// Reads the hart's ISA: the binding prefers riscv,isa-base with
// riscv,isa-extensions where a tree has both, else riscv,isa. Sstc lets
// S-mode program its own timer and may be named in either form.
static const char *
hart_judge(const struct fdt *f, int cpu, struct hart_info *h)
{
    const char *isa = prop_str(f, cpu, "riscv,isa");
    const char *base = prop_str(f, cpu, "riscv,isa-base");
    int len;
    const char *ext = fdt_getprop(f, cpu, "riscv,isa-extensions", &len);
    struct hart_isa from_str, from_list;
    int str_ok = isa != NULL &&
                 isa_parse_string(isa, str_nlen(isa, (uint32)-1), &from_str) == 0;
    int list_ok = ext != NULL && len > 0 &&
                  isa_parse_list(base, ext, (uint32)len, &from_list) == 0;

    h->isa = isa != NULL ? isa : "";
    h->has_sstc = (str_ok && from_str.sstc) || (list_ok && from_list.sstc);
    if (!fdt_is_okay(f, cpu))
        return "status is not \"okay\"";
    if (!list_ok && !str_ok)
        return "no riscv,isa the kernel can read";
    return isa_why_unusable(list_ok ? &from_list : &from_str,
                            mmu_has_sv39(prop_str(f, cpu, "mmu-type")));
}

static void
add_hart(const struct fdt *f, int cpu, struct machine *m)
{
    uint64 id;

    if (m->nharts >= MACHINE_MAX_HARTS || fdt_reg(f, cpu, 0, &id, NULL) < 0 ||
        id > 0xffffffff)
        return;
    struct hart_info *h = &m->harts[m->nharts++];
    h->hartid = (uint32)id;
    h->why = hart_judge(f, cpu, h);
    h->usable = h->why == 0;
}

static void
read_cpus(const struct fdt *f, struct machine *m)
{
    int cpus = fdt_find_path(f, "/cpus");
    int first = FDT_NONE;

    for (int n = fdt_first_child(f, cpus); n != FDT_NONE;
         n = fdt_next_sibling(f, n)) {
        if (!is_cpu_node(f, n))
            continue;
        if (first == FDT_NONE)
            first = n;
        add_hart(f, n, m);
    }
    m->timebase_hz = prop_uint(f, cpus, "timebase-frequency");
    if (m->timebase_hz == 0)
        m->timebase_hz = prop_uint(f, first, "timebase-frequency");
}

// The node named by stdout-path, whose ":115200n8"-style options are dropped.
static int
stdout_node(const struct fdt *f, int chosen)
{
    const char *v = prop_str(f, chosen, "stdout-path");
    char path[STDOUT_PATH_MAX];
    uint32 n = 0;

    if (v == NULL)
        return FDT_NONE;
    for (; v[n] != '\0' && v[n] != ':'; n++) {
        if (n + 1 >= STDOUT_PATH_MAX)
            return FDT_NONE;
        path[n] = v[n];
    }
    path[n] = '\0';
    return fdt_find_path(f, path);
}

static void
read_chosen(const struct fdt *f, struct machine *m)
{
    int chosen = fdt_find_path(f, "/chosen");
    const char *args = prop_str(f, chosen, "bootargs");
    // U-Boot writes 2 cells, QEMU and some loaders 1: the length decides.
    uint64 start = prop_uint(f, chosen, "linux,initrd-start");
    uint64 end = prop_uint(f, chosen, "linux,initrd-end");

    m->bootargs = args != NULL ? args : "";
    m->initrd_start = start < end ? start : 0;
    m->initrd_end = start < end ? end : 0;
    m->stdout_node = stdout_node(f, chosen);
}

// Fills *m from the tree. Returns 0, or -1 if the tree names no memory.
int
machine_from_fdt(const struct fdt *f, struct machine *m)
{
    m->nmem = 0;
    m->nresv = 0;
    m->nharts = 0;
    read_memory(f, m);
    int resv = read_reserved(f, m);
    read_cpus(f, m);
    read_chosen(f, m);
    return m->nmem > 0 && resv == 0 ? 0 : -1;
}
