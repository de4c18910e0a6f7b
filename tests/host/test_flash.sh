#!/usr/bin/env bash
# Host test of flash.sh: builds the SD image of every board from a fake
# kernel and file system, then reads the partition table, the FAT and the
# file-system partition back; checks refusals, usage errors and --jtag.
#
#   tests/host/test_flash.sh     (no root needed; as root it also writes a
#                                 loop device)
#
# "A && ok || bad" is safe here (ok always succeeds); '$a0' etc. are literal.
# shellcheck disable=SC2015,SC2016
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FLASH=$ROOT/flash.sh
TMP=$(mktemp -d)
LOOP=''
cleanup() {
    [ -z "$LOOP" ] || losetup -d "$LOOP"
    rm -rf "$TMP"
}
trap cleanup EXIT
pass=0 fail=0 skip=0
LAZYOS_FS_TYPE=F1CC0AAE-49E9-4270-9FD2-368917065D54
FAT_TYPE=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)) && echo "FAIL: $*"; }
skipped() { skip=$((skip + 1)) && echo "skip: $*"; }
check() { # name command...: passes when the command succeeds
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then ok; else bad "$name"; fi
}

# expect STATUS PATTERN NAME -- CMD...: CMD exits STATUS and prints PATTERN.
expect() {
    local want=$1 pattern=$2 name=$3 out status
    shift 4
    out=$("$@" 2>&1 </dev/null)
    status=$?
    if [ "$status" -ne "$want" ]; then
        bad "$name: exit $status, want $want: $(tail -n 3 <<<"$out")"
    elif ! tr '\n' ' ' <<<"$out" | grep -qiE -- "$pattern"; then
        bad "$name: output lacks /$pattern/: $(tail -n 3 <<<"$out")"
    else
        ok
    fi
}

# ---- inputs: a kernel with the RISC-V Image magic, a random fs image ----
KERNEL=$TMP/kernel.bin
FS=$TMP/fs.img
{
    head -c 56 /dev/zero
    printf 'RSC\005'
    head -c 70000 /dev/urandom
} >"$KERNEL"
head -c $((3 * 1048576 + 4096)) /dev/urandom >"$FS" # not a whole MiB
head -c 5000 /dev/urandom >"$TMP/initrd"
head -c 3000 /dev/urandom >"$TMP/board.dtb"

# ---- reading an image ----
# part_field IMG N FIELD: a line of `sgdisk -i N`, e.g. "First sector".
part_field() {
    sgdisk -i "$2" "$1" | sed -n "s/^$3: *//p" | cut -d' ' -f1
}
part_count() { sgdisk -p "$1" | awk '/^Number/ { n = 1; next } n' | wc -l; }
# fat_get IMG PART NAME OUT: copies NAME out of the FAT in partition PART.
fat_get() {
    local off=$(($(part_field "$1" "$2" 'First sector') * 512))
    rm -f "$4" # never compare against an earlier board's copy
    MTOOLS_SKIP_CHECK=1 mcopy -n -i "$1@@$off" "::$3" "$4"
}

# Expected FAT partition per board; other boards: what board.mk says.
fat_part_of() {
    case $1 in
    qemu-virt | qemu-sifive-u) echo 1 ;;
    visionfive2 | hifive-unmatched) echo 3 ;;
    *) sed -n 's/^UBOOT_FAT_PART *:*= *//p' "$ROOT/boards/$1/board.mk" ;;
    esac
}

check_size() { # board image: QEMU's SD card wants a power of two
    local size
    size=$(stat -c %s "$2")
    [ $((size & (size - 1))) -eq 0 ] && ok || bad "$1: size $size not 2^n"
}

check_layout() { # board image
    local b=$1 img=$2 n fat
    n=$(part_count "$img")
    fat=$(fat_part_of "$b")
    [ "$n" -eq $((fat + 1)) ] && ok ||
        bad "$b: $n partitions, want FAT $fat + file system"
    [ "$(part_field "$img" "$fat" 'Partition GUID code')" = "$FAT_TYPE" ] &&
        ok || bad "$b: partition $fat is not a FAT (basic data) partition"
    # Bit 2, legacy BIOS bootable: U-Boot's scan then looks at it.
    [ "$(part_field "$img" "$fat" 'Attribute flags')" = 0000000000000004 ] &&
        ok || bad "$b: FAT partition $fat not marked bootable"
    [ "$(part_field "$img" "$n" 'Partition GUID code')" = "$LAZYOS_FS_TYPE" ] &&
        ok || bad "$b: last partition $n is not of the lazyos type"
    sgdisk -v "$img" | grep -q 'No problems found' && ok ||
        bad "$b: sgdisk -v finds problems"
}

check_fat() { # board image
    local b=$1 img=$2 fat
    fat=$(fat_part_of "$b")
    if fat_get "$img" "$fat" kernel.bin "$TMP/out.kernel" &&
        cmp -s "$TMP/out.kernel" "$KERNEL"; then ok; else
        bad "$b: kernel.bin in the FAT differs"
    fi
    if [ -f "$ROOT/boards/$b/boot.cmd" ]; then
        # A legacy script image: 64-byte header, 8 bytes of length list.
        if fat_get "$img" "$fat" boot.scr "$TMP/boot.scr" &&
            dumpimage -l "$TMP/boot.scr" | grep -q 'Script' &&
            tail -c +73 "$TMP/boot.scr" | grep -q '^booti .*kernel_addr_r' &&
            tail -c +73 "$TMP/boot.scr" | grep -q 'kernel_addr_r} kernel.bin'
        then ok; else bad "$b: boot.scr missing or without booti/kernel.bin"; fi
    elif fat_get "$img" "$fat" boot.scr "$TMP/boot.scr" 2>/dev/null; then
        bad "$b: boot.scr on a board without boot.cmd"
    else ok; fi
}

check_fs_part() { # board image
    local b=$1 img=$2 n first
    n=$(part_count "$img")
    first=$(part_field "$img" "$n" 'First sector')
    dd if="$img" bs=512 skip="$first" count=$(($(stat -c %s "$FS") / 512)) \
        status=none | cmp -s - "$FS" && ok ||
        bad "$b: file-system partition does not hold fs.img"
}

# ---- every board ----
for mk in "$ROOT"/boards/*/board.mk; do
    b=$(basename "$(dirname "$mk")")
    img=$TMP/$b.img
    if ! "$FLASH" --board "$b" --image "$img" --kernel "$KERNEL" --fs "$FS" \
        >"$TMP/$b.log" 2>&1; then
        bad "$b: flash.sh failed: $(tail -n 3 "$TMP/$b.log")"
        continue
    fi
    ok
    check_size "$b" "$img"
    check_layout "$b" "$img"
    check_fat "$b" "$img"
    check_fs_part "$b" "$img"
done

# Board-specific facts (shared/BOARDS.md): where the U-Boot pieces go.
img=$TMP/hifive-unmatched.img
[ "$(part_field "$img" 1 'First sector')" = 34 ] &&
    [ "$(part_field "$img" 1 'Partition GUID code')" = \
        5B193300-FC78-40CD-8002-E86C45580B47 ] &&
    [ "$(part_field "$img" 2 'First sector')" = 2082 ] && ok ||
    bad "unmatched: SPL partition not at 34 / U-Boot not at sector 2082"
img=$TMP/visionfive2.img
[ "$(part_field "$img" 1 'First sector')" = 4096 ] &&
    [ "$(part_field "$img" 2 'First sector')" = 8192 ] &&
    [ "$(part_field "$img" 3 'First sector')" = 16384 ] && ok ||
    bad "visionfive2: not SPL @2 MiB, U-Boot @4 MiB, FAT @8 MiB"
if fat_get "$img" 3 uEnv.txt "$TMP/uEnv.txt" &&
    grep -q '^boot_targets=lazyos$' "$TMP/uEnv.txt" &&
    grep -q 'load mmc 1:3 ${scriptaddr} boot.scr' "$TMP/uEnv.txt"; then
    ok
else
    bad "visionfive2: uEnv.txt missing or not running boot.scr from mmc 1:3"
fi

# ---- optional files ----
img=$TMP/extras.img
head -c 9000 /dev/urandom >"$TMP/spl"
head -c 200000 /dev/urandom >"$TMP/uboot"
if "$FLASH" --board hifive-unmatched --image "$img" --kernel "$KERNEL" \
    --fs "$FS" --initrd "$TMP/initrd" --dtb "$TMP/board.dtb" \
    --spl "$TMP/spl" --uboot "$TMP/uboot" >/dev/null 2>&1; then
    fat_get "$img" 3 initrd "$TMP/out.initrd" &&
        cmp -s "$TMP/out.initrd" "$TMP/initrd" && ok ||
        bad "--initrd: FAT initrd differs"
    fat_get "$img" 3 lazyos.dtb "$TMP/out.dtb" &&
        cmp -s "$TMP/out.dtb" "$TMP/board.dtb" && ok ||
        bad "--dtb: FAT lazyos.dtb differs"
    dd if="$img" bs=512 skip=34 count=18 status=none |
        head -c 9000 | cmp -s - "$TMP/spl" && ok || bad "--spl not at sector 34"
    dd if="$img" bs=512 skip=2082 count=391 status=none |
        head -c 200000 | cmp -s - "$TMP/uboot" && ok ||
        bad "--uboot not at sector 2082"
else
    bad "flash.sh with --initrd --dtb --spl --uboot failed"
fi
head -c 2000000 /dev/urandom >"$TMP/bigspl"
expect 1 "does not fit" "SPL larger than its partition" -- \
    "$FLASH" --board hifive-unmatched --image "$TMP/x.img" --kernel "$KERNEL" \
    --fs "$FS" --spl "$TMP/bigspl"
expect 1 "no U-Boot partitions" "--spl on a board without them" -- \
    "$FLASH" --board qemu-virt --image "$TMP/x.img" --kernel "$KERNEL" \
    --fs "$FS" --spl "$TMP/spl"

# ---- bad inputs ----
head -c 4096 /dev/urandom >"$TMP/notimage"
expect 1 "not a RISC-V Image" "kernel without the Image magic" -- \
    "$FLASH" --board qemu-virt --image "$TMP/x.img" --kernel "$TMP/notimage" \
    --fs "$FS"
expect 1 "make BOARD=qemu-virt" "missing kernel names the make command" -- \
    "$FLASH" --board qemu-virt --image "$TMP/x.img" --kernel "$TMP/none" \
    --fs "$FS"
expect 1 "make BOARD=visionfive2" "missing fs.img names the make command" -- \
    "$FLASH" --board visionfive2 --image "$TMP/x.img" --kernel "$KERNEL" \
    --fs "$TMP/none"
[ ! -e "$TMP/x.img" ] && ok || bad "a failed run left its image behind"

# ---- usage errors: exit 2 with the usage text ----
F=(--kernel "$KERNEL" --fs "$FS")
expect 0 "^usage: flash.sh" "--help" -- "$FLASH" --help
expect 2 "unknown argument.*usage:" "unknown flag" -- \
    "$FLASH" --board qemu-virt --image "$TMP/x.img" --frob
expect 2 "unknown board 'pdp11'.*qemu-virt.*usage:" "unknown board" -- \
    "$FLASH" --board pdp11 --image "$TMP/x.img"
expect 2 "missing --board" "no --board" -- "$FLASH" --image "$TMP/x.img"
expect 2 "needs a value" "--board without a value" -- "$FLASH" --board
expect 2 "exactly one of" "neither --image nor --device" -- \
    "$FLASH" --board qemu-virt "${F[@]}"
expect 2 "exactly one of" "--image and --device together" -- \
    "$FLASH" --board qemu-virt --image "$TMP/x.img" --device /dev/null
expect 2 "given twice" "--board twice" -- \
    "$FLASH" --board qemu-virt --board visionfive2 --image "$TMP/x.img"
expect 2 "not a block device" "--device on a regular file" -- \
    "$FLASH" --board qemu-virt --device "$TMP/fs.img" "${F[@]}"
expect 2 "not a block device" "--device on a character device" -- \
    "$FLASH" --board qemu-virt --device /dev/null "${F[@]}"
expect 2 "not a regular file" "--image on a device node" -- \
    "$FLASH" --board qemu-virt --image /dev/null "${F[@]}"
expect 2 "--yes goes with --device" "--yes with --image" -- \
    "$FLASH" --board qemu-virt --image "$TMP/x.img" --yes
expect 2 "go with --jtag" "--fdt-addr without --jtag" -- \
    "$FLASH" --board qemu-virt --image "$TMP/x.img" --fdt-addr 0x1000

# ---- JTAG, with stand-ins for openocd and gdb-multiarch ----
expect 1 "not supported" "--jtag on a board without JTAG" -- \
    "$FLASH" --board visionfive2 --jtag --fdt-addr 0x1000 --hart 1
expect 2 "needs --fdt-addr" "--jtag without --fdt-addr" -- \
    "$FLASH" --board hifive-unmatched --jtag --hart 1
# OpenSBI picks the boot hart at random: no default may guess it.
expect 2 "needs --hart.*Boot HART ID" "--jtag without --hart" -- \
    "$FLASH" --board hifive-unmatched --jtag --fdt-addr 0x1000
expect 0 "S-mode, satp = 0" "--help says what --jtag sets up" -- \
    "$FLASH" --help
expect 2 "exactly one of" "--jtag with --image" -- \
    "$FLASH" --board hifive-unmatched --jtag --image "$TMP/x.img"
mkdir -p "$TMP/bin"
cat >"$TMP/bin/openocd" <<STUB
#!/bin/sh
echo "\$*" >"$TMP/openocd.args"
echo \$\$ >"$TMP/openocd.pid"
echo "Info : Listening on port 3333 for gdb connections"
exec sleep 30
STUB
cat >"$TMP/bin/gdb-multiarch" <<STUB
#!/bin/sh
echo "\$*" >"$TMP/gdb.args"
cp "\$3" "$TMP/gdb.script"
STUB
chmod +x "$TMP/bin/openocd" "$TMP/bin/gdb-multiarch"
printf '\177ELF-fake' >"$TMP/kernel.elf"
expect 0 "gdb-multiarch" "--jtag runs openocd and gdb" -- \
    env PATH="$TMP/bin:$PATH" "$FLASH" --board hifive-unmatched --jtag \
    --fdt-addr 0xff7f1000 --hart 2 --kernel "$TMP/kernel.elf"
grep -q "boards/hifive-unmatched/openocd.cfg" "$TMP/openocd.args" 2>/dev/null &&
    ok || bad "--jtag: openocd not given the board's openocd.cfg"
if [ -f "$TMP/gdb.script" ] && grep -qx 'load' "$TMP/gdb.script" &&
    grep -qx 'set $a0 = 2' "$TMP/gdb.script" &&
    grep -qx 'set $a1 = 0xff7f1000' "$TMP/gdb.script" &&
    grep -qx 'set $pc = _start' "$TMP/gdb.script" &&
    grep -qx 'set $priv = 1' "$TMP/gdb.script" &&
    grep -qx 'set $satp = 0' "$TMP/gdb.script" &&
    grep -qx 'set $sstatus = $sstatus & ~0x2' "$TMP/gdb.script" &&
    grep -q "$TMP/kernel.elf" "$TMP/gdb.args"; then ok; else
    bad "--jtag: gdb script does not load the ELF, enter S-mode with" \
        "satp 0 and set a0/a1/pc"
fi
sleep 0.2
if [ -f "$TMP/openocd.pid" ] &&
    ! kill -0 "$(cat "$TMP/openocd.pid")" 2>/dev/null; then
    ok
else
    bad "--jtag left openocd running"
fi

# ---- disks in use by LVM, RAID or dm-crypt (holders in sysfs) ----
# A loop device's node with a fake sysfs beside it: the holders a real
# device-mapper or md stack would list. Refused before anything is written.
# holders_case NAME DEV HOLDER KIND-FILE KIND [DM-NAME] PATTERN: DEV's
# sysfs lists HOLDER (under DEV or its partition 1); KIND-FILE says what it is.
holders_case() {
    local sys=$TMP/sys-$1 dev=$2
    mkdir -p "$sys/class/block/$dev/${dev}p1/holders" \
        "$sys/class/block/${4%/*}"
    touch "$sys/class/block/$dev/${dev}p1/partition"
    mkdir -p "$sys/class/block/$dev/$3"
    printf '%s\n' "$5" >"$sys/class/block/$4"
    [ -z "${6:-}" ] || printf '%s\n' "$6" >"$sys/class/block/${4%/*}/name"
    # No --yes and no LAZYOS_FLASH_ALLOW_LOOP: a flash.sh that misses the
    # holders still stops at "not removable", before writing anything.
    expect 1 "$7" "refuses a disk that backs $1" -- env \
        LAZYOS_FLASH_SYSFS="$sys" "$FLASH" \
        --board qemu-virt --device "/dev/$dev" "${F[@]}"
}
# A loop device nothing is attached to (size 0): nobody's data behind it.
loopdev=''
for d in /dev/loop[0-9]*; do
    [ -b "$d" ] && [ "$(cat "/sys/class/block/${d#/dev/}/size" 2>/dev/null)" \
        = 0 ] && loopdev=${d#/dev/} && break
done
if [ -n "$loopdev" ]; then
    holders_case lvm "$loopdev" holders/dm-0 dm-0/dm/uuid LVM-x1 vg-root \
        "backs dm-0 \(LVM vg-root\).*vgchange -an"
    holders_case crypt "$loopdev" "${loopdev}p1/holders/dm-3" dm-3/dm/uuid \
        CRYPT-LUKS2-x2 secret "backs dm-3 \(dm-crypt secret\)"
    holders_case raid "$loopdev" "${loopdev}p1/holders/md0" md0/md/level \
        raid1 "" "backs md0 \(RAID raid1\)"
    mkdir -p "$TMP/sys-none/class/block/$loopdev"
    expect 1 "not removable" "no holders: on to the next check" -- env \
        LAZYOS_FLASH_SYSFS="$TMP/sys-none" "$FLASH" --board qemu-virt \
        --device "/dev/$loopdev" --yes "${F[@]}"
else
    skipped "no loop device node for the holders tests"
fi

# ---- writing a "card" ----
root_disk=$(lsblk -nsro NAME,TYPE "$(findmnt -nvo SOURCE /)" 2>/dev/null |
    awk '$2 == "disk" { print $1; exit }')
if [ -n "$root_disk" ] && [ -b "/dev/$root_disk" ]; then
    # Refused before anything is built, and no --yes: nothing can happen.
    expect 1 "holds the root" "--device on the disk holding /" -- \
        "$FLASH" --board qemu-virt --device "/dev/$root_disk" "${F[@]}"
else
    skipped "no block device holds / here"
fi

if [ "$(id -u)" -eq 0 ] && command -v losetup >/dev/null &&
    truncate -s 96M "$TMP/card" &&
    LOOP=$(losetup -f --show "$TMP/card" 2>/dev/null); then
    expect 1 "not removable" "non-removable device refused" -- \
        "$FLASH" --board qemu-virt --device "$LOOP" --yes "${F[@]}"
    expect 1 "not written" "answering no writes nothing" -- env \
        LAZYOS_FLASH_ALLOW_LOOP=1 "$FLASH" --board qemu-virt --device "$LOOP" \
        "${F[@]}"
    cmp -s "$TMP/card" <(head -c 96M /dev/zero) && ok ||
        bad "the card changed although the answer was no"
    expect 0 "reading .* back and comparing.*Done" "write, read back" -- env \
        LAZYOS_FLASH_ALLOW_LOOP=1 "$FLASH" --board qemu-virt --device "$LOOP" \
        --yes "${F[@]}"
    sync
    check_layout qemu-virt "$TMP/card"
    check_fat qemu-virt "$TMP/card"
    check_fs_part qemu-virt "$TMP/card"
    # sgdisk -e moved the backup GPT to the card's last sector.
    sgdisk -p "$TMP/card" | grep -q 'last usable sector is 196574' && ok ||
        bad "backup GPT not at the end of the card"
else
    skipped "loop device tests need root and losetup"
fi

if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
