// The user ABI of mmap, munmap, msync (calls 25-27) and vminfo (28): flag
// values (Linux's numbers, so ported code reads naturally) and the layout
// pmap reads. Included by the kernel and by user programs.
#ifndef LAZYOS_MMAP_ABI_H
#define LAZYOS_MMAP_ABI_H

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4 // never together with PROT_WRITE
#define PROT_KNOWN (PROT_READ | PROT_WRITE | PROT_EXEC)

#define MAP_SHARED 0x01    // stores reach the file and every sharer
#define MAP_PRIVATE 0x02   // stores stay in this process (and its children)
#define MAP_FIXED 0x10     // exactly at addr, which must be free
#define MAP_ANONYMOUS 0x20 // zero-filled, no file (fd and offset ignored)

#define MAP_FAILED ((void *)-1)

#define MS_SYNC 0x4 // the only msync mode: write back before returning

// Mappings one process may hold at once (a split by munmap counts two).
#define NMMAP 16

// One line of pmap. Counts are in pages.
enum vmregion_kind { VR_TEXT = 1, VR_DATA, VR_STACK, VR_HEAP, VR_MMAP };
struct vmregion_info {
    uint64 start, end; // [start, end), page-aligned
    int kind;          // enum vmregion_kind
    int prot;          // PROT_* (mappings); the PTE view for the others
    int flags;         // MAP_* (mappings only)
    int has_file;      // a file-backed mapping
    uint64 offset;     // file offset of start (file-backed mappings)
    uint64 resident;   // pages mapped now, the shared zero page excluded
    uint64 shared;     // of those, also mapped by another process
    uint64 cow;        // pages waiting for a copy-on-write store
    uint64 zero;       // pages mapped to the shared zero page
};

// Characters of the heap picture: one per group of heap pages.
#define VM_PICTURE 64
#define VMPIC_UNTOUCHED '.'
#define VMPIC_ZERO 'z'
#define VMPIC_PRIVATE 'p'
#define VMPIC_SHARED 's'

// What vminfo(pid, &m) fills in.
struct vmmap {
    int pid;
    int nregions;
    char name[16];
    struct vmregion_info region[4 + NMMAP];
    uint64 pages_per_char;        // heap pages behind each picture char
    char picture[VM_PICTURE + 1]; // NUL-terminated; empty for a 0-page heap
};

#endif
