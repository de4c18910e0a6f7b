# QEMU virt: the reference machine. Data only; see ../../README.md.
RAM_BASE     := 0x80000000
LOAD_ADDR    := 0x80200000
# Drivers linked into the kernel, named after their files in drivers/.
DRIVERS      := plic uart_ns16550 virtio_mmio_blk sifive_test
QEMU_MACHINE := virt
QEMU_SMP     ?= 4
QEMU_MEM     ?= 512M
# QEMU's own OpenSBI (fw_dynamic) starts the kernel ELF as its payload.
QEMU_BIOS    ?= default
# QEMU boots a working copy (DISK_IMG) of this image, so fs.img stays as
# mkfs made it.
QEMU_DISK_SRC = $(FS_IMG)
QEMU_DISK    = -drive file=$(DISK_IMG),if=none,format=raw,id=disk0 \
               -device virtio-blk-device,drive=disk0,bus=virtio-mmio-bus.0
