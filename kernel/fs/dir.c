// Directories and path names: entries are scanned a cached block at a
// time, and a path is walked one element at a time holding one directory
// lock at once.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "klib.h"
#include "proc.h"
#include "stat.h"
#include "fs.h"
#include "cache.h"
#include "journal.h"
#include "inode.h"

#define DPB (BSIZE / sizeof(struct dirent)) // entries per block

int
namecmp(const char *s, const char *t)
{
    return strncmp(s, t, DIRSIZ);
}

// Calls match(entry, arg) on each entry of dp (locked) until it returns
// nonzero; returns that entry's byte offset, or -1 if none matched.
static int64
dir_scan(struct inode *dp, int (*match)(struct dirent *, const void *),
         const void *arg, uint *inum)
{
    uint64 nblocks = (dp->size + BSIZE - 1) / BSIZE;
    for (uint64 lbn = 0; lbn < nblocks; lbn++) {
        uint pb = bmap(dp, lbn, 0);
        if (pb == 0)
            continue; // a hole holds no entries
        struct buf *b = cache_get(pb);
        struct dirent *de = (struct dirent *)b->data;
        for (uint i = 0; i < DPB && lbn * BSIZE + i * sizeof(*de) < dp->size;
             i++)
            if (match(&de[i], arg)) {
                if (inum)
                    *inum = de[i].inum;
                cache_put(b);
                return lbn * BSIZE + i * sizeof(*de);
            }
        cache_put(b);
    }
    return -1;
}

static int
has_name(struct dirent *de, const void *name)
{
    return de->inum != 0 && namecmp(de->name, name) == 0;
}

static int
is_free(struct dirent *de, const void *unused)
{
    return de->inum == 0;
}

static int
is_real_entry(struct dirent *de, const void *unused)
{
    return de->inum != 0 && namecmp(de->name, ".") != 0 &&
           namecmp(de->name, "..") != 0;
}

struct inode *
dirlookup(struct inode *dp, const char *name, uint64 *poff)
{
    uint inum;
    if (dp->type != T_DIR)
        return 0;
    int64 off = dir_scan(dp, has_name, name, &inum);
    if (off < 0)
        return 0;
    if (poff)
        *poff = off;
    return iget(inum);
}

// Nonzero if dp (locked) holds nothing but "." and "..".
int
dir_is_empty(struct inode *dp)
{
    return dir_scan(dp, is_real_entry, 0, 0) < 0;
}

int
dirlink(struct inode *dp, const char *name, uint inum)
{
    struct inode *ip = dirlookup(dp, name, 0);
    if (ip) {
        iput(ip); // not the last hold: the entry names it
        return -1;
    }
    int64 off = dir_scan(dp, is_free, 0, 0);
    struct dirent de;
    memset(&de, 0, sizeof(de));
    strncpy(de.name, name, DIRSIZ);
    de.inum = inum;
    if (off < 0)
        off = dp->size;
    return writei(dp, 0, (uint64)&de, off, sizeof(de)) == sizeof(de) ? 0
                                                                      : -1;
}

// Copies the next element of path into name (cut to DIRSIZ bytes) and
// returns the rest, slashes skipped; 0 when there is no element left.
static const char *
next_element(const char *path, char *name)
{
    while (*path == '/')
        path++;
    if (*path == 0)
        return 0;
    const char *start = path;
    while (*path != '/' && *path != 0)
        path++;
    uint64 len = path - start;
    memset(name, 0, DIRSIZ);
    memmove(name, start, len < DIRSIZ ? len : DIRSIZ);
    while (*path == '/')
        path++;
    return path;
}

// Walks path. With parent set, stops one element early and leaves the
// last element in name.
static struct inode *
walk(const char *path, int parent, char *name)
{
    struct inode *ip =
        *path == '/' ? iget(ROOTINO) : idup(myproc()->cwd);
    if (ip == 0)
        return 0;
    while ((path = next_element(path, name)) != 0) {
        ilock(ip);
        if (ip->type != T_DIR) {
            iunlockput(ip);
            return 0;
        }
        if (parent && *path == 0) {
            iunlock(ip);
            return ip;
        }
        struct inode *next = dirlookup(ip, name, 0);
        iunlockput(ip);
        if (next == 0)
            return 0;
        ip = next;
    }
    if (parent) {
        iput(ip);
        return 0;
    }
    return ip;
}

struct inode *
namei(const char *path)
{
    char name[DIRSIZ];
    return walk(path, 0, name);
}

struct inode *
nameiparent(const char *path, char *name)
{
    return walk(path, 1, name);
}
