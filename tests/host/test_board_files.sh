#!/usr/bin/env bash
# Host test of the boards' U-Boot files and docs: the VisionFive 2 uEnv.txt
# stays far below the vendor U-Boot's import limit, every line of it is a
# variable, each boot.cmd compiles with mkimage, and the board READMEs say
# what a first boot needs. Ends "N passed, N failed".
#
#   tests/host/test_board_files.sh
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
UENV=$ROOT/boards/visionfive2/uEnv.txt
# The vendor U-Boot runs `env import ${distroloadaddr} 200`: 0x200 bytes.
IMPORT_LIMIT=512
# Our own bound: half the limit, so an added variable cannot cut off the
# last one unnoticed. Comments belong in boards/visionfive2/README.md.
BUDGET=256
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)) && echo "FAIL: $*"; }

size=$(stat -c %s "$UENV")
if [ "$size" -le "$BUDGET" ]; then ok; else
    bad "uEnv.txt is $size bytes; keep it <= $BUDGET (import limit $IMPORT_LIMIT)"
fi
# What the vendor imports: the first 512 bytes, as text lines.
head -c "$IMPORT_LIMIT" "$UENV" >"${TMPDIR:-/tmp}/uenv.$$"
if grep -qvE '^[A-Za-z_][A-Za-z0-9_]*=' "${TMPDIR:-/tmp}/uenv.$$"; then
    bad "uEnv.txt has a line that is not name=value (a comment?)"
else
    ok
fi
if grep -qE '^bootcmd_lazyos=.*source \$\{scriptaddr\}$' \
    "${TMPDIR:-/tmp}/uenv.$$"; then ok; else
    bad "bootcmd_lazyos is not whole within the first $IMPORT_LIMIT bytes"
fi
rm -f "${TMPDIR:-/tmp}/uenv.$$"
[ "$(tail -c 1 "$UENV" | od -An -tx1 | tr -d ' ')" = 0a ] && ok ||
    bad "uEnv.txt does not end in a newline (the last line may be lost)"

for cmd in "$ROOT"/boards/*/boot.cmd; do
    if mkimage -A riscv -O linux -T script -C none -d "$cmd" \
        "${TMPDIR:-/tmp}/boot.scr.$$" >/dev/null 2>&1; then ok; else
        bad "mkimage refuses $cmd"
    fi
    rm -f "${TMPDIR:-/tmp}/boot.scr.$$"
done

# The board READMEs carry what a first boot needs (issue 7, item 9).
# doc_has FILE PATTERN WHAT: FILE's text matches PATTERN.
doc_has() {
    if tr '\n' ' ' <"$ROOT/$1" | grep -qE -- "$2"; then ok; else
        bad "$1 does not say $3"
    fi
}
for b in visionfive2 hifive-unmatched; do
    doc_has "boards/$b/README.md" '## First boot' "what a first boot shows"
    doc_has "boards/$b/README.md" 'root file system found' \
        "the kernel's storage lines"
done
doc_has boards/visionfive2/README.md 'MSEL\[1:0\] = +10' "the SD boot switches"
doc_has boards/visionfive2/README.md 'u-boot-spl\.bin\.normal\.out' \
    "which SPL file --spl wants"
doc_has boards/visionfive2/README.md 'What the kernel trusts' \
    "where the memory size comes from"
doc_has boards/hifive-unmatched/README.md 'NVMe' "that NVMe/USB boot first"
doc_has boards/hifive-unmatched/README.md 'satp` = 0' "what --jtag sets up"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
