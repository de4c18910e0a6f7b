// Open files (pipes, inodes, devices) and the device switch.
#ifndef LAZYOS_FILE_H
#define LAZYOS_FILE_H

#include "types.h"
#include "param.h"

struct pipe;
struct inode;
struct stat;

struct file {
    enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE } type;
    int ref;
    char readable;
    char writable;
    struct pipe *pipe; // FD_PIPE
    struct inode *ip;  // FD_INODE and FD_DEVICE
    uint off;          // FD_INODE
    short major;       // FD_DEVICE
};

// Device drivers behind T_DEVICE inodes, by major number.
struct devsw {
    int (*read)(int user_dst, uint64 dst, int n);
    int (*write)(int user_src, uint64 src, int n);
};
extern struct devsw devsw[NDEV];
#define CONSOLE 1

void fileinit(void);
struct file *filealloc(void); // 0 when the table is full
struct file *filedup(struct file *f);
void fileclose(struct file *f);
int fileread(struct file *f, uint64 addr, int n);  // user address; -1 on error
int filewrite(struct file *f, uint64 addr, int n);
int filestat(struct file *f, uint64 addr);         // copies struct stat out

// Pipes (kernel/pipe.c).
int pipealloc(struct file **f0, struct file **f1); // 0 or -1
void pipeclose(struct pipe *pi, int writable);
int pipewrite(struct pipe *pi, uint64 addr, int n);
int piperead(struct pipe *pi, uint64 addr, int n);

#endif
