// Inodes in memory, file contents and path names: the interface the rest
// of the kernel (exec, processes, the mmap adapter) uses to reach files.
// kernel/fs/inode.c, bmap.c, trunc.c and dir.c implement it.
#ifndef LAZYOS_INODE_H
#define LAZYOS_INODE_H

#include "types.h"
#include "fs.h"
#include "sleeplock.h"

struct stat;

struct inode {
    uint inum;
    int ref;               // holders (inode table lock)
    struct sleeplock lock; // protects everything below
    int valid;             // fields below loaded from the disk
    short type;            // copy of struct dinode
    short major;
    short minor;
    short nlink;
    uint64 size;
    uint addrs[NADDRS];
    uint64 ra_next;        // block a sequential reader asks for next
};

// Sets up the inode table, cache and file table. Called once at boot.
void fs_init(void);
void inode_table_init(void); // part of fs_init (inode.c)
// The disk block holding block lbn of ip (locked), allocated with the
// index blocks on its way if alloc (inside a transaction); 0 for a hole, a
// full disk or lbn past MAXFILE_BLOCKS (bmap.c).
uint bmap(struct inode *ip, uint64 lbn, int alloc);
// Mounts the root file system (replays the journal, frees orphans).
// Runs in the first process: it reads the disk. Panics on a bad disk.
void fsinit(int dev);

// The in-memory inode for inum, held, unlocked; 0 if the table is full
// (NINODE inodes in use at once).
struct inode *iget(uint inum);
struct inode *idup(struct inode *ip);
// Locks ip, loading it from the disk first if needed.
void ilock(struct inode *ip);
void iunlock(struct inode *ip);
// Drops a hold. The last hold on an inode with no links frees it and its
// blocks, in transactions of its own: call outside any transaction.
void iput(struct inode *ip);
void iunlockput(struct inode *ip);
// A new inode of `type` with one link, held and locked, in the running
// transaction; 0 when every inode (or every table entry) is in use.
struct inode *inode_create(short type, short major, short minor);
// Writes ip's fields to its disk block (ip locked, inside a transaction).
void iupdate(struct inode *ip);
void stati(struct inode *ip, struct stat *st);

// Reads n bytes at off into dst (a user address if user_dst), ip locked.
// Returns the bytes read (fewer at the end of the file), or -1 for a bad
// destination. This is the adapter for anyone reading a file by inode.
// A page of the file resident for MAP_SHARED mappings is read instead of
// the disk's block (mmap_share.h), so stores not yet written back count.
int readi(struct inode *ip, int user_dst, uint64 dst, uint64 off, uint n);
// Writes n bytes at off from src (a user address if user_src), ip locked,
// inside a transaction whose reservation covers write_reserve(off, n).
// Returns the bytes written, fewer when the disk is full or past MAXFILE
// (-1 if none could be), extending the size as needed. Bytes from a user
// address (write()) go to the file's resident shared page as well.
int writei(struct inode *ip, int user_src, uint64 src, uint64 off, uint n);
// Blocks a writei of n bytes at off may change, bitmaps and inode included.
int write_reserve(uint64 off, uint n);
// The largest n for which write_reserve(off, n) fits `budget` blocks.
uint write_chunk(uint64 off, int budget);
// One transaction's worth of freeing ip (locked, no links, no holder but
// the caller): blocks from the end, then the inode. Nonzero while blocks
// remain (trunc.c).
int inode_free_step(struct inode *ip, int budget);
// Nonzero if the caller's hold is the only one on ip.
int inode_sole_holder(struct inode *ip);
// Cuts ip (held, unlocked) to `size` bytes, in as many transactions as it
// takes. Call outside any transaction.
void inode_truncate(struct inode *ip, uint64 size);

// Directories and path names (dir.c). Names compare over DIRSIZ bytes.
int namecmp(const char *s, const char *t);
// The entry `name` of dp (locked): its inode held and unlocked, its byte
// offset in *poff if poff; 0 if there is none.
struct inode *dirlookup(struct inode *dp, const char *name, uint64 *poff);
// Adds name -> inum to dp (locked, inside a transaction reserving
// DIRLINK_RESERVE). 0, or -1 if the name exists or the disk is full.
int dirlink(struct inode *dp, const char *name, uint inum);
// Nonzero if dp (locked) holds nothing but "." and "..".
int dir_is_empty(struct inode *dp);
#define DIRLINK_RESERVE 9 // entry, 3 index blocks, their bits, inode
// The inode a path names, held and unlocked; 0 if there is none.
struct inode *namei(const char *path);
// The directory holding the last element of path (held, unlocked), that
// element in name; 0 if there is none.
struct inode *nameiparent(const char *path, char *name);

#endif
