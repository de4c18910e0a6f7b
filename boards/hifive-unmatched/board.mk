# SiFive HiFive Unmatched (FU740-C000). Data only; see README.md beside this
# file.
RAM_BASE     := 0x80000000
LOAD_ADDR    := 0x80200000
# Drivers linked into the kernel, named after their files in drivers/.
DRIVERS      := plic uart_sifive spi_sifive
# No QEMU model of this board (qemu-sifive-u is its older sibling).

# ---- SD card, as flash.sh lays it out (GPT) ----
# Partitions in front of the FAT, name:first-sector:last-sector:type. With
# MSEL 1011 the ZSBL loads U-Boot SPL from the partition of the first type;
# SPL reads u-boot.itb from sector 2082. Fill them with --spl/--uboot.
SD_FIRMWARE    := spl:34:2081:5B193300-FC78-40CD-8002-E86C45580B47 \
                  uboot:2082:10273:2E54B353-1271-4842-806F-E436D6AF6985
# The FAT partition U-Boot boots from (marked bootable, so it is scanned).
UBOOT_FAT_PART := 3
# The kernel file on the FAT, as boot.cmd loads it.
UBOOT_KERNEL   := kernel.bin
UBOOT_UENV     := no
# OpenOCD configuration (in this folder) for the on-board FT2232H JTAG.
JTAG_CFG       := openocd.cfg
