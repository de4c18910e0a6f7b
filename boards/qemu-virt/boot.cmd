# lazyos boot script for U-Boot on QEMU virt. flash.sh compiles it with
#   mkimage -A riscv -O linux -T script -C none -d boot.cmd boot.scr
# U-Boot's distro boot sets devtype, devnum and distro_bootpart to the FAT
# partition it found boot.scr on; everything else is read from there too.
echo "lazyos: boot.scr on ${devtype} ${devnum}:${distro_bootpart}"
echo "lazyos: loading kernel.bin to ${kernel_addr_r}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} kernel.bin
# An initrd is optional; booti takes "-" when there is none.
setenv lazyos_initrd -
if test -e ${devtype} ${devnum}:${distro_bootpart} initrd; then
    load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} initrd
    setenv lazyos_initrd ${ramdisk_addr_r}:${filesize}
    echo "lazyos: initrd at ${lazyos_initrd}"
fi
# booti refuses to start a kernel without a device tree; QEMU's own tree is
# the one U-Boot runs on, at fdtcontroladdr.
echo "lazyos: booti ${kernel_addr_r} ${lazyos_initrd} ${fdtcontroladdr}"
booti ${kernel_addr_r} ${lazyos_initrd} ${fdtcontroladdr}
echo "lazyos: booti failed, the kernel was not started"
