// The on-disk format of lazyfs, shared by the kernel (kernel/fs/), mkfs and
// fsck; docs/storage.md explains it. struct dirent and DIRSIZ are also the
// user ABI for reading directories (the xv6 layout).
#ifndef LAZYOS_FS_H
#define LAZYOS_FS_H

#include "param.h"

#define BSIZE 4096           // block size: one page
#define ROOTINO 1            // inode number of "/"
#define FSMAGIC 0x53465a4c   // "LZFS" as a little-endian word
#define FSVERSION 2

// Block 0. Areas follow each other in this order; every start is a block
// number from the start of the file system.
struct superblock {
    uint magic;        // FSMAGIC
    uint version;      // FSVERSION
    uint size;         // blocks in the file system
    uint ninodes;      // inodes, numbered 0..ninodes-1 (0 never used)
    uint journalstart; // journal header block
    uint njournal;     // journal blocks, header included
    uint imapstart;    // inode bitmap
    uint bmapstart;    // block bitmap (one bit per block of the fs)
    uint inodestart;   // inode table
    uint datastart;    // first data block
};

// struct dirent's inum is 16 bits: the user ABI caps the inode count.
#define FS_MAX_INODES 65535

#define NDIRECT 10
#define NINDIRECT (BSIZE / sizeof(uint))        // pointers per block
#define IND_SLOT NDIRECT                        // single-indirect pointer
#define DIND_SLOT (NDIRECT + 1)                 // double-indirect pointer
#define NADDRS (NDIRECT + 2)
#define MAXFILE_BLOCKS ((uint64)NDIRECT + NINDIRECT + NINDIRECT * NINDIRECT)
#define MAXFILE ((uint64)MAXFILE_BLOCKS * BSIZE) // bytes

// 64 bytes. Pointer 0 is a hole (reads as zeros); type 0 is a free inode.
struct dinode {
    short type;  // T_DIR, T_FILE, T_DEVICE (kernel/stat.h)
    short major; // T_DEVICE only
    short minor;
    short nlink; // directory entries naming this inode
    uint64 size; // bytes
    uint addrs[NADDRS];
};

#define IPB (BSIZE / sizeof(struct dinode)) // inodes per block
#define BPB (BSIZE * 8)                     // bitmap bits per block

// A directory is a file of these; inum 0 marks a free slot.
#define DIRSIZ 14
struct dirent {
    ushort inum;
    char name[DIRSIZ]; // not NUL-terminated when all DIRSIZ bytes are used
};

// The journal: an anchor block, then a log of transactions, each a header
// followed by `count` block copies. The anchor names the first sequence
// number not yet installed; recovery replays headers from the log's start
// while their seq counts up from it and their checksum matches.
#define JANCHOR 0x4e524a4c  // "LJRN": the anchor
#define JTXMAGIC 0x58544a4c // "LJTX": a transaction header
#define JHEAD_MAX ((BSIZE - 24) / sizeof(uint))
struct jheader {
    uint magic;
    uint count;      // copies that follow (0 in the anchor)
    uint64 seq;      // transaction number (anchor: first to replay)
    uint64 sum;      // jsum over seq, count, home[] and the copies
    uint home[JHEAD_MAX];
};

// The checksum that proves a transaction reached the disk whole: FNV-1a
// over 64-bit words. Start with JSUM_START, feed the header fields, then
// each copy.
#define JSUM_START 0xcbf29ce484222325ull
static inline uint64
jsum(uint64 h, const void *data, uint64 len)
{
    const uint64 *w = data;
    for (uint64 i = 0; i < len / 8; i++)
        h = (h ^ w[i]) * 0x100000001b3ull;
    return h;
}

// Whether hdr, read from log block pos of a log of logsize blocks, can
// head transaction seq; its copies' checksum is then jtx_sum's to judge.
// The kernel's replay and fsck read the log the same way through these.
static inline int
jtx_header_ok(const struct jheader *hdr, uint64 seq, uint pos, uint logsize)
{
    return hdr->magic == JTXMAGIC && hdr->seq == seq &&
           hdr->count <= JHEAD_MAX && pos + 1 + hdr->count <= logsize;
}

// The checksum hdr->sum must equal: the header with sum as zero, then
// each copy, as read_copy(ctx, i, buf) gives copy i (nonzero: unreadable,
// and the result is ~hdr->sum, which never matches).
static inline uint64
jtx_sum(struct jheader *hdr, int (*read_copy)(void *ctx, uint i, void *buf),
        void *ctx, void *buf)
{
    uint64 want = hdr->sum;
    hdr->sum = 0;
    uint64 h = jsum(JSUM_START, hdr, BSIZE);
    hdr->sum = want;
    for (uint i = 0; i < hdr->count; i++) {
        if (read_copy(ctx, i, buf) != 0)
            return ~want;
        h = jsum(h, buf, BSIZE);
    }
    return h;
}

#endif
