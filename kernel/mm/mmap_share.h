// The shared file pages: (file, page index) -> the one physical page every
// MAP_SHARED mapping of that file page uses. Knows pages and keys only;
// reading the file is the caller's (mmap_vm.c through mmap_file.c), and the
// file system's read() and write() keep in step through the calls below.
#ifndef LAZYOS_MMAP_SHARE_H
#define LAZYOS_MMAP_SHARE_H

#include "types.h"

// Page indexes run below this (the largest file has fewer pages).
#define MSHARE_MAX_PAGES (1ul << 21)

struct inode;

// The key of a file here: its in-memory inode, which every open file of it
// shares and which stays in memory while any of them is open. The one
// definition both mmap (mfile_key) and the file system use.
static inline uint64
mshare_key(struct inode *ip)
{
    return (uint64)ip;
}

// What mshare_get found.
enum {
    MSHARE_HIT,   // *page is the shared page, with a reference for the caller
    MSHARE_FILL,  // *page is new (refcount 1) and entered as being filled
    MSHARE_NOMEM, // out of memory
    MSHARE_BUSY,  // no page yet, and the caller may not wait for one
};

// Finds page idx of the file with key (mfile_key) for a new mapping. On a
// miss it enters a fresh page as being filled: the caller reads the file
// into it and then must call mshare_filled. While another caller fills
// the page, waits (sleeps) if may_wait, else returns MSHARE_BUSY, as it
// does on a miss. Takes the cache lock; call with no spinlock held when
// may_wait is set.
int mshare_get(uint64 key, uint64 idx, int may_wait, void **page);
// Ends the fill mshare_get asked for: ok makes the page every mapper's;
// otherwise the entry goes and the page is freed. Wakes the waiters.
void mshare_filled(uint64 key, uint64 idx, void *page, int ok);
// Drops a mapping's reference to page (page idx of key, from mshare_get).
// With the last one the entry goes too: the cache holds no reference of
// its own. Panics if page is not that entry (a kernel bug).
void mshare_put(uint64 key, uint64 idx, void *page);
// Copies page idx of key into dst if it is resident and filled: 1, else
// 0 (then the file's bytes are the page's). For private mappings.
int mshare_copy(uint64 key, uint64 idx, void *dst);

// For the file system's read() and write(), always with the file's inode
// locked: a page is filled under that lock too, so these never race a
// fill's read of the file. off..off+n lies within one page.
// Copies n bytes from the kernel address src to offset off of key's page,
// if one is resident, also while it is being filled: 1 if there was one,
// else 0. Takes the cache lock; never sleeps.
int mshare_update(uint64 key, uint64 off, const void *src, uint n);
// Copies n bytes at offset off of key's page, if one is resident and
// filled, to dst (a user address if user_dst): 1, or -1 if the copy
// failed; 0 if there is no such page (the file's bytes are the page's).
// Copies holding a page reference, not the lock: the copy may fault.
int mshare_read(uint64 key, uint64 off, int user_dst, uint64 dst, uint n);
// Zeroes every byte at or past size in key's resident pages (those being
// filled too), as a new fill would read them after a truncation.
void mshare_truncate(uint64 key, uint64 size);

#endif
