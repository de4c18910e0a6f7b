// Helpers the file-system system calls share (kernel/fs/sys_fd.c).
#ifndef LAZYOS_SYSFS_H
#define LAZYOS_SYSFS_H

struct file;

// The open file behind descriptor argument n (its number in *pfd if pfd):
// 0, or -1 for a descriptor out of range or not open.
int argfd(int n, int *pfd, struct file **pf);
// Gives f the caller's lowest free descriptor; -1 when all NOFILE are used
// (f keeps the caller's reference either way).
int fdalloc(struct file *f);

#endif
