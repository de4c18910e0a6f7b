// free: prints system-wide and this process's memory counters from
// meminfo(), shared and copy-on-write pages beside resident ones. Sizes are
// in KiB and in pages.
#include "kernel/types.h"
#include "kernel/meminfo.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
    struct meminfo mi;

    if (argc != 1) {
        fprintf(2, "usage: free\n");
        return 1;
    }
    if (meminfo(&mi) < 0) {
        fprintf(2, "free: meminfo failed\n");
        return 1;
    }
    uint64 kib = mi.page_size / 1024;
    uint64 used = mi.total_pages - mi.free_pages;
    printf("%-8s %10s %8s\n", "", "KiB", "pages");
    printf("%-8s %10lu %8lu\n", "total:", mi.total_pages * kib, mi.total_pages);
    printf("%-8s %10lu %8lu\n", "used:", used * kib, used);
    printf("%-8s %10lu %8lu\n", "free:", mi.free_pages * kib, mi.free_pages);
    printf("%-8s %10lu %8lu\n", "zeroed:", mi.zeroed_pages * kib,
           mi.zeroed_pages);
    printf("this process: size %lu KiB, resident %lu KiB (%lu pages), "
           "%lu faults\n",
           mi.vsize / 1024, mi.resident_pages * kib, mi.resident_pages,
           mi.faults);
    printf("  of the resident: %lu shared, %lu copy-on-write; %lu zero-page "
           "mappings\n",
           mi.shared_pages, mi.cow_pages, mi.zero_pages);
    return 0;
}
