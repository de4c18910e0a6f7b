// Open files (pipes, inodes, devices), the device switch and pipes
// (kernel/fs/file.c, pipe.c).
#ifndef LAZYOS_FILE_H
#define LAZYOS_FILE_H

#include "types.h"
#include "param.h"

struct pipe;
struct inode;

struct file {
    enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE } type;
    int ref;            // descriptors naming it (file table lock)
    char readable;
    char writable;
    struct pipe *pipe;  // FD_PIPE
    struct inode *ip;   // FD_INODE and FD_DEVICE
    uint64 off;         // FD_INODE: 64 bits, files pass 4 GiB
    short major;        // FD_DEVICE
    struct file *next_free;
};

// Device drivers behind T_DEVICE inodes, by major number.
struct devsw {
    int (*read)(int user_dst, uint64 dst, int n);
    int (*write)(int user_src, uint64 src, int n);
};
extern struct devsw devsw[NDEV];
#define CONSOLE 1

void file_table_init(void); // part of fs_init
// An unused entry with ref 1 and type FD_NONE; 0 when all NFILE are used.
struct file *filealloc(void);
// Another reference to f (dup, fork).
struct file *filedup(struct file *f);
// Drops a reference; the last closes the pipe end or drops the inode.
// Call outside any transaction.
void fileclose(struct file *f);
// Read or write n bytes at the user address addr: the bytes moved, or -1
// (not readable/writable, a bad address, a killed process, nothing
// written on a full disk). Long transfers go in chunks, and a process
// killed meanwhile stops after the chunk it is in.
int fileread(struct file *f, uint64 addr, int n);
int filewrite(struct file *f, uint64 addr, int n);
// Copies struct stat to the user address addr; 0, or -1 (a pipe, a bad
// address).
int filestat(struct file *f, uint64 addr);

// Pipes (pipe.c): a page each, its header and a ring of bytes.
// Two files on a new pipe; 0, or -1 when memory or the table runs out.
int pipealloc(struct file **rd, struct file **wr);
void pipeclose(struct pipe *pi, int writable);
// Bytes moved, 0 at end of pipe (read), -1 when the other end is closed
// (write) or the caller was killed while waiting.
int pipewrite(struct pipe *pi, uint64 addr, int n);
int piperead(struct pipe *pi, uint64 addr, int n);

#endif
