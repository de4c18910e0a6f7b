// What a hart's ISA description in the device tree says, reduced to what
// the kernel asks of a hart. Pure string parsing: no tree, no allocator.
#ifndef LAZYOS_HART_ISA_H
#define LAZYOS_HART_ISA_H

#include "types.h"

#define ISA_LETTER(c) (1u << ((c) - 'a'))

struct hart_isa {
    uint32 letters; // ISA_LETTER(c) for each single-letter extension c
    uint8 rv64;     // the base is RV64 (I or E: see letters)
    uint8 s_ext;    // a multi-letter extension of the S family (Sstc, Svpbmt)
    uint8 zicsr;
    uint8 zifencei;
    uint8 sstc;
};

// Parses a "riscv,isa" string of len bytes (NUL or len ends it): "rv64",
// single letters, then '_'-separated multi-letter extensions, in any case.
// Always fills *isa; returns 0, or -1 if the string does not start with
// "rv32" or "rv64" (the description is then empty).
int isa_parse_string(const char *s, uint32 len, struct hart_isa *isa);

// Parses the newer pair "riscv,isa-base" (a string such as "rv64i") and
// "riscv,isa-extensions" (len bytes of NUL-separated names). Always fills
// *isa; returns 0, or -1 if the base is not "rv32i/e" or "rv64i/e".
int isa_parse_list(const char *base, const char *list, uint32 len,
                   struct hart_isa *isa);

// NULL if a hart with this ISA can run the kernel, else why not (a
// constant phrase for the boot log). mmu_paging: the tree's mmu-type names
// Sv39 or a larger mode, which implies Sv39.
const char *isa_why_unusable(const struct hart_isa *isa, int mmu_paging);

#endif
