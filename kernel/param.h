// System-wide limits. The user-visible ones (NOFILE, MAXARG, MAXPATH, NPROC)
// are part of the xv6 ABI and must not change.
#ifndef LAZYOS_PARAM_H
#define LAZYOS_PARAM_H

#define NPROC 64          // processes; fork fails with -1 beyond
#define NCPU 8            // harts the kernel will run on at most
#define NOFILE 16         // open files per process
#define NFILE 100         // open files in the whole system
#define NINODE 200        // in-memory inodes (> NFILE + NPROC)
#define NDEV 10           // device major numbers
#define ROOTDEV 1         // device number of the root file system
#define MAXARG 32         // exec arguments
#define MAXPATH 128       // path length, including the NUL
#define USERSTACK 1       // user stack pages (xv6 layout: one page)

#endif
