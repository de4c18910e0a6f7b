# StarFive VisionFive 2 (JH7110). Data only; see README.md beside this file.
RAM_BASE     := 0x40000000
# booti moves the Image to RAM base + text_offset (2 MiB): link it there.
LOAD_ADDR    := 0x40200000
# Drivers linked into the kernel, named after their files in drivers/.
DRIVERS      := plic uart_ns16550 dw_mshc
# No QEMU model of this board: no QEMU_* values.

# ---- SD card, as flash.sh lays it out (GPT) ----
# Partitions in front of the FAT, name:first-sector:last-sector:type. They
# copy StarFive's own SD image (SPL 2 MiB @2 MiB, U-Boot 4 MiB @4 MiB) so the
# FAT is partition 3, where the vendor U-Boot looks. Empty unless flash.sh
# gets --spl/--uboot; the board normally boots U-Boot from its SPI flash.
SD_FIRMWARE    := spl:4096:8191:2E54B353-1271-4842-806F-E436D6AF6985 \
                  uboot:8192:16383:5B193300-FC78-40CD-8002-E86C45580B47
# The FAT partition U-Boot boots from (vendor fatbootpart=1:3 = mmc 1, p3).
UBOOT_FAT_PART := 3
# The kernel file on the FAT, as boot.cmd loads it.
UBOOT_KERNEL   := kernel.bin
# The vendor U-Boot imports uEnv.txt from the FAT before its distro boot.
UBOOT_UENV     := yes
# No confirmed OpenOCD configuration for this board.
JTAG_CFG       :=
