// The user-space API: system calls and the small C library (user/ulib.c,
// printf.c, umalloc.c). Signatures match xv6-riscv so its programs build
// unchanged against "kernel/types.h", "kernel/stat.h", "user/user.h".
#ifndef LAZYOS_USER_H
#define LAZYOS_USER_H

struct stat;
struct meminfo;
struct procinfo;

// System calls (stubs generated from kernel/syscall.tbl).
int fork(void);
int exit(int) __attribute__((noreturn));
int wait(int *);
int pipe(int *);
int write(int, const void *, int);
int read(int, void *, int);
int close(int);
int kill(int);
int exec(const char *, char **);
int open(const char *, int);
int mknod(const char *, short, short);
int unlink(const char *);
int fstat(int fd, struct stat *);
int link(const char *, const char *);
int mkdir(const char *);
int chdir(const char *);
int dup(int);
int getpid(void);
char *sbrk(int);
int sleep(int);
int uptime(void);
// Ours.
int halt(int status);               // powers off; status reaches QEMU's exit code where it can
int meminfo(struct meminfo *);      // system and caller memory counters
int procinfo(struct procinfo *, int max); // fills up to max entries, returns the count
// Job control (kernel/jobs.h, docs/processes.md).
struct usage;
int setpgid(int pid, int pgid);     // pid 0: caller; pgid 0: a group named pid
int getpgid(int pid);               // pid 0: caller
int fgpgrp(int pgid);               // the group ^C kills; 0: none
int consmode(int mode);             // CONSOLE_COOKED or CONSOLE_RAW; old mode
int waitusage(int *status, struct usage *u); // wait() plus what the child used
int killpg(int pgid);               // kill every process of the group
// Memory mappings (constants and struct vmmap in kernel/mm/mmap_abi.h).
struct vmmap;
void *mmap(void *addr, uint64 len, int prot, int flags, int fd, uint64 off);
int munmap(void *addr, uint64 len);  // 0, or -1 for a bad range
int msync(void *addr, uint64 len, int flags); // writes MAP_SHARED pages back
int vminfo(int pid, struct vmmap *); // a process's regions (0: the caller)
int vmtrace(int pid, int on);        // fault tracing for pid (0: the caller); old setting

// ulib.c
int stat(const char *, struct stat *);
char *strcpy(char *, const char *);
void *memmove(void *, const void *, int);
char *strchr(const char *, char c);
int strcmp(const char *, const char *);
int strncmp(const char *, const char *, uint);
void fprintf(int, const char *, ...) __attribute__((format(printf, 2, 3)));
void printf(const char *, ...) __attribute__((format(printf, 1, 2)));
char *gets(char *, int max);
uint strlen(const char *);
void *memset(void *, int, uint);
int atoi(const char *);
int memcmp(const void *, const void *, uint);
void *memcpy(void *, const void *, uint);

// umalloc.c
void *malloc(uint);
void free(void *);

#endif
