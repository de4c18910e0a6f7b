#!/usr/bin/env bash
# flash.sh: builds a complete lazyos SD card image for one board (GPT, a FAT
# partition for U-Boot, the lazyos file system last) and writes it to a file
# or a card, or loads the kernel over JTAG. Knows boards only via boards/*/.
set -eu -o pipefail

ROOT=$(cd "$(dirname "$0")" && pwd)
# The JTAG path (--jtag) lives in a file of its own.
# shellcheck source=tools/flash-jtag.sh
. "$ROOT/tools/flash-jtag.sh"
# GPT type of the partition holding the lazyos file system: our own random
# GUID. The kernel looks for it; on disk (GPT byte order) it reads
# ae 0a cc f1 e9 49 70 42 9f d2 36 89 17 06 5d 54. It is always the last
# partition, so it can grow into the rest of the card later.
LAZYOS_FS_TYPE=F1CC0AAE-49E9-4270-9FD2-368917065D54
FAT_TYPE=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 # "Microsoft basic data"
MIB=2048                                      # sectors per MiB
FAT_MIN_MIB=32

usage() {
    cat <<EOF
usage: flash.sh --board BOARD --image FILE   [image options]
       flash.sh --board BOARD --device /dev/sdX [--yes] [image options]
       flash.sh --board hifive-unmatched --jtag --fdt-addr ADDR --hart N
                [--kernel ELF]
       flash.sh --help

  --image FILE    write the SD card image to FILE
  --device DEV    write it to the whole card DEV (removable, unmounted), then
                  read it back and compare; asks first unless --yes
  --jtag          load the kernel ELF over JTAG with OpenOCD and gdb-multiarch
                  into a board stopped at its U-Boot prompt, and start it on
                  one hart the way OpenSBI would: S-mode, satp = 0, S-mode
                  interrupts off, a0 = hart id, a1 = device tree. The other
                  harts stay parked in OpenSBI; the kernel starts them
image options:
  --kernel FILE   kernel Image (default build/BOARD/kernel.bin; with --jtag
                  the ELF, default build/BOARD/kernel.elf)
  --fs FILE       lazyos file system image (default build/BOARD/fs.img)
  --fs-size SIZE  make the file system SIZE (N with K, M or G), or "rest":
                  the rest of the card (--device only; the default there
                  for a lazyos image); its files are copied into a new
                  image of that size (build/host/mkfs)
  --initrd FILE   also copy FILE to the FAT as "initrd"
  --dtb FILE      also copy FILE to the FAT as "lazyos.dtb" (boot.scr of
                  visionfive2 and hifive-unmatched then passes it to the kernel)
  --spl FILE      U-Boot SPL for the board's "spl" partition
  --uboot FILE    U-Boot (+ OpenSBI) for the board's "uboot" partition
jtag options:
  --fdt-addr ADDR device tree address for a1 (U-Boot's fdtcontroladdr)
  --hart N        the hart U-Boot runs on (required: OpenSBI picks it at
                  random each boot; its banner says "Boot HART ID")
boards: $(list_boards | tr '\n' ' ')
EOF
}

bad_usage() {
    echo "flash.sh: $*" >&2
    usage >&2
    exit 2
}

die() {
    echo "flash.sh: error: $*" >&2
    exit 1
}

step() { echo "==> $*"; }

list_boards() {
    for mk in "$ROOT"/boards/*/board.mk; do
        basename "$(dirname "$mk")"
    done
}

# Reads the flash-related values of boards/$BOARD/board.mk through make
# itself, so ?=, := and continuation lines mean what they mean to the build.
load_board() {
    local mk=$ROOT/boards/$BOARD/board.mk rule="@printf '%s\\n'" line v out
    SD_FIRMWARE='' UBOOT_FAT_PART=1 UBOOT_KERNEL=kernel.bin UBOOT_UENV=no
    JTAG_CFG=''
    for v in SD_FIRMWARE UBOOT_FAT_PART UBOOT_KERNEL UBOOT_UENV JTAG_CFG; do
        rule="$rule '$v=\$(strip \$($v))'"
    done
    out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s \
        --no-print-directory -f "$mk" --eval "flash-vars: ; $rule" \
        flash-vars) || die "cannot read $mk"
    while IFS= read -r line; do
        # Unset in board.mk (qemu-virt's predates them): keep the default.
        [ -z "${line#*=}" ] || printf -v "${line%%=*}" '%s' "${line#*=}"
    done <<<"$out"
}

need_tools() {
    local missing='' pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 ||
            missing="$missing ${pair#*:}"
    done
    [ -z "$missing" ] ||
        die "missing tools; install them with: apt-get install$missing"
}

size_of() { stat -c %s "$1"; }

# Smallest power of two >= $1.
pow2_at_least() {
    local n=1
    while [ "$n" -lt "$1" ]; do n=$((n * 2)); done
    echo "$n"
}

# booti only takes a raw RISC-V Image: "RSC\x05" at offset 0x38.
check_kernel_image() {
    local magic
    magic=$(od -An -tx1 -j 56 -N 4 "$1" | tr -d ' \n')
    [ "$magic" = 52534305 ] ||
        die "$1 is not a RISC-V Image (no RSC\\x05 magic at 0x38);" \
            "pass kernel.bin, not kernel.elf"
}

check_input() { # what path
    [ -f "$2" ] && return 0
    echo "flash.sh: error: no $1 at $2" >&2
    echo "flash.sh: build it first with:  make BOARD=$BOARD" >&2
    exit 1
}

# ---- the image ----

# Fills $WORK/fat/ with the files the FAT partition will hold.
collect_fat_files() {
    local kernel=$1 cmd=$ROOT/boards/$BOARD/boot.cmd dir=$WORK/fat
    mkdir -p "$dir"
    cp "$kernel" "$dir/$UBOOT_KERNEL"
    if [ -f "$cmd" ]; then
        step "compiling boards/$BOARD/boot.cmd into boot.scr (mkimage)"
        mkimage -A riscv -O linux -T script -C none -n "lazyos boot" \
            -d "$cmd" "$dir/boot.scr" >/dev/null
    else
        step "no boards/$BOARD/boot.cmd: this board does not boot via U-Boot"
    fi
    if [ "$UBOOT_UENV" = yes ]; then
        cp "$ROOT/boards/$BOARD/uEnv.txt" "$dir/uEnv.txt"
    fi
    [ -z "$INITRD" ] || cp "$INITRD" "$dir/initrd"
    [ -z "$DTB" ] || cp "$DTB" "$dir/lazyos.dtb"
}

# Decides where every partition goes; sets FW_* arrays, FAT_*, FS_* and
# IMAGE_BYTES. Sectors are 512 bytes; FAT and file system start on MiB.
plan_layout() {
    local fs=$1 entry rest next=$MIB fat_bytes i=0
    FW_NAME=() FW_FIRST=() FW_LAST=() FW_TYPE=()
    for entry in $SD_FIRMWARE; do
        FW_NAME[i]=${entry%%:*} rest=${entry#*:}
        FW_FIRST[i]=${rest%%:*} rest=${rest#*:}
        FW_LAST[i]=${rest%%:*} FW_TYPE[i]=${rest#*:}
        next=$(((FW_LAST[i] + MIB) / MIB * MIB))
        i=$((i + 1))
    done
    FAT_PART=$((i + 1))
    [ "$FAT_PART" = "$UBOOT_FAT_PART" ] ||
        die "boards/$BOARD/board.mk: UBOOT_FAT_PART is $UBOOT_FAT_PART" \
            "but SD_FIRMWARE puts the FAT at partition $FAT_PART"
    fat_bytes=$(du -sb "$WORK/fat" | cut -f1)
    FAT_MIB=$((fat_bytes / 1048576 + 2))
    [ "$FAT_MIB" -ge "$FAT_MIN_MIB" ] || FAT_MIB=$FAT_MIN_MIB
    FAT_START=$next
    FS_PART=$((FAT_PART + 1))
    FS_START=$((FAT_START + FAT_MIB * MIB))
    FS_SECTORS=$((MIB * (($(size_of "$fs") + 1048575) / 1048576)))
    # Room for the backup GPT (33 sectors) behind the last partition; QEMU
    # only accepts SD card images whose size is a power of two (a card
    # filled to its end takes the image as it is).
    IMAGE_BYTES=$(((FS_START + FS_SECTORS + 33) * 512))
    [ "$FS_SIZE" = rest ] || IMAGE_BYTES=$(pow2_at_least "$IMAGE_BYTES")
}

# Rebuilds file system $1 at --fs-size with the same files (all in "/"),
# as $WORK/fs.img. Needs FS_START (plan_layout) for "rest".
resize_fs() {
    local fs=$1 dir=$WORK/fsfiles bin=$ROOT/build/host mib n type name
    [ -x "$bin/mkfs" ] && [ -x "$bin/fsck" ] ||
        die "no $bin/mkfs and fsck: build them first with: make"
    case $FS_SIZE in
    rest) # the card's sectors, less what comes before and the backup GPT
        mib=$((($(cat "$SYSFS/class/block/$DEV_NAME/size") - FS_START - 34) /
            MIB)) ;;
    *[Kk]) mib=$((${FS_SIZE%?} / 1024)) ;;
    *[Mm]) mib=${FS_SIZE%?} ;;
    *[Gg]) mib=$((${FS_SIZE%?} * 1024)) ;;
    esac
    [ "$mib" -gt 0 ] || die "--fs-size $FS_SIZE leaves no room"
    mkdir -p "$dir"
    "$bin/fsck" "$fs" --ls / >"$WORK/fs.ls" || die "$fs: not a lazyos image"
    while read -r n type n name; do
        [ "$type" = 2 ] || continue # files; mkfs makes only "/"
        "$bin/fsck" "$fs" --dump "/$name" >"$dir/_$name"
    done <"$WORK/fs.ls"
    step "making a $mib MiB file system with the files of $fs"
    "$bin/mkfs" "$WORK/fs.img" --size "${mib}M" "$dir"/_* >/dev/null ||
        die "mkfs of a $mib MiB file system failed"
}

# Writes the partition table: firmware slots, the FAT (marked bootable, so
# U-Boot scans it even when it is not partition 1), the lazyos file system.
write_gpt() {
    local img=$1 i n args=(-o -a 1)
    for i in "${!FW_NAME[@]}"; do
        n=$((i + 1))
        args+=(-n "$n:${FW_FIRST[i]}:${FW_LAST[i]}" -t "$n:${FW_TYPE[i]}"
            -c "$n:${FW_NAME[i]}")
    done
    args+=(-n "$FAT_PART:$FAT_START:$((FAT_START + FAT_MIB * MIB - 1))"
        -t "$FAT_PART:$FAT_TYPE" -c "$FAT_PART:lazyos-boot"
        -A "$FAT_PART:set:2")
    args+=(-n "$FS_PART:$FS_START:$((FS_START + FS_SECTORS - 1))"
        -t "$FS_PART:$LAZYOS_FS_TYPE" -c "$FS_PART:lazyos-fs")
    step "partitioning a $((IMAGE_BYTES / 1048576)) MiB image (GPT, sgdisk)"
    truncate -s "$IMAGE_BYTES" "$img"
    sgdisk "${args[@]}" "$img" >/dev/null
}

# Builds the FAT file system in a file of its own (no mounting) and puts
# it into its partition.
write_fat() {
    local img=$1 fat=$WORK/fat.img f names=''
    for f in "$WORK"/fat/*; do names="$names ${f##*/}"; done
    step "making the FAT (partition $FAT_PART, $FAT_MIB MiB):$names"
    mkfs.vfat -C -n LAZYOSBOOT "$fat" $((FAT_MIB * 1024)) >/dev/null
    for f in "$WORK"/fat/*; do
        MTOOLS_SKIP_CHECK=1 mcopy -i "$fat" "$f" "::$(basename "$f")"
    done
    dd if="$fat" of="$img" bs=1M seek=$((FAT_START / MIB)) conv=notrunc \
        status=none
}

# Copies the optional U-Boot files into their partitions; says what stays
# empty, since some boards cannot start from such a card.
write_firmware() {
    local img=$1 i file empty=''
    for i in "${!FW_NAME[@]}"; do
        case ${FW_NAME[i]} in
        spl) file=$SPL ;;
        uboot) file=$UBOOT ;;
        *) file='' ;;
        esac
        if [ -z "$file" ]; then
            empty="$empty ${FW_NAME[i]}"
            continue
        fi
        [ "$(size_of "$file")" -le \
            $(((FW_LAST[i] - FW_FIRST[i] + 1) * 512)) ] ||
            die "$file does not fit partition $((i + 1)) (${FW_NAME[i]})"
        step "writing $file into partition $((i + 1)) (${FW_NAME[i]})"
        dd if="$file" of="$img" bs=512 seek="${FW_FIRST[i]}" conv=notrunc \
            status=none
    done
    [ -z "$empty" ] || echo "note: partition(s)$empty left empty (see" \
        "--spl/--uboot and boards/$BOARD/README.md: does the board need them?)"
}

# Makes the whole SD image in file $1.
build_image() {
    local img=$1 kernel fs f
    kernel=${KERNEL:-$ROOT/build/$BOARD/kernel.bin}
    fs=${FS:-$ROOT/build/$BOARD/fs.img}
    check_input kernel "$kernel"
    check_input "file system image" "$fs"
    for f in "$INITRD" "$DTB" "$SPL" "$UBOOT"; do
        [ -z "$f" ] || [ -f "$f" ] || die "no such file: $f"
    done
    [ "$SD_FIRMWARE" != '' ] || [ -z "$SPL$UBOOT" ] ||
        die "board $BOARD has no U-Boot partitions for --spl/--uboot"
    [ -s "$fs" ] || die "$fs is empty"
    check_kernel_image "$kernel"
    need_tools sgdisk:gdisk mkfs.vfat:dosfstools mcopy:mtools \
        mkimage:u-boot-tools
    collect_fat_files "$kernel"
    # A card gets a file system that fills it, when we can rebuild it.
    if [ -z "$FS_SIZE" ] && [ -n "$DEVICE" ] &&
        [ "$(od -An -tx4 -N4 "$fs" | tr -d ' ')" = 53465a4c ]; then
        FS_SIZE=rest
    fi
    plan_layout "$fs"
    if [ -n "$FS_SIZE" ]; then
        resize_fs "$fs"
        fs=$WORK/fs.img
        plan_layout "$fs"
    fi
    write_gpt "$img"
    write_firmware "$img"
    write_fat "$img"
    step "writing $fs raw into partition $FS_PART" \
        "(lazyos-fs, type $LAZYOS_FS_TYPE)"
    dd if="$fs" of="$img" bs=1M seek=$((FS_START / MIB)) conv=notrunc,sparse \
        status=none
    sgdisk -p "$img" | sed -n '/^Number/,$p'
}

# ---- writing a card ----

# What a holder of a disk (a name under holders/ in sysfs) is, e.g.
# "dm-0 (LVM vg-root)" or "md0 (RAID raid1)".
holder_kind() {
    local b=$SYSFS/class/block/$1 uuid
    uuid=$(cat "$b/dm/uuid" 2>/dev/null || true)
    case $uuid in
    LVM-*) echo "$1 (LVM $(cat "$b/dm/name" 2>/dev/null))" ;;
    CRYPT-*) echo "$1 (dm-crypt $(cat "$b/dm/name" 2>/dev/null))" ;;
    ?*) echo "$1 (device-mapper $(cat "$b/dm/name" 2>/dev/null))" ;;
    *) [ -e "$b/md/level" ] && echo "$1 (RAID $(cat "$b/md/level"))" ||
        echo "$1" ;;
    esac
}

# Refuses a disk that backs LVM, RAID or dm-crypt, itself or through one of
# its partitions: the kernel lists such users in holders/. Overwriting it
# would destroy a volume that need not be mounted to be in use.
check_holders() {
    local dev=$1 sys=$2 h users=''
    for h in "$sys"/holders/* "$sys/$DEV_NAME"*/holders/*; do
        [ -e "$h" ] || continue
        users="$users, $(holder_kind "${h##*/}")"
    done
    [ -z "$users" ] || die "$dev backs ${users#, }: it is in use." \
        "Stop that first (vgchange -an, cryptsetup close, mdadm --stop)" \
        "if this really is the card to overwrite"
}

# Refuses anything but a whole, removable, unused disk. Sets DEV_NAME.
# LAZYOS_FLASH_SYSFS stands in for /sys (the test's fake holders).
check_device() {
    local dev=$1 sys mounts root_chain
    SYSFS=${LAZYOS_FLASH_SYSFS:-/sys}
    DEV_NAME=$(basename "$(readlink -f "$dev")")
    sys=$SYSFS/class/block/$DEV_NAME
    [ -d "$sys" ] || die "$dev: no $sys"
    [ ! -e "$sys/partition" ] ||
        die "$dev is a partition; give the whole card (e.g. /dev/sdb)"
    check_holders "$dev" "$sys"
    root_chain=$(lsblk -nsro NAME "$(findmnt -nvo SOURCE /)" 2>/dev/null ||
        true)
    if grep -qx "$DEV_NAME" <<<"$root_chain"; then
        die "$dev holds the root file system /"
    fi
    mounts=$({
        lsblk -nro MOUNTPOINT "$dev" 2>/dev/null
        cat /proc/mounts /proc/swaps | grep -E "^/dev/${DEV_NAME}(p?[0-9]+)? " |
            cut -d' ' -f1
    } | grep -v '^$' | tr '\n' ' ' || true)
    [ -z "$mounts" ] ||
        die "$dev (or a partition of it) is in use: $mounts- unmount it first"
    if [ "$(cat "$sys/removable")" = 1 ]; then
        return 0
    fi
    # Built-in SD readers show the card as non-removable mmcblkN of type SD.
    [ "$(cat "$sys/device/type" 2>/dev/null || true)" = SD ] && return 0
    # A loop device is a file; tests write to one on purpose.
    [[ $DEV_NAME == loop* ]] && [ "${LAZYOS_FLASH_ALLOW_LOOP:-}" = 1 ] &&
        return 0
    die "$dev is not removable ($sys/removable is not 1): not an SD card?"
}

confirm_write() {
    local dev=$1 img=$2 sys=$SYSFS/class/block/$DEV_NAME answer model
    local bytes=$(($(cat "$sys/size") * 512))
    [ "$bytes" -ge "$(size_of "$img")" ] ||
        die "$dev holds $((bytes / 1048576)) MiB; the image needs" \
            "$(($(size_of "$img") / 1048576)) MiB"
    model=$(xargs 2>/dev/null <"$sys/device/model" || echo unknown model)
    echo "About to overwrite $dev ($model, $((bytes / 1048576)) MiB)"
    echo "with the $((IMAGE_BYTES / 1048576)) MiB $BOARD image above."
    echo "Everything on $dev will be lost."
    [ "$YES" = 1 ] && return 0
    printf 'Write it? [y/N] '
    answer=''
    read -r answer || true
    case $answer in
    y | Y | yes | YES) ;;
    *) die "not written (answer was not y)" ;;
    esac
}

write_device() {
    local dev=$1 img=$2 mib
    [ -w "$dev" ] || die "cannot write $dev: run as root (sudo ./flash.sh ...)"
    local fs=$((FS_START * 512))
    mib=$(($(size_of "$img") / 1048576))
    # A lazyos file system's data area holds no zero block it needs (mkfs
    # makes holes of them): past its metadata (superblock word 9 says
    # where that ends), zeros are skipped, not written.
    if [ "$(od -An -tx4 -j "$fs" -N4 "$img" | tr -d ' ')" = 53465a4c ]; then
        mib=$(((fs + $(od -An -tu4 -j $((fs + 36)) -N4 "$img" |
            tr -d ' ') * 4096) / 1048576 + 1))
    fi
    step "writing the image to $dev (dd)"
    dd if="$img" of="$dev" bs=1M count="$mib" conv=fsync status=progress
    dd if="$img" of="$dev" bs=1M skip="$mib" seek="$mib" conv=sparse,fsync \
        status=none
    sync
    step "reading $dev back and comparing (cmp)"
    # O_DIRECT reads come from the card, not from the page cache.
    if ! dd if="$dev" bs=1M count="$mib" iflag=direct status=none |
        cmp -n $((mib * 1048576)) - "$img"; then
        die "$dev does not read back what was written: bad card or reader?"
    fi
    step "moving the backup GPT to the end of $dev (sgdisk -e)"
    sgdisk -e "$dev" >/dev/null
    sync
    echo "Done: $dev holds lazyos for $BOARD. See boards/$BOARD/README.md."
}

# ---- command line ----

BOARD='' IMAGE='' DEVICE='' KERNEL='' FS='' INITRD='' DTB='' SPL='' UBOOT=''
FS_SIZE='' DEV_NAME=''
FDT_ADDR='' HART='' YES=0 JTAG=0 WORK='' OPENOCD_PID='' SYSFS=/sys

# set_once VAR FLAG VALUE: a flag given twice is a conflict, not an update.
set_once() {
    [ -z "${!1}" ] || bad_usage "$2 given twice"
    [ -n "$3" ] || bad_usage "$2 needs a non-empty value"
    printf -v "$1" '%s' "$3"
}

parse_args() {
    local var
    while [ $# -gt 0 ]; do
        case $1 in
        --board | --image | --device | --kernel | --fs | --initrd | --dtb | \
            --spl | --uboot | --fdt-addr | --hart | --fs-size)
            [ $# -ge 2 ] || bad_usage "$1 needs a value"
            var=${1#--} var=${var//-/_}
            set_once "${var^^}" "$1" "$2"
            shift 2
            ;;
        --yes) YES=1 && shift ;;
        --jtag) JTAG=1 && shift ;;
        -h | --help) usage && exit 0 ;;
        *) bad_usage "unknown argument '$1'" ;;
        esac
    done
}

check_args() {
    local modes=$(($([ -n "$IMAGE" ] && echo 1 || echo 0) + \
        $([ -n "$DEVICE" ] && echo 1 || echo 0) + JTAG))
    [ -n "$BOARD" ] || bad_usage "missing --board"
    # Not "list_boards | grep -q": with pipefail, grep's early exit fails it.
    grep -qx -- "$BOARD" <<<"$(list_boards)" ||
        bad_usage "unknown board '$BOARD'; boards: $(list_boards | tr '\n' ' ')"
    [ "$modes" -eq 1 ] ||
        bad_usage "give exactly one of --image, --device and --jtag"
    [ "$YES" = 0 ] || [ -n "$DEVICE" ] || bad_usage "--yes goes with --device"
    if [ "$JTAG" = 1 ]; then
        [ -z "$FS$INITRD$DTB$SPL$UBOOT" ] ||
            bad_usage "--jtag loads only the kernel:" \
                "no --fs/--initrd/--dtb/--spl/--uboot"
        [ -z "$FDT_ADDR" ] || [[ $FDT_ADDR =~ ^0x[0-9a-fA-F]+$ ]] ||
            bad_usage "--fdt-addr wants a hex address like 0xff7f1000"
        [ -z "$HART" ] || [[ $HART =~ ^[0-9]$ ]] ||
            bad_usage "--hart wants a hart number (0-9)"
        [ -n "$HART" ] || bad_usage "--jtag needs --hart (OpenSBI's" \
            "\"Boot HART ID\" on the console: it changes from boot to boot)"
    else
        [ -z "$FDT_ADDR$HART" ] ||
            bad_usage "--fdt-addr and --hart go with --jtag"
    fi
    [ -z "$DEVICE" ] || [ -b "$DEVICE" ] ||
        bad_usage "--device $DEVICE is not a block device"
    [ -z "$FS_SIZE" ] || [[ $FS_SIZE =~ ^[1-9][0-9]*[KkMmGg]$ ]] ||
        { [ "$FS_SIZE" = rest ] && [ -n "$DEVICE" ]; } ||
        bad_usage "--fs-size wants N with K, M or G (or rest, with --device)"
    # mv onto a device node would replace the node, not write the card.
    [ -z "$IMAGE" ] || [ ! -e "$IMAGE" ] || [ -f "$IMAGE" ] ||
        bad_usage "--image $IMAGE is not a regular file (cards: --device)"
}

cleanup() {
    [ -z "$OPENOCD_PID" ] || kill "$OPENOCD_PID" 2>/dev/null || true
    [ -z "$WORK" ] || rm -rf "$WORK"
}

main() {
    parse_args "$@"
    check_args
    load_board
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/lazyos-flash.XXXXXX")
    trap cleanup EXIT
    if [ "$JTAG" = 1 ]; then
        jtag_load
    elif [ -n "$IMAGE" ]; then
        step "building the $BOARD SD card image $IMAGE"
        build_image "$WORK/sd.img"
        mv "$WORK/sd.img" "$IMAGE"
        echo "Done: $IMAGE ($((IMAGE_BYTES / 1048576)) MiB)." \
            "Write it to a card with:" \
            "./flash.sh --board $BOARD --device /dev/sdX"
    else
        check_device "$DEVICE"
        step "building the $BOARD SD card image for $DEVICE"
        build_image "$WORK/sd.img"
        confirm_write "$DEVICE" "$WORK/sd.img"
        write_device "$DEVICE" "$WORK/sd.img"
    fi
}

main "$@"
