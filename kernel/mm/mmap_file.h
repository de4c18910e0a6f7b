// The only door from mmap to the file system: check a file for mapping,
// read a page of it, write a page back. When the file system changes, only
// mmap_file.c should need to follow.
#ifndef LAZYOS_MMAP_FILE_H
#define LAZYOS_MMAP_FILE_H

#include "types.h"

struct file;

// 0 if f may back a mapping with prot and flags: an open regular file,
// readable, and writable too for a MAP_SHARED mapping with PROT_WRITE;
// otherwise -1. May sleep (takes the inode lock).
int mfile_check(struct file *f, int prot, int flags);
// Fills the page at kernel address page with the file's bytes at off
// (zeros past the end of the file). 0, or -1 if the file cannot be read
// now, among others when the caller already holds its inode lock (a read()
// into a mapping of the same file): failing beats deadlocking. May sleep.
int mfile_read(struct file *f, uint64 off, void *page);
// Writes the page back at off, clipped to the file's current size (a
// mapping never grows its file). 0, or -1 on a disk error. May sleep;
// runs its own transactions, so the caller must not be inside one.
int mfile_write(struct file *f, uint64 off, const void *page);
// Nonzero if the caller may sleep on f's behalf: it holds no spinlock and
// not f's inode lock (a read() into a mapping of the same file).
int mfile_may_wait(struct file *f);
// The same nonzero value for every open file of one file, and for no other
// file while any of them stays open: what the shared page cache keys on.
uint64 mfile_key(struct file *f);
// Another reference to f for a new region / drops one (may sleep).
struct file *mfile_dup(struct file *f);
void mfile_put(struct file *f);

#endif
