# lazyos boot script for U-Boot on the HiFive Unmatched. flash.sh compiles it
# with  mkimage -A riscv -O linux -T script -C none -d boot.cmd boot.scr
# U-Boot's boot scan sets devtype, devnum and distro_bootpart to the FAT
# partition it found boot.scr on (mmc 0:3: the SD card, partition 3).
echo "lazyos: boot.scr on ${devtype} ${devnum}:${distro_bootpart}"
echo "lazyos: loading kernel.bin to ${kernel_addr_r}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} kernel.bin
setenv lazyos_initrd -
if test -e ${devtype} ${devnum}:${distro_bootpart} initrd; then
    load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} initrd
    setenv lazyos_initrd ${ramdisk_addr_r}:${filesize}
    echo "lazyos: initrd at ${lazyos_initrd}"
fi
# booti will not start a kernel without a device tree. Prefer the board's
# own tree when flash.sh --dtb put one on the FAT (U-Boot's control tree
# adds a CLINT node and enables the S7 hart 0); else hand over the
# tree U-Boot itself runs on. U-Boot fixes up memory and /chosen either way.
if test -e ${devtype} ${devnum}:${distro_bootpart} lazyos.dtb; then
    load ${devtype} ${devnum}:${distro_bootpart} ${fdt_addr_r} lazyos.dtb
    setenv lazyos_fdt ${fdt_addr_r}
    echo "lazyos: device tree lazyos.dtb at ${lazyos_fdt}"
else
    setenv lazyos_fdt ${fdtcontroladdr}
    echo "lazyos: no lazyos.dtb, using the U-Boot tree at ${lazyos_fdt}"
fi
echo "lazyos: booti ${kernel_addr_r} ${lazyos_initrd} ${lazyos_fdt}"
booti ${kernel_addr_r} ${lazyos_initrd} ${lazyos_fdt}
echo "lazyos: booti failed, the kernel was not started"
