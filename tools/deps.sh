#!/bin/sh
# Makes sure the tools the build and the tests need are installed: installs
# the missing Debian packages when run as root, otherwise prints the exact
# command to run and fails.
set -eu
# command -> Debian package
need="riscv64-unknown-elf-gcc:gcc-riscv64-unknown-elf
qemu-system-riscv64:qemu-system-misc
dtc:device-tree-compiler
mkimage:u-boot-tools
mcopy:mtools
mkfs.vfat:dosfstools
sgdisk:gdisk
python3:python3
cc:gcc"
# files -> Debian package
files="/usr/include/stdio.h:libc6-dev
/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf:opensbi
/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin:u-boot-qemu"

missing=""
for pair in $need; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
for pair in $files; do
    [ -e "${pair%%:*}" ] || missing="$missing ${pair#*:}"
done
[ -z "$missing" ] && exit 0

echo "deps: missing packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: run as root:  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
echo "deps: installing with apt-get (this takes a minute)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is wanted
apt-get install -y -qq --no-install-recommends $missing
