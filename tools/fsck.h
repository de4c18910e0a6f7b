// Shared state of fsck's two files: fsck.c (image access, journal, command
// line) and fsck_check.c (the checks and path look-ups).
#ifndef LAZYOS_TOOLS_FSCK_H
#define LAZYOS_TOOLS_FSCK_H

#include "kernel/types.h"
#include "kernel/fs.h"

struct image {
    int fd;
    struct superblock sb;
    uint jcount;  // committed journal blocks applied in memory
    uint *jhome;  // their home blocks
    uint *jwhere; // where their copies are
    int problems;
};
extern struct image im;

// Reports one problem (counted; fsck exits 1 if there were any).
void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xcalloc(uint64 n, uint64 size); // exits when memory runs out
// Block bno as the kernel would read it after replaying the journal.
void rblock(uint bno, void *buf);
// Exits unless the superblock's areas follow each other as mkfs lays
// them out (what the kernel checks at mount).
void check_layout(void);
// Every check: block pointers, bitmaps, directories, link counts.
void check_all(void);
// Writes the file at path to stdout (dump) or lists the directory; 0 or
// -1 (after a message) if the path names nothing suitable.
int show_path(const char *path, int dump);

#endif
