#!/bin/sh
# Generates, from kernel/syscall.tbl, the user stubs (usys.S), the kernel's
# numbers (syscall_nr.h) and its dispatch table (syscall_table.h).
# usage: gen-syscalls.sh TABLE OUTDIR
set -eu
[ $# -eq 2 ] || { echo "usage: $0 TABLE OUTDIR" >&2; exit 2; }
tbl=$1 out=$2
mkdir -p "$out"
entries=$(grep -v '^[[:space:]]*#' "$tbl" | awk 'NF == 2 { print $1, $2 }')
{
    echo "// Generated from $tbl by tools/gen-syscalls.sh: do not edit."
    echo "$entries" | while read -r n name; do
        printf '.globl %s\n%s:\n    li a7, %s\n    ecall\n    ret\n' "$name" "$name" "$n"
    done
} > "$out/usys.S"
{
    echo "// Generated from $tbl by tools/gen-syscalls.sh: do not edit."
    echo "$entries" | while read -r n name; do
        echo "#define SYS_$name $n"
    done
    # Every call as X(number, name), for code that walks the whole table
    # (the in-guest fuzzer), so a new call needs no edit there.
    printf '#define SYS_LIST(X)'
    echo "$entries" | while read -r n name; do
        printf ' \\\n    X(%s, %s)' "$n" "$name"
    done
    echo
} > "$out/syscall_nr.h"
max=$(echo "$entries" | awk '$1 > m { m = $1 } END { print m + 1 }')
{
    echo "// Generated from $tbl by tools/gen-syscalls.sh: do not edit."
    echo "#include \"syscall_nr.h\""
    echo "$entries" | while read -r n name; do echo "uint64 sys_$name(void);"; done
    echo "#define NELEM_SYSCALLS $max"
    echo "static uint64 (*const syscall_table[NELEM_SYSCALLS])(void) = {"
    echo "$entries" | while read -r n name; do echo "    [SYS_$name] = sys_$name,"; done
    echo "};"
} > "$out/syscall_table.h"
