// Block and inode allocation from the two on-disk bitmaps
// (kernel/fs/alloc.c). Every call runs inside a transaction.
#ifndef LAZYOS_ALLOC_H
#define LAZYOS_ALLOC_H

#include "types.h"
#include "fs.h"

extern struct superblock fs_sb; // the mounted file system's (mount.c)

// Starts the search hints. Called once at mount.
void alloc_init(void);
// A free data block, marked used, its buffer zeroed and in the
// transaction; 0 when the disk is full.
uint block_alloc(void);
// Marks block b free (a block outside the data area is ignored, loudly).
void block_free(uint b);
// A free inode number, marked used; 0 when every inode is in use
// (at most FS_MAX_INODES: the user ABI's 16-bit inum).
uint inode_num_alloc(void);
void inode_num_free(uint inum);
// Which bitmap block holds block b's bit (for reservations).
#define BMAP_BLOCK(b) (fs_sb.bmapstart + (b) / BPB)

#endif
