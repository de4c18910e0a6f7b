# lazyos boot script for U-Boot on the VisionFive 2. flash.sh compiles it with
#   mkimage -A riscv -O linux -T script -C none -d boot.cmd boot.scr
# Mainline U-Boot's boot scan and our uEnv.txt (vendor U-Boot) both set
# devtype, devnum and distro_bootpart to the FAT partition (mmc 1:3).
echo "lazyos: boot.scr on ${devtype} ${devnum}:${distro_bootpart}"
echo "lazyos: loading kernel.bin to ${kernel_addr_r}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} kernel.bin
setenv lazyos_initrd -
if test -e ${devtype} ${devnum}:${distro_bootpart} initrd; then
    load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} initrd
    setenv lazyos_initrd ${ramdisk_addr_r}:${filesize}
    echo "lazyos: initrd at ${lazyos_initrd}"
fi
# booti will not start a kernel without a device tree. Use the board's own
# tree when flash.sh --dtb put one on the FAT, else a copy of the tree U-Boot
# runs on. Either way it ends up at fdt_addr_r with room to grow (1 MiB lies
# free before ramdisk_addr_r), and U-Boot's live tree is never edited.
if test -e ${devtype} ${devnum}:${distro_bootpart} lazyos.dtb; then
    load ${devtype} ${devnum}:${distro_bootpart} ${fdt_addr_r} lazyos.dtb
    fdt addr ${fdt_addr_r}
    fdt resize 0x1000
    echo "lazyos: device tree lazyos.dtb at ${fdt_addr_r}"
else
    fdt move ${fdtcontroladdr} ${fdt_addr_r} 0x40000
    echo "lazyos: U-Boot's tree copied to ${fdt_addr_r}"
fi
# lazyos-fixups-begin (tests/smoke/vf2_fdt.py runs the lines up to -end)
# Hart 0 is the S7 monitor core: no S-mode, no MMU. The vendor tree marks it
# "okay" with an Sv39 mmu-type, and starting it kills the vendor firmware.
fdt set /cpus/cpu@0 status disabled
# The vendor tree claims 4 GiB on every model (2, 4 and 8 GB exist). The
# vendor U-Boot reads the real size into memory_addr/memory_size but applies
# it only in its own boot scripts; mainline U-Boot sets neither variable.
if test -n "${memory_addr}" -a -n "${memory_size}"; then
    fdt memory ${memory_addr} ${memory_size}
    echo "lazyos: memory set to ${memory_size} bytes at ${memory_addr}"
else
    echo "lazyos: no memory_addr/memory_size: memory node left as it is"
fi
# lazyos-fixups-end
echo "lazyos: booti ${kernel_addr_r} ${lazyos_initrd} ${fdt_addr_r}"
booti ${kernel_addr_r} ${lazyos_initrd} ${fdt_addr_r}
echo "lazyos: booti failed, the kernel was not started"
