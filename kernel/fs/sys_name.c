// System calls that make names: open, mkdir, mknod; and chdir.
// Names are looked up before a transaction begins and inodes are dropped
// after it ends, so only the changes themselves run inside one.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "proc.h"
#include "syscall.h"
#include "klib.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "journal.h"
#include "inode.h"
#include "file.h"
#include "sysfs.h"

// Inode bit and block, the new directory's block, its bit, three entries
// (DIRLINK_RESERVE each, generous), the parent's inode.
#define CREATE_RESERVE (2 + 2 + 3 * DIRLINK_RESERVE + 1)

// Adds the new inode ip under name in dp (both locked); for a directory
// also "." and "..". 0, or -1 (name taken, disk full).
static int
enter(struct inode *dp, struct inode *ip, const char *name)
{
    if (ip->type == T_DIR &&
        (dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0))
        return -1;
    if (dirlink(dp, name, ip->inum) < 0)
        return -1;
    if (ip->type == T_DIR) {
        dp->nlink++; // the new ".." names dp
        iupdate(dp);
    }
    return 0;
}

// The inode path names, locked and held, created as `type` if missing. An
// existing file or device is returned when a file is asked for; 0
// otherwise, or when anything fails.
static struct inode *
create(const char *path, short type, short major, short minor)
{
    char name[DIRSIZ];
    struct inode *dp = nameiparent(path, name);
    if (dp == 0)
        return 0;
    struct inode *ip = 0, *unnamed = 0;
    tx_begin(CREATE_RESERVE);
    ilock(dp);
    struct inode *old = dirlookup(dp, name, 0);
    // A removed directory (someone's cwd) takes no new names.
    if (old == 0 && dp->nlink > 0 &&
        (ip = inode_create(type, major, minor)) != 0 &&
        enter(dp, ip, name) < 0) {
        // Never named: with no link, its last iput (after the transaction)
        // frees it.
        ip->nlink = 0;
        iupdate(ip);
        iunlock(ip);
        unnamed = ip;
        ip = 0;
    }
    iunlock(dp);
    tx_end(CREATE_RESERVE);
    iput(dp);
    if (unnamed)
        iput(unnamed);
    if (old && type == T_FILE) {
        ilock(old);
        if (old->type == T_FILE || old->type == T_DEVICE)
            return old;
        iunlock(old);
    }
    if (old)
        iput(old);
    return ip;
}

// open(path, flags): a descriptor, or -1.
uint64
sys_open(void)
{
    char path[MAXPATH];
    int mode;
    argint(1, &mode);
    if (argstr(0, path, MAXPATH) < 0)
        return -1;
    struct inode *ip;
    if (mode & O_CREATE)
        ip = create(path, T_FILE, 0, 0);
    else if ((ip = namei(path)) != 0)
        ilock(ip);
    if (ip == 0)
        return -1;
    struct file *f = 0;
    int fd = -1;
    if ((ip->type == T_DIR && mode != O_RDONLY) ||
        (ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV)) ||
        (f = filealloc()) == 0 || (fd = fdalloc(f)) < 0) {
        if (f)
            fileclose(f); // still FD_NONE: only the entry goes back
        iunlockput(ip);
        return -1;
    }
    f->type = ip->type == T_DEVICE ? FD_DEVICE : FD_INODE;
    f->major = ip->major;
    f->ip = ip;
    f->readable = !(mode & O_WRONLY);
    f->writable = (mode & O_WRONLY) || (mode & O_RDWR);
    int trunc = (mode & O_TRUNC) && ip->type == T_FILE;
    iunlock(ip);
    if (trunc)
        inode_truncate(ip, 0);
    return fd;
}

// mkdir(path): 0, or -1.
uint64
sys_mkdir(void)
{
    char path[MAXPATH];
    struct inode *ip;
    if (argstr(0, path, MAXPATH) < 0 || (ip = create(path, T_DIR, 0, 0)) == 0)
        return -1;
    iunlockput(ip);
    return 0;
}

// mknod(path, major, minor): 0, or -1.
uint64
sys_mknod(void)
{
    char path[MAXPATH];
    int major, minor;
    struct inode *ip;
    argint(1, &major);
    argint(2, &minor);
    if (argstr(0, path, MAXPATH) < 0 ||
        (ip = create(path, T_DEVICE, major, minor)) == 0)
        return -1;
    iunlockput(ip);
    return 0;
}

// chdir(path): 0, or -1 if path names no directory.
uint64
sys_chdir(void)
{
    char path[MAXPATH];
    struct inode *ip;
    struct proc *p = myproc();
    if (argstr(0, path, MAXPATH) < 0 || (ip = namei(path)) == 0)
        return -1;
    ilock(ip);
    int is_dir = ip->type == T_DIR;
    iunlock(ip);
    if (!is_dir) {
        iput(ip);
        return -1;
    }
    struct inode *old = p->cwd;
    p->cwd = ip;
    iput(old);
    return 0;
}
