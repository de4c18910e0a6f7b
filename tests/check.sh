#!/bin/sh
# Runs every test tier for one board and prints one total line at the end.
# usage: tests/check.sh BOARD    (run by `make check`, after the build)
set -u
board=${1:?usage: tests/check.sh BOARD}
out=build/$board/check
mkdir -p "$out"
total_pass=0 total_fail=0

# Adds the counts from the last "N passed, N failed" line of a log.
tally() { # name log status
    line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
    p=$(echo "$line" | sed -E 's/^(.*[^0-9])?([0-9]+) passed.*/\2/')
    f=$(echo "$line" | sed -E 's/^.* ([0-9]+) failed.*/\1/')
    if [ -z "$line" ]; then
        p=0 f=1
        echo "check: $1 printed no result line (exit $3); see $2"
    elif [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "check: $1 exited $3; see $2"
    fi
    echo "check: $1: $p passed, $f failed"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}

run() { # name command...
    name=$1
    shift
    log=$out/$name.log
    echo "check: running $name"
    "$@" > "$log" 2>&1
    status=$?
    grep -E 'FAIL|fail:' "$log" | grep -v ' 0 failed' | head -n 20
    tally "$name" "$log" $status
}

run host-fdt build/host/test_fdt ../shared/dtb
run host-vm build/host/test_vm
run host-mkfs bash tests/host/test_mkfs.sh build/host/mkfs build/host/fsck
run host-flash bash tests/host/test_flash.sh
if [ "$board" = qemu-virt ]; then
    run smoke-virt python3 tests/smoke/smoke.py --log "$out/console-virt.log" \
        --readme README.md --suite usertests -- \
        $(make -s --no-print-directory BOARD="$board" print-qemu)
    # No disk at all: the file system comes as an initrd, as a board whose
    # storage driver fails would boot.
    run smoke-initrd python3 tests/smoke/smoke.py \
        --log "$out/console-initrd.log" --readme README.md -- \
        $(make -s --no-print-directory BOARD="$board" print-qemu \
            QEMU_DISK="-initrd build/$board/fs.img")
    # The board flow: OpenSBI fw_jump, U-Boot, boot.scr and booti from the
    # SD image flash.sh makes, file system found in its GPT partition.
    run smoke-uboot python3 tests/smoke/uboot.py --shell \
        --image "build/$board/sd.img" --log "$out/console-uboot.log"
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
