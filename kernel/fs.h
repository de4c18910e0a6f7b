// On-disk file-system format, shared by the kernel, tools/mkfs and tools/fsck.
// struct dirent and DIRSIZ are also the user ABI for reading directories.
//
// Disk layout, in BSIZE blocks:
//   [ 0: unused | 1: superblock | log | inodes | free bitmap | data ... ]
#ifndef LAZYOS_FS_H
#define LAZYOS_FS_H

#include "param.h"

#define BSIZE 1024           // file-system block size in bytes
#define ROOTINO 1            // inode number of "/"
#define FSMAGIC 0x4c415a59   // "LAZY" read as a little-endian word

struct superblock {
    uint magic;      // FSMAGIC
    uint size;       // total blocks in the file system
    uint nblocks;    // data blocks
    uint ninodes;    // inodes
    uint nlog;       // log blocks (header included)
    uint logstart;   // first log block
    uint inodestart; // first inode block
    uint bmapstart;  // first free-bitmap block
};

#define NDIRECT 11
#define NINDIRECT (BSIZE / sizeof(uint))
#define NDINDIRECT (NINDIRECT * NINDIRECT)
#define MAXFILE (NDIRECT + NINDIRECT + NDINDIRECT) // in blocks

// addrs[0..NDIRECT-1] direct, addrs[NDIRECT] single indirect,
// addrs[NDIRECT+1] double indirect. Zero means "no block".
struct dinode {
    short type;  // T_DIR, T_FILE, T_DEVICE; 0 = free inode
    short major; // device numbers (T_DEVICE only)
    short minor;
    short nlink; // directory entries naming this inode
    uint size;   // bytes
    uint addrs[NDIRECT + 2];
};

#define IPB (BSIZE / sizeof(struct dinode))        // inodes per block
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart) // block holding inode i
#define BPB (BSIZE * 8)                            // bitmap bits per block
// The log's per-operation budget counts on a bitmap of at most this many
// blocks, so a file system has at most FS_MAX_BITMAP * BPB blocks (16 MiB).
#define FS_MAX_BITMAP 2
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)  // bitmap block for block b

// A directory is a file of these; inum 0 marks a free slot.
#define DIRSIZ 14
struct dirent {
    ushort inum;
    char name[DIRSIZ]; // not NUL-terminated when all DIRSIZ bytes are used
};

// Log header, in block logstart: which home blocks the log blocks hold.
struct logheader {
    uint n;
    uint block[LOGSIZE];
};

#endif
