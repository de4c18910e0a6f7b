# QEMU sifive_u (model of the HiFive Unleashed, FU540). Data only; see
# README.md beside this file.
RAM_BASE     := 0x80000000
LOAD_ADDR    := 0x80200000
# Drivers linked into the kernel, named after their files in drivers/.
DRIVERS      := plic uart_sifive spi_sifive
QEMU_MACHINE := sifive_u
# 1 E51 (no MMU) + 4 U54, like the real chip; -smp 4 would give 3 U54s.
QEMU_SMP     ?= 5
QEMU_MEM     ?= 512M
# Debian's OpenSBI fw_jump starts the payload at 0x80200000 with the device
# tree at 0x82200000 (kernel + BSS must stay below 32 MiB).
QEMU_BIOS    ?= /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
# The SD card sits on SPI2; QEMU wants its size to be a power of two, which
# flash.sh guarantees.
# QEMU boots a working copy (DISK_IMG) of it.
QEMU_DISK_SRC = $(B)/sd.img
QEMU_DISK    = -drive if=sd,file=$(DISK_IMG),format=raw

# ---- SD card, as flash.sh lays it out (GPT) ----
# Nothing in front of the FAT. Debian's U-Boot has no SPI/MMC driver for
# sifive_u, so QEMU loads the kernel with -kernel; the FAT only carries a
# copy of kernel.bin (no boot.cmd here).
SD_FIRMWARE    :=
UBOOT_FAT_PART := 1
UBOOT_KERNEL   := kernel.bin
UBOOT_UENV     := no
JTAG_CFG       :=
