// Fixed-width integer names shared by the kernel, user programs and host tools.
// Part of the user ABI: xv6 programs include "kernel/types.h" first.
#ifndef LAZYOS_TYPES_H
#define LAZYOS_TYPES_H

#ifndef __ASSEMBLER__

typedef unsigned int uint;
typedef unsigned short ushort;
typedef unsigned char uchar;

typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long uint64;
typedef long int64;

#ifndef NULL
#define NULL ((void *)0)
#endif

#endif /* __ASSEMBLER__ */
#endif

