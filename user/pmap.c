// pmap [pid]: the regions of a process (text, data, stack, heap, each
// mapping) with size, resident, shared and copy-on-write pages, and one
// line picturing which heap pages exist and how they are held.
#include "kernel/types.h"
#include "kernel/mm/mmap_abi.h"
#include "user/user.h"

static struct vmmap map; // static: bigger than is kind to a one-page stack

static const char *
kind_name(const struct vmregion_info *r)
{
    switch (r->kind) {
    case VR_TEXT:
        return "text";
    case VR_DATA:
        return "data";
    case VR_STACK:
        return "stack";
    case VR_HEAP:
        return "heap";
    default:
        return r->has_file ? "file" : "anon";
    }
}

// "rw-s": protection, then s(hared) / p(rivate) for mappings.
static void
prot_str(const struct vmregion_info *r, char *out)
{
    out[0] = r->prot & PROT_READ ? 'r' : '-';
    out[1] = r->prot & PROT_WRITE ? 'w' : '-';
    out[2] = r->prot & PROT_EXEC ? 'x' : '-';
    out[3] = r->kind != VR_MMAP ? ' ' : r->flags & MAP_SHARED ? 's' : 'p';
    out[4] = 0;
}

static void
print_map(void)
{
    char name[sizeof(map.name) + 1], prot[5];
    memmove(name, map.name, sizeof(map.name));
    name[sizeof(map.name)] = 0;
    printf("pid %d (%s)\n", map.pid, name);
    // Sizes in KiB; the page counts in pages.
    printf("%-6s %-12s %-12s %-5s %9s %7s %7s %7s %7s\n", "REGION", "START",
           "END", "PROT", "KIB", "RSS", "SHARED", "COW", "ZERO");
    for (int i = 0; i < map.nregions; i++) {
        struct vmregion_info *r = &map.region[i];
        prot_str(r, prot);
        printf("%-6s 0x%-10lx 0x%-10lx %-5s %9lu %7lu %7lu %7lu %7lu\n",
               kind_name(r), r->start, r->end, prot, (r->end - r->start) / 1024,
               r->resident, r->shared, r->cow, r->zero);
    }
    if (map.picture[0] == 0) {
        printf("heap: empty\n");
        return;
    }
    printf("heap, %lu page(s) a char (. untouched, z zero page, p private, "
           "s shared):\n[%s]\n",
           map.pages_per_char, map.picture);
}

int
main(int argc, char *argv[])
{
    if (argc > 2 || (argc == 2 && (argv[1][0] < '0' || argv[1][0] > '9'))) {
        fprintf(2, "usage: pmap [pid]\n");
        return 1;
    }
    int pid = argc == 2 ? atoi(argv[1]) : 0;
    if (vminfo(pid, &map) < 0) {
        fprintf(2, "pmap: no process %d, or it stayed busy\n", pid);
        return 1;
    }
    print_map();
    return 0;
}
