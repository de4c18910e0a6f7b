// System calls that add or remove a name of an existing inode: link and
// unlink. Each runs in one transaction; the inode's last iput (which may
// free it) comes after the transaction ends.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "proc.h"
#include "syscall.h"
#include "klib.h"
#include "stat.h"
#include "fs.h"
#include "journal.h"
#include "inode.h"

#define LINK_RESERVE (1 + DIRLINK_RESERVE + 1)
#define UNLINK_RESERVE 3 // the entry's block, the two inodes
// Freeing a small file inside the unlink's own transaction saves a commit;
// what does not fit here is freed by the last iput.
#define INLINE_FREE 16

// Names ip (held, unlocked) `name` in dp (held, unlocked). 0, or -1 for a
// directory, a full link count, a removed dp, a taken name, a full disk.
static int
add_link(struct inode *dp, const char *name, struct inode *ip)
{
    int r = -1;
    tx_begin(LINK_RESERVE);
    ilock(ip);
    int ok = ip->type != T_DIR && ip->nlink < 0x7fff;
    iunlock(ip);
    if (ok) {
        ilock(dp);
        // Inside one transaction the order of the two writes is free.
        if (dp->nlink > 0 && dirlink(dp, name, ip->inum) == 0)
            r = 0;
        iunlock(dp);
    }
    if (r == 0) {
        ilock(ip);
        ip->nlink++;
        iupdate(ip);
        iunlock(ip);
    }
    tx_end(LINK_RESERVE);
    return r;
}

// link(old, new): a second name for a file (not a directory); 0 or -1.
uint64
sys_link(void)
{
    char old[MAXPATH], new[MAXPATH], name[DIRSIZ];
    if (argstr(0, old, MAXPATH) < 0 || argstr(1, new, MAXPATH) < 0)
        return -1;
    struct inode *ip = namei(old);
    if (ip == 0)
        return -1;
    struct inode *dp = nameiparent(new, name);
    int r = dp ? add_link(dp, name, ip) : -1;
    if (dp)
        iput(dp);
    iput(ip);
    return r;
}

// Removes name from dp (held, unlocked); the inode it named, held, in
// *victim. 0, or -1 (no such name, ".", "..", a non-empty directory).
static int
remove_entry(struct inode *dp, const char *name, struct inode **victim)
{
    uint64 off;
    struct inode *ip = 0;
    int r = -1;
    tx_begin(UNLINK_RESERVE + INLINE_FREE);
    ilock(dp);
    if (namecmp(name, ".") != 0 && namecmp(name, "..") != 0 &&
        (ip = dirlookup(dp, name, &off)) != 0) {
        ilock(ip);
        if (ip->type != T_DIR || dir_is_empty(ip)) {
            struct dirent de;
            memset(&de, 0, sizeof(de));
            if (writei(dp, 0, (uint64)&de, off, sizeof(de)) == sizeof(de)) {
                if (ip->type == T_DIR) {
                    dp->nlink--; // its ".." named dp
                    iupdate(dp);
                }
                if (ip->nlink > 0)
                    ip->nlink--;
                iupdate(ip);
                if (ip->nlink == 0 && inode_sole_holder(ip))
                    inode_free_step(ip, INLINE_FREE);
                r = 0;
            }
        }
        iunlock(ip);
    }
    iunlock(dp);
    tx_end(UNLINK_RESERVE + INLINE_FREE);
    *victim = ip;
    return r;
}

// unlink(path): 0, or -1. The inode goes with its last open file.
uint64
sys_unlink(void)
{
    char path[MAXPATH], name[DIRSIZ];
    struct inode *dp, *ip = 0;
    if (argstr(0, path, MAXPATH) < 0 || (dp = nameiparent(path, name)) == 0)
        return -1;
    int r = remove_entry(dp, name, &ip);
    iput(dp);
    if (ip)
        iput(ip); // frees it if that was the last name and nobody has it
    return r;
}
