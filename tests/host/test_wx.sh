#!/bin/sh
# Build test: lazyos's own programs are W^X. No LOAD segment of a program
# in the user build folder may be both writable and executable (only
# foreign `ld -N` images are, and exec loads those with a warning).
#
#   tests/host/test_wx.sh USER-BUILD-DIR     (e.g. build/user)
set -u
dir=${1:-}
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "usage: tests/host/test_wx.sh USER-BUILD-DIR" >&2
    exit 2
fi
readelf=riscv64-unknown-elf-readelf
command -v "$readelf" >/dev/null 2>&1 || readelf=readelf
pass=0 fail=0
for prog in "$dir"/_*; do
    [ -f "$prog" ] || continue
    # Flags are the column before the alignment: e.g. "R E", "RW ", "RWE".
    if ! "$readelf" -lW "$prog" > /dev/null 2>&1; then
        echo "FAIL $prog: not an ELF file readelf can read"
        fail=$((fail + 1))
    elif "$readelf" -lW "$prog" | awk '$1 == "LOAD" && /RWE/ { bad = 1 }
            END { exit !bad }'; then
        echo "FAIL $prog: a LOAD segment is writable and executable"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
[ $((pass + fail)) -gt 0 ] || { echo "FAIL no programs in $dir"; fail=1; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
