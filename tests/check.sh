#!/bin/sh
# Runs every test tier for one board and prints one total line at the end.
# usage: tests/check.sh BOARD    (run by `make check`, after the build)
set -u
board=${1:?usage: tests/check.sh BOARD}
out=build/$board/check
mkdir -p "$out"
total_pass=0 total_fail=0 total_skip=0
failed_steps=""

# Adds the counts from the last "N passed, N failed" line of a log.
tally() { # name log status
    line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
    p=$(echo "$line" | sed -E 's/^(.*[^0-9])?([0-9]+) passed.*/\2/')
    f=$(echo "$line" | sed -E 's/^.* ([0-9]+) failed.*/\1/')
    s=0
    case "$line" in
    *skipped*) s=$(echo "$line" | sed -E 's/^.* ([0-9]+) skipped.*/\1/') ;;
    esac
    if [ -z "$line" ]; then
        p=0 f=1
        echo "check: $1 printed no result line (exit $3); see $2"
    elif [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "check: $1 exited $3; see $2"
    elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
        f=1
        echo "check: $1 ran no test; see $2"
    fi
    echo "check: $1: $p passed, $f failed, $s skipped"
    [ "$f" -eq 0 ] || failed_steps="$failed_steps $1:$2"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    total_skip=$((total_skip + s))
}

run() { # name command...
    name=$1
    shift
    log=$out/$name.log
    echo "check: running $name"
    # A bounded loop that regresses must fail the run, not hang it. The
    # QEMU scripts judge progress (console silence) themselves: a wall-clock
    # limit would fail a correct kernel on a slow host, so theirs is a day.
    limit=900
    [ "$1" = python3 ] && limit=86400
    timeout $limit "$@" > "$log" 2>&1
    status=$?
    grep -E 'FAIL|fail:' "$log" | grep -v ' 0 failed' | head -n 20
    tally "$name" "$log" $status
}

# The lazy-memory part of usertests, also run on the boards' boot path.
lazy_tests="mem_* fault_*"

run host-fdt build/host/test_fdt ../shared/dtb
run host-vm build/host/test_vm
run host-region build/host/test_region
run host-mshare build/host/test_mshare
run host-boards build/host/test_boards ../shared/dtb
run host-sd-spi build/host/test_sd_spi
run host-dw-mshc build/host/test_dw_mshc ../shared/dtb
run host-uart-dw build/host/test_uart_dw ../shared/dtb
run host-uart-sifive build/host/test_uart_sifive ../shared/dtb
run host-mkfs bash tests/host/test_mkfs.sh build/host/mkfs build/host/fsck
run host-flash bash tests/host/test_flash.sh
run host-guest python3 tests/smoke/test_guest.py
run host-wx sh tests/host/test_wx.sh build/user
if [ "$board" = qemu-virt ]; then
    # Each boot gets a fresh copy of the images: the tests write to them.
    cp "build/$board/fs.img" "$out/disk.img"
    cp "build/$board/fs.img" "$out/initrd.img"
    cp "build/$board/sd.img" "$out/sd.img"
    run smoke-virt python3 tests/smoke/smoke.py --log "$out/console-virt.log" \
        --readme README.md --suite usertests \
        --suite "usertests -fuzz 20000" -- \
        $(make -s --no-print-directory BOARD="$board" print-qemu \
            DISK_IMG="$out/disk.img")
    # Everything usertests did to the disk must leave a consistent file system.
    run fsck-after-usertests sh -c \
        "build/host/fsck '$out/disk.img' && echo '1 passed, 0 failed' ||
         echo '0 passed, 1 failed'"
    # Crash test: SIGKILL QEMU at random moments of a write-heavy workload,
    # recover, compare with fsck against what the workload printed.
    cp "build/$board/fs.img" "$out/crash.img"
    run crash python3 tests/crash/crash.py --cuts 10 \
        --image "$out/crash.img" --fsck build/host/fsck \
        --log "$out/console-crash.log" -- \
        $(make -s --no-print-directory BOARD="$board" print-qemu \
            DISK_IMG="$out/crash.img")
    # Harts without Sstc: the clock must come through SBI set_timer.
    cp "build/$board/fs.img" "$out/disk-nosstc.img"
    run smoke-no-sstc python3 tests/smoke/smoke.py \
        --log "$out/console-nosstc.log" \
        --suite "usertests proc_sleep_ticks proc_uptime smp_preempt" -- \
        $(make -s --no-print-directory BOARD="$board" print-qemu \
            DISK_IMG="$out/disk-nosstc.img") -cpu rv64,sstc=off
    # No disk at all: the file system comes as an initrd, as a board whose
    # storage driver fails would boot.
    run smoke-initrd python3 tests/smoke/smoke.py \
        --log "$out/console-initrd.log" --readme README.md -- \
        $(make -s --no-print-directory BOARD="$board" print-qemu \
            QEMU_DISK="-initrd $out/initrd.img")
    # The board flow: OpenSBI fw_jump, U-Boot, boot.scr and booti from the
    # SD image flash.sh makes, file system found in its GPT partition.
    run smoke-uboot python3 tests/smoke/uboot.py --shell --readme README.md \
        --suite "usertests $lazy_tests" \
        --image "$out/sd.img" --log "$out/console-uboot.log"
fi

if [ "$board" = qemu-virt ]; then
    # The HiFive Unleashed model: SiFive UART, file system on an SD card
    # over SPI, hart 0 without an MMU. Its firmware cannot power off.
    b=qemu-sifive-u
    if make -s --no-print-directory BOARD=$b all sd-image > "$out/build-$b.log" 2>&1; then
        cp "build/$b/sd.img" "$out/sd-$b.img"
        run smoke-sifive-u python3 tests/smoke/smoke.py --no-poweroff \
            --log "$out/console-$b.log" --readme README.md --suite usertests -- \
            $(make -s --no-print-directory BOARD=$b print-qemu \
                DISK_IMG="$out/sd-$b.img")
    else
        echo "check: building $b failed; see $out/build-$b.log"
        total_fail=$((total_fail + 1))
    fi
fi

# The console as a person uses it (tests/smoke/console.py): ^C on jobs in
# every kind of wait, editing keys and history, a pasted 1,000-byte line,
# sleep/time/uptime/kill; on virt and on sifive_u (SiFive UART).
if [ "$board" = qemu-virt ]; then
    cp "build/$board/fs.img" "$out/disk-console.img"
    run smoke-console python3 tests/smoke/console.py \
        --log "$out/console-console.log" -- \
        $(make -s --no-print-directory BOARD="$board" print-qemu \
            DISK_IMG="$out/disk-console.img")
    b=qemu-sifive-u
    if [ -f "build/$b/sd.img" ]; then
        cp "build/$b/sd.img" "$out/sd-console-$b.img"
        run smoke-console-sifive-u python3 tests/smoke/console.py \
            --no-poweroff --log "$out/console-console-$b.log" -- \
            $(make -s --no-print-directory BOARD=$b print-qemu \
                DISK_IMG="$out/sd-console-$b.img")
    fi
fi

if [ "$board" = qemu-virt ]; then
    # Boards QEMU cannot run must at least build, with a valid Image header.
    for b in visionfive2 hifive-unmatched; do
        run "build-$b" sh -c "make -s --no-print-directory BOARD=$b all &&
            ./flash.sh --board $b --image build/$b/sd.img.tmp >/dev/null &&
            rm -f build/$b/sd.img.tmp && echo '1 passed, 0 failed' ||
            echo '0 passed, 1 failed'"
    done
fi

# Board files and the VisionFive 2 boot path (issue 7): uEnv.txt within the
# vendor's import limit; boot.cmd's tree fix-ups run by QEMU virt's U-Boot
# on the vendor U-Boot's tree.
run host-board-files bash tests/host/test_board_files.sh
run host-spi-clock build/host/test_spi_clock ../shared/dtb
if [ "$board" = qemu-virt ]; then
    run smoke-vf2-fdt python3 tests/smoke/vf2_fdt.py --dtb-dir ../shared/dtb \
        --log "$out/console-vf2-fdt.log" --machine-dump build/host/machine_dump
    # The console and storage lines of the boot log, and what a boot that
    # stops for want of a root file system says (expected, found, try).
    run smoke-bootlog python3 tests/smoke/bootlog.py \
        --fs "build/$board/fs.img" --workdir "$out"
fi

if [ "$board" = qemu-virt ]; then
    # Hart bring-up: every hart entering the kernel at once (our test
    # firmware, with and without HSM), an HSM that never starts hart 2 or
    # starts it late,
    # doctored trees whose hart says okay + sv39 but has no S-mode (or, on
    # sifive_u, no F/D), and a loop of plain boots.
    qemu_with() { # bios disk
        make -s --no-print-directory BOARD="$board" print-qemu \
            QEMU_BIOS="$1" DISK_IMG="$2"
    }
    for m in all nohsm lie late; do
        cp "build/$board/fs.img" "$out/disk-loader-$m.img"
    done
    run hartboot-entry-all python3 tests/smoke/hartboot.py --harts 4 \
        --log "$out/console-entry-all.log" -- \
        $(qemu_with build/loader/loader-all.elf "$out/disk-loader-all.img")
    run hartboot-entry-nohsm python3 tests/smoke/hartboot.py --harts 4 \
        --log "$out/console-entry-nohsm.log" -- \
        $(qemu_with build/loader/loader-nohsm.elf "$out/disk-loader-nohsm.img")
    run hartboot-hsm-lie python3 tests/smoke/hartboot.py --harts 3 \
        --skip "2:did not arrive" --log "$out/console-hsm-lie.log" -- \
        $(qemu_with build/loader/loader-lie.elf "$out/disk-loader-lie.img")
    # Hart 2 starts only once the kernel gave up on it and gave its cpu slot
    # to hart 3: the gate at secondary_entry must turn it back.
    run hartboot-hsm-late python3 tests/smoke/hartboot.py --harts 3 \
        --skip "2:did not arrive" --expect "hart 2 stopped by the kernel" \
        --log "$out/console-hsm-late.log" -- \
        $(qemu_with build/loader/loader-late.elf "$out/disk-loader-late.img")
    cp "build/$board/fs.img" "$out/disk-no-smode.img"
    run hartboot-no-smode python3 tests/smoke/hartboot.py --harts 3 \
        --skip "2:no S-mode" --log "$out/console-no-smode.log" \
        --fdtput "/cpus/cpu@2 riscv,isa rv64imacu" \
        --fdtput "/cpus/cpu@2 mmu-type riscv,sv39" -- \
        $(qemu_with default "$out/disk-no-smode.img")
    if [ -f build/qemu-sifive-u/sd.img ]; then
        cp build/qemu-sifive-u/sd.img "$out/sd-hart0.img"
        run hartboot-sifive-u-hart0 python3 tests/smoke/hartboot.py \
            --harts 4 --skip "0:F, D" --no-poweroff \
            --log "$out/console-sifive-u-hart0.log" \
            --fdtput "/cpus/cpu@0 mmu-type riscv,sv39" -- \
            $(make -s --no-print-directory BOARD=qemu-sifive-u print-qemu \
                DISK_IMG="$out/sd-hart0.img")
    fi
    cp "build/$board/fs.img" "$out/disk-bootloop.img"
    run bootloop python3 tests/smoke/bootloop.py --boots 30 --jobs 2 \
        --log-dir "$out/bootloop" -- \
        $(qemu_with default "$out/disk-bootloop.img")
fi

# CI shows only the tail of this output: repeat what failed, with the
# lines that say why, just above the total.
for step in $failed_steps; do
    echo "check: FAILED ${step%%:*} (log ${step#*:}):"
    grep -E 'FAIL|fail:|panic|timed out|no progress' "${step#*:}" 2>/dev/null |
        grep -v ' 0 failed' | head -n 8 | sed 's/^/check:   /'
done
[ "$total_skip" -eq 0 ] ||
    echo "check: $total_skip tests skipped (no ../shared/dtb?)"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
