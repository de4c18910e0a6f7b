// Directories and path names: entry lookup and creation, and the walk from
// "/" or the current directory to an inode. Built on fs.c's inode calls;
// knows nothing of blocks or the log beyond them.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "inode.h"
#include "stat.h"
#include "proc.h"
#include "printf.h"
#include "klib.h"

// Compares two names as directory entries store them: at most DIRSIZ bytes,
// so longer names match on their first DIRSIZ bytes.
int
namecmp(const char *s, const char *t)
{
    return strncmp(s, t, DIRSIZ);
}

// Inode number of the entry called name in dp (locked, a directory), and
// its byte offset in *poff; 0 if there is none.
static uint
dir_find(struct inode *dp, const char *name, uint *poff)
{
    struct dirent de;

    for (uint off = 0; off + sizeof(de) <= dp->size; off += sizeof(de)) {
        if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
            panic("dir_find: directory %d unreadable", dp->inum);
        if (de.inum != 0 && namecmp(name, de.name) == 0) {
            if (poff)
                *poff = off;
            return de.inum;
        }
    }
    return 0;
}

// The inode named name in directory dp (locked), referenced and unlocked,
// with the entry's offset in *poff if poff is not 0. Returns 0 when there is
// no such entry or the inode table is full.
struct inode *
dirlookup(struct inode *dp, const char *name, uint *poff)
{
    if (dp->type != T_DIR)
        panic("dirlookup: inode %d is not a directory", dp->inum);
    uint inum = dir_find(dp, name, poff);
    return inum ? iget(dp->dev, inum) : 0;
}

// Adds the entry (name, inum) to dp (locked), reusing a free slot or
// growing the directory. Inside a transaction. Returns 0, or -1 if the name
// exists already or the directory cannot grow.
int
dirlink(struct inode *dp, const char *name, uint inum)
{
    struct dirent de;
    uint off;

    if (dir_find(dp, name, 0) != 0)
        return -1;
    for (off = 0; off + sizeof(de) <= dp->size; off += sizeof(de)) {
        if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
            panic("dirlink: directory %d unreadable", dp->inum);
        if (de.inum == 0)
            break;
    }
    // Ends at dp->size when no slot is free: the write appends.
    memset(&de, 0, sizeof(de));
    strncpy(de.name, name, DIRSIZ); // no NUL when the name fills DIRSIZ
    de.inum = inum;
    if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
        return -1;
    return 0;
}

// Copies the first element of path into name (truncated to DIRSIZ bytes,
// NUL-terminated only when shorter) and returns the rest of path with its
// leading slashes skipped. Returns 0 when path holds no element.
//   "a/bb//c" -> name "a", "bb//c";   "///a//" -> "a", "";   "" -> 0
static const char *
skipelem(const char *path, char *name)
{
    const char *start;
    uint len;

    while (*path == '/')
        path++;
    if (*path == '\0')
        return 0;
    start = path;
    while (*path != '/' && *path != '\0')
        path++;
    len = path - start;
    if (len >= DIRSIZ) {
        memmove(name, start, DIRSIZ);
    } else {
        memmove(name, start, len);
        name[len] = '\0';
    }
    while (*path == '/')
        path++;
    return path;
}

// Walks path from "/" or the current directory. With parent, stops one
// element early: returns the directory that would hold the last element
// and copies that element into name. Referenced, unlocked result or 0.
static struct inode *
namex(const char *path, int parent, char *name)
{
    struct inode *ip, *next;

    if (*path == '/')
        ip = iget(ROOTDEV, ROOTINO);
    else
        ip = idup(myproc()->cwd);
    if (ip == 0)
        return 0;

    while ((path = skipelem(path, name)) != 0) {
        ilock(ip);
        if (ip->type != T_DIR) {
            iunlockput(ip);
            return 0;
        }
        if (parent && *path == '\0') {
            iunlock(ip);
            return ip;
        }
        next = dirlookup(ip, name, 0);
        // Unlock before the next ilock: holding a parent while locking a
        // child (or ".." while locking its child) would deadlock walks
        // that go the other way.
        iunlockput(ip);
        if (next == 0)
            return 0;
        ip = next;
    }
    if (parent) {
        // The path had no element ("/", ""): there is no parent to return.
        iput(ip);
        return 0;
    }
    return ip;
}

// The inode path names, referenced and unlocked; 0 if the path does not
// resolve (or the inode table is full). Inside a transaction, because a
// dropped reference may free an unlinked inode.
struct inode *
namei(const char *path)
{
    char name[DIRSIZ];

    return namex(path, 0, name);
}

// The directory holding path's last element, referenced and unlocked, with
// that element in name (room for DIRSIZ bytes; NUL-terminated only when
// shorter). 0 for a path with no element or a bad directory. Inside a
// transaction.
struct inode *
nameiparent(const char *path, char *name)
{
    return namex(path, 1, name);
}
