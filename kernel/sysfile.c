// File-system system calls: argument checking, file descriptors and the
// name-space operations (open/create, link, unlink, mkdir, mknod, chdir,
// pipe, exec's argument gathering). Every bad argument returns -1.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "log.h"
#include "inode.h"
#include "file.h"
#include "fcntl.h"
#include "stat.h"
#include "proc.h"
#include "syscall.h"
#include "vm.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "exec.h"

// The open file behind descriptor argument n, its number in *pfd (if
// pfd). 0, or -1 for a descriptor that is out of range or not open.
static int
argfd(int n, int *pfd, struct file **pf)
{
    int fd;
    struct file *f;

    argint(n, &fd);
    if (fd < 0 || fd >= NOFILE || (f = myproc()->ofile[fd]) == 0)
        return -1;
    if (pfd)
        *pfd = fd;
    *pf = f;
    return 0;
}

// Gives f the lowest free descriptor of the caller; -1 when all are taken
// (f keeps the caller's reference either way).
static int
fdalloc(struct file *f)
{
    struct proc *p = myproc();

    for (int fd = 0; fd < NOFILE; fd++) {
        if (p->ofile[fd] == 0) {
            p->ofile[fd] = f;
            return fd;
        }
    }
    return -1;
}

// dup(fd): a second descriptor for the same open file, or -1.
uint64
sys_dup(void)
{
    struct file *f;
    int fd;

    if (argfd(0, 0, &f) < 0 || (fd = fdalloc(f)) < 0)
        return -1;
    filedup(f);
    return fd;
}

// read(fd, buf, n): bytes read, 0 at end of file, -1 on error.
uint64
sys_read(void)
{
    struct file *f;
    uint64 addr;
    int n;

    argaddr(1, &addr);
    argint(2, &n);
    if (argfd(0, 0, &f) < 0 || n < 0)
        return -1;
    return fileread(f, addr, n);
}

// write(fd, buf, n): bytes written, or -1.
uint64
sys_write(void)
{
    struct file *f;
    uint64 addr;
    int n;

    argaddr(1, &addr);
    argint(2, &n);
    if (argfd(0, 0, &f) < 0 || n < 0)
        return -1;
    return filewrite(f, addr, n);
}

// close(fd): 0, or -1 for a descriptor that is not open.
uint64
sys_close(void)
{
    struct file *f;
    int fd;

    if (argfd(0, &fd, &f) < 0)
        return -1;
    myproc()->ofile[fd] = 0;
    fileclose(f);
    return 0;
}

// fstat(fd, struct stat *): 0, or -1 (bad fd or pointer, or a pipe).
uint64
sys_fstat(void)
{
    struct file *f;
    uint64 st;

    argaddr(1, &st);
    if (argfd(0, 0, &f) < 0)
        return -1;
    return filestat(f, st);
}

// link(old, new): a second name for a file (not a directory).
uint64
sys_link(void)
{
    char old[MAXPATH], new[MAXPATH], name[DIRSIZ];
    struct inode *ip, *dp;

    if (argstr(0, old, MAXPATH) < 0 || argstr(1, new, MAXPATH) < 0)
        return -1;
    begin_op();
    if ((ip = namei(old)) == 0) {
        end_op();
        return -1;
    }
    ilock(ip);
    if (ip->type == T_DIR || ip->nlink == 0x7fff) {
        iunlockput(ip);
        end_op();
        return -1;
    }
    // Count the link first: a crash between the two writes then leaves a
    // count too high (harmless), never too low.
    ip->nlink++;
    iupdate(ip);
    iunlock(ip);

    if ((dp = nameiparent(new, name)) != 0) {
        ilock(dp);
        if (dp->nlink > 0 && dp->dev == ip->dev &&
            dirlink(dp, name, ip->inum) == 0) {
            iunlockput(dp);
            iput(ip);
            end_op();
            return 0;
        }
        iunlockput(dp);
    }
    ilock(ip);
    ip->nlink--;
    iupdate(ip);
    iunlockput(ip);
    end_op();
    return -1;
}

// Whether directory dp (locked) holds nothing but "." and "..".
static int
dir_is_empty(struct inode *dp)
{
    struct dirent de;

    for (uint off = 0; off + sizeof(de) <= dp->size; off += sizeof(de)) {
        if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
            return 0;
        if (de.inum != 0 && namecmp(de.name, ".") != 0 &&
            namecmp(de.name, "..") != 0)
            return 0;
    }
    return 1;
}

// Removes the entry name (not "." or "..") from dp (locked); the inode
// lives on while open. Consumes dp's lock and reference. 0 or -1.
static int
unlink_in(struct inode *dp, const char *name)
{
    struct inode *ip;
    struct dirent de;
    uint off;

    if (namecmp(name, ".") == 0 || namecmp(name, "..") == 0 ||
        (ip = dirlookup(dp, name, &off)) == 0) {
        iunlockput(dp);
        return -1;
    }
    ilock(ip);
    if (ip->type == T_DIR && !dir_is_empty(ip)) {
        iunlockput(ip);
        iunlockput(dp);
        return -1;
    }
    memset(&de, 0, sizeof(de));
    if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
        panic("unlink: cannot clear entry of directory %d", dp->inum);
    if (ip->type == T_DIR) {
        dp->nlink--; // ip's ".." named dp
        iupdate(dp);
    }
    iunlockput(dp);
    if (ip->nlink > 0)
        ip->nlink--;
    iupdate(ip);
    iunlockput(ip); // frees it here unless it is open
    return 0;
}

// unlink(path): removes a name; an open file lives until closed. 0 or -1.
uint64
sys_unlink(void)
{
    char path[MAXPATH], name[DIRSIZ];
    struct inode *dp;
    int r = -1;

    if (argstr(0, path, MAXPATH) < 0)
        return -1;
    begin_op();
    if ((dp = nameiparent(path, name)) != 0) {
        ilock(dp);
        r = unlink_in(dp, name);
    }
    end_op();
    return r;
}

// Gives the new inode ip (locked) its first name in dp (locked); a new
// directory also gets "." and "..". 0 or -1; on failure the caller frees ip.
static int
create_link(struct inode *dp, struct inode *ip, const char *name)
{
    if (ip->type == T_DIR &&
        (dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0))
        return -1;
    if (dirlink(dp, name, ip->inum) < 0)
        return -1;
    if (ip->type == T_DIR) {
        // Only now: a failure above must not leave dp over-counted.
        dp->nlink++;
        iupdate(dp);
    }
    return 0;
}

// The inode at path, created with type (and device numbers) if it does not
// exist; returned locked and referenced. An existing file or device is
// returned for type T_FILE (open with O_CREATE); anything else existing is
// an error. 0 on failure. Inside a transaction.
static struct inode *
create(const char *path, short type, short major, short minor)
{
    char name[DIRSIZ];
    struct inode *ip, *dp;

    if ((dp = nameiparent(path, name)) == 0)
        return 0;
    ilock(dp);
    if (dp->nlink == 0) { // a removed directory (someone's cwd): no new names
        iunlockput(dp);
        return 0;
    }
    if ((ip = dirlookup(dp, name, 0)) != 0) {
        iunlockput(dp);
        ilock(ip);
        if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEVICE))
            return ip;
        iunlockput(ip);
        return 0;
    }
    if ((ip = ialloc(dp->dev, type)) == 0) {
        iunlockput(dp);
        return 0;
    }
    ilock(ip);
    ip->major = major;
    ip->minor = minor;
    ip->nlink = 1;
    iupdate(ip);
    if (create_link(dp, ip, name) < 0) {
        // nlink 0: the last iput frees the inode and any blocks.
        ip->nlink = 0;
        iupdate(ip);
        iunlockput(ip);
        iunlockput(dp);
        return 0;
    }
    iunlockput(dp);
    return ip;
}

// The inode for open(path, omode), locked and referenced, or 0.
static struct inode *
open_inode(const char *path, int omode)
{
    struct inode *ip;

    if (omode & O_CREATE)
        return create(path, T_FILE, 0, 0);
    if ((ip = namei(path)) == 0)
        return 0;
    ilock(ip);
    return ip;
}

// open(path, omode): a new descriptor, or -1.
uint64
sys_open(void)
{
    char path[MAXPATH];
    int omode, fd = -1;
    struct file *f = 0;
    struct inode *ip;

    argint(1, &omode);
    if (argstr(0, path, MAXPATH) < 0)
        return -1;
    begin_op();
    if ((ip = open_inode(path, omode)) == 0) {
        end_op();
        return -1;
    }
    if ((ip->type == T_DIR && omode != O_RDONLY) ||
        (ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV)) ||
        (f = filealloc()) == 0 || (fd = fdalloc(f)) < 0) {
        if (f)
            fileclose(f); // still FD_NONE: only frees the entry
        iunlockput(ip);
        end_op();
        return -1;
    }
    if (ip->type == T_DEVICE) {
        f->type = FD_DEVICE;
        f->major = ip->major;
    } else {
        f->type = FD_INODE;
        f->off = 0;
    }
    f->ip = ip;
    f->readable = !(omode & O_WRONLY);
    f->writable = (omode & O_WRONLY) || (omode & O_RDWR);
    if ((omode & O_TRUNC) && ip->type == T_FILE)
        itrunc(ip);
    iunlock(ip);
    end_op();
    return fd;
}

// mkdir(path): 0, or -1 (exists, bad parent, no space).
uint64
sys_mkdir(void)
{
    char path[MAXPATH];
    struct inode *ip;

    if (argstr(0, path, MAXPATH) < 0)
        return -1;
    begin_op();
    if ((ip = create(path, T_DIR, 0, 0)) == 0) {
        end_op();
        return -1;
    }
    iunlockput(ip);
    end_op();
    return 0;
}

// mknod(path, major, minor). The major is checked when the node is opened.
uint64
sys_mknod(void)
{
    char path[MAXPATH];
    struct inode *ip;
    int major, minor;

    argint(1, &major);
    argint(2, &minor);
    if (argstr(0, path, MAXPATH) < 0)
        return -1;
    begin_op();
    if ((ip = create(path, T_DEVICE, major, minor)) == 0) {
        end_op();
        return -1;
    }
    iunlockput(ip);
    end_op();
    return 0;
}

// chdir(path): 0, or -1 if path is not a directory.
uint64
sys_chdir(void)
{
    char path[MAXPATH];
    struct inode *ip;
    struct proc *p = myproc();

    if (argstr(0, path, MAXPATH) < 0)
        return -1;
    begin_op();
    if ((ip = namei(path)) == 0) {
        end_op();
        return -1;
    }
    ilock(ip);
    if (ip->type != T_DIR) {
        iunlockput(ip);
        end_op();
        return -1;
    }
    iunlock(ip);
    iput(p->cwd);
    end_op();
    p->cwd = ip;
    return 0;
}

// pipe(int fd[2]): fd[0] reads, fd[1] writes. 0, or -1 with nothing left
// open.
uint64
sys_pipe(void)
{
    uint64 fdarray;
    struct file *rf, *wf;
    int fd[2] = {-1, -1};
    struct proc *p = myproc();

    argaddr(0, &fdarray);
    if (pipealloc(&rf, &wf) < 0)
        return -1;
    if ((fd[0] = fdalloc(rf)) < 0 || (fd[1] = fdalloc(wf)) < 0 ||
        copyout(p->pagetable, fdarray, fd, sizeof(fd)) < 0) {
        if (fd[0] >= 0)
            p->ofile[fd[0]] = 0;
        if (fd[1] >= 0)
            p->ofile[fd[1]] = 0;
        fileclose(rf);
        fileclose(wf);
        return -1;
    }
    return 0;
}

// exec(path, argv): copies up to MAXARG argument strings, each into a page
// of its own, and hands them to exec(). -1 for too many arguments, a bad
// pointer or a string longer than a page; the pages are always freed.
uint64
sys_exec(void)
{
    char path[MAXPATH];
    char *argv[MAXARG + 1];
    uint64 uargv, uarg;
    int i, r = -1;

    argaddr(1, &uargv);
    if (argstr(0, path, MAXPATH) < 0)
        return -1;
    memset(argv, 0, sizeof(argv));
    for (i = 0; i <= MAXARG; i++) {
        if (fetchaddr(uargv + i * sizeof(uint64), &uarg) < 0)
            goto out;
        if (uarg == 0)
            break;
        if (i == MAXARG || (argv[i] = kalloc()) == 0)
            goto out;
        if (fetchstr(uarg, argv[i], PGSIZE) < 0)
            goto out;
    }
    r = exec(path, argv);
out:
    for (i = 0; i < MAXARG && argv[i] != 0; i++)
        kfree(argv[i]);
    return r;
}
