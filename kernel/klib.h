// Freestanding memory and string helpers for the kernel (no libc here).
#ifndef LAZYOS_KLIB_H
#define LAZYOS_KLIB_H

#include "types.h"

void *memset(void *dst, int c, uint64 n);
void *memmove(void *dst, const void *src, uint64 n);
void *memcpy(void *dst, const void *src, uint64 n);
int memcmp(const void *a, const void *b, uint64 n);
uint64 strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, uint64 n);
char *strncpy(char *dst, const char *src, uint64 n);
// Copies at most n-1 bytes and always NUL-terminates (n > 0).
char *safestrcpy(char *dst, const char *src, int n);
// Zeroes one page-aligned page, 512 bytes per loop iteration.
void page_zero(void *page);
// Copies one page-aligned page, 64 bytes per loop iteration.
void page_copy(void *dst, const void *src);

#endif
