// In-memory inodes, directories and path names (kernel/fs.c).
#ifndef LAZYOS_INODE_H
#define LAZYOS_INODE_H

#include "fs.h"
#include "sleeplock.h"

struct stat;

struct inode {
    uint dev;
    uint inum;
    int ref;               // in-memory references (itable lock)
    struct sleeplock lock; // protects everything below
    int valid;             // read from disk?
    short type;            // copy of the disk inode
    short major;
    short minor;
    short nlink;
    uint size;
    uint addrs[NDIRECT + 2];
};

extern struct superblock sb;

void fsinit(int dev);
void iinit(void);
struct inode *ialloc(uint dev, short type); // 0 when no inode is free
// The in-memory inode for (dev, inum), unlocked; 0 when the table is full.
struct inode *iget(uint dev, uint inum);
struct inode *idup(struct inode *ip);
void ilock(struct inode *ip);
void iunlock(struct inode *ip);
void iput(struct inode *ip);       // inside a transaction
void iunlockput(struct inode *ip);
void iupdate(struct inode *ip);    // writes the inode to disk (in the log)
void itrunc(struct inode *ip);
void stati(struct inode *ip, struct stat *st);
// Read/write n bytes at off; user_addr says whether dst/src is a user va.
// Return bytes moved, or -1 (bad range, bad user address).
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n);
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n);

int namecmp(const char *s, const char *t);
struct inode *dirlookup(struct inode *dp, const char *name, uint *poff);
int dirlink(struct inode *dp, const char *name, uint inum); // 0 or -1
struct inode *namei(const char *path);
struct inode *nameiparent(const char *path, char *name);

#endif
