// Builds the boot-time machine description (machine.h) from the device tree.
// Uses only the fdt.h reader: no drivers, no allocator, no libc (also built
// into host tests). Anything malformed is skipped, never trusted.
#include "machine.h"

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

// Nonzero if the len bytes at v, split at `sep` or NUL, hold `word`.
static int
list_has(const char *v, uint32 len, char sep, const char *word)
{
    uint32 start = 0;

    for (uint32 i = 0; i <= len; i++) {
        if (i == len || v[i] == sep || v[i] == '\0') {
            if (str_ieq(v + start, i - start, word))
                return 1;
            start = i + 1;
        }
    }
    return 0;
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

// Sstc lets S-mode program its own timer; it is named either in the
// "riscv,isa" string ("rv64imac_zicsr_sstc") or in "riscv,isa-extensions".
static int
cpu_has_sstc(const struct fdt *f, int cpu)
{
    const char *isa = prop_str(f, cpu, "riscv,isa");
    int len;
    const char *ext = fdt_getprop(f, cpu, "riscv,isa-extensions", &len);

    // The first '_' word is "rv64" plus single letters, never "sstc".
    if (isa != NULL && list_has(isa, str_nlen(isa, (uint32)-1), '_', "sstc"))
        return 1;
    return ext != NULL && len > 0 && list_has(ext, (uint32)len, '\0', "sstc");
}

static void
add_hart(const struct fdt *f, int cpu, struct machine *m)
{
    uint64 id;

    if (m->nharts >= MACHINE_MAX_HARTS || fdt_reg(f, cpu, 0, &id, NULL) < 0 ||
        id > 0xffffffff)
        return;
    const char *mmu = prop_str(f, cpu, "mmu-type");
    struct hart_info *h = &m->harts[m->nharts++];
    h->hartid = (uint32)id;
    // Without an MMU (the S7/E51 monitor cores) an Sv39 kernel cannot run.
    h->usable =
        fdt_is_okay(f, cpu) && mmu != NULL && !str_eq(mmu, "riscv,none");
    h->has_sstc = (uint8)cpu_has_sstc(f, cpu);
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
