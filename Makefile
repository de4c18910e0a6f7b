# lazyos build. `make` builds the kernel, user programs and disk image for
# BOARD (default qemu-virt); `make qemu` boots it; `make check` runs every
# test. Output goes to build/<board>/ (kernel) and build/ (shared parts).

BOARD ?= qemu-virt
ifeq ($(wildcard boards/$(BOARD)/board.mk),)
$(error unknown BOARD '$(BOARD)'; boards: $(notdir $(wildcard boards/*)))
endif
include boards/$(BOARD)/board.mk

B       := build/$(BOARD)
GEN     := build/gen
U       := build/user
H       := build/host
FS_IMG  := $(B)/fs.img
DISK_IMG := $(B)/disk.img

CROSS   ?= riscv64-unknown-elf-
CC      := $(CROSS)gcc
LD      := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
QEMU    ?= qemu-system-riscv64
HOSTCC  ?= cc
# `make V=1` shows full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

COMMON_CFLAGS := -mcmodel=medany -ffreestanding -fno-common -nostdlib \
    -fno-builtin -fno-stack-protector -fno-pie -no-pie -O2 -g \
    -Wall -Wextra -Wno-unused-parameter -Werror -I. -MMD -MP
# The kernel never touches F/D registers (only kernel/fpregs.S does), so user
# floating-point state survives traps without being saved.
KSUBDIRS := $(addprefix -I,$(wildcard kernel/*/))
KCFLAGS := $(COMMON_CFLAGS) -march=rv64imac_zicsr_zifencei -mabi=lp64 \
    -Ikernel $(KSUBDIRS) -I$(GEN)
UCFLAGS := $(COMMON_CFLAGS) -march=rv64gc -mabi=lp64d
HOSTCFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
    -fsanitize=address,undefined -fno-sanitize-recover=all -I. -Ikernel \
    $(KSUBDIRS)

KERNEL_ASM := boot/entry.S kernel/trampoline.S kernel/kernelvec.S \
    kernel/swtch.S kernel/fpregs.S
# Subsystems live in folders of their own (kernel/mm/, kernel/fs/, ...).
KERNEL_C   := $(wildcard kernel/*.c kernel/*/*.c)
DRIVER_C   := $(addprefix drivers/,$(addsuffix .c,$(DRIVERS)))
# Code a driver needs that is no driver of its own: the SD-card protocol
# spoken over the SiFive SPI controller.
ifneq ($(filter spi_sifive,$(DRIVERS)),)
DRIVER_C   += drivers/sd_spi.c
endif
# The DesignWare MSHC driver keeps the SD card protocol in a file of its own.
ifneq ($(filter dw_mshc,$(DRIVERS)),)
DRIVER_C   += drivers/dw_mshc_sd.c
endif
# The SiFive SPI driver reads its input clock from the PRCI's registers.
ifneq ($(filter spi_sifive,$(DRIVERS)),)
DRIVER_C   += drivers/sifive_prci.c
endif
KOBJS := $(patsubst %.S,$(B)/%.o,$(KERNEL_ASM)) \
    $(patsubst %.c,$(B)/%.o,$(KERNEL_C) $(DRIVER_C)) $(B)/driver_table.o

UPROGS := init sh echo cat ls grep wc mkdir rm ln kill halt free ps \
    lazybench usertests
# Ours (console, processes): appended so merges stay easy.
UPROGS += schedbench sleep time uptime spin
SH_OBJS := $(U)/sh.o $(U)/sh_parse.o $(U)/sh_edit.o $(U)/sh_complete.o
# The memory views of issue 8 (kernel/mm/mmap_info.c, mmap_trace.c).
UPROGS += pmap vmtrace
# The file-system benchmark (make bench runs it).
UPROGS += fsbench
# The crash test's workload (tests/crash/crash.py).
UPROGS += crashload
ULIB   := $(U)/start.o $(U)/ulib.o $(U)/printf.o $(U)/umalloc.o $(U)/usys.o
UBINS  := $(addprefix $(U)/_,$(UPROGS))
FS_FILES := $(B)/README $(UBINS)

.PHONY: all kernel qemu qemu-gdb check bench deps clean format print-qemu crash \
    sd-image qemu-run qemu-gdb-run bench-run check-run
all: $(B)/kernel.elf $(B)/kernel.bin $(FS_IMG)
kernel: $(B)/kernel.elf $(B)/kernel.bin

# ---- generated sources ----
# One run makes all three (&:), so a parallel build cannot run it twice.
$(GEN)/syscall_table.h $(GEN)/syscall_nr.h $(GEN)/usys.S &: kernel/syscall.tbl tools/gen-syscalls.sh
	tools/gen-syscalls.sh kernel/syscall.tbl $(GEN)

$(B)/driver_table.c: boards/$(BOARD)/board.mk
	@mkdir -p $(@D)
	@{ echo '// Generated from boards/$(BOARD)/board.mk: do not edit.'; \
	   echo '#include "kernel/driver.h"'; \
	   for d in $(DRIVERS); do echo "extern const struct driver $${d}_driver;"; done; \
	   echo 'const struct driver *const driver_table[] = {'; \
	   for d in $(DRIVERS); do echo "    &$${d}_driver,"; done; \
	   echo '    0,'; echo '};'; } > $@

# ---- kernel ----
$(B)/%.o: %.c | $(GEN)/syscall_table.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c -o $@ $<
$(B)/%.o: %.S
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c -o $@ $<
$(B)/driver_table.o: $(B)/driver_table.c
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c -o $@ $<

$(B)/kernel.ld: linker/kernel.ld.S boards/$(BOARD)/board.mk
	@mkdir -p $(@D)
	$(CC) -E -P -x c -DLOAD_ADDR=$(LOAD_ADDR) $< -o $@

$(B)/kernel.elf: $(KOBJS) $(B)/kernel.ld
	@echo "  LD      $@"
	$(Q)$(LD) -z max-page-size=4096 -T $(B)/kernel.ld -o $@ $(KOBJS)
	@echo "kernel: $$($(CROSS)size $@ | awk 'NR==2 { printf "text %d data %d bss %d bytes", $$1, $$2, $$3 }')"

# The raw image U-Boot's booti takes: it starts with the RISC-V Image header.
$(B)/kernel.bin: $(B)/kernel.elf
	$(OBJCOPY) -O binary $< $@

# ---- user programs ----
$(U)/%.o: user/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(UCFLAGS) -c -o $@ $<
$(U)/%.o: user/%.S
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(UCFLAGS) -c -o $@ $<
$(U)/usys.o: $(GEN)/usys.S
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(UCFLAGS) -c -o $@ $<
$(U)/usertests/%.o: user/usertests/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(UCFLAGS) -c -o $@ $<

UT_OBJS := $(patsubst user/usertests/%.c,$(U)/usertests/%.o,$(wildcard user/usertests/*.c))
$(U)/_usertests: $(UT_OBJS) $(ULIB) user/user.ld
	@echo "  LD      $@"
	$(Q)$(LD) -z max-page-size=4096 -T user/user.ld -o $@ $(ULIB) $(UT_OBJS)
$(U)/_sh: $(SH_OBJS) $(ULIB) user/user.ld
	@echo "  LD      $@"
	$(Q)$(LD) -z max-page-size=4096 -T user/user.ld -o $@ $(ULIB) $(SH_OBJS)
$(U)/_%: $(U)/%.o $(ULIB) user/user.ld
	@echo "  LD      $@"
	$(Q)$(LD) -z max-page-size=4096 -T user/user.ld -o $@ $(ULIB) $<

# ---- file system ----
$(H)/mkfs: tools/mkfs.c kernel/fs.h kernel/param.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=gnu11 -Wall -Wextra -Werror -O2 -I. -o $@ $<
$(H)/fsck: tools/fsck.c tools/fsck_check.c tools/fsck.h kernel/fs.h kernel/param.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=gnu11 -Wall -Wextra -Werror -O2 -I. -o $@ tools/fsck.c tools/fsck_check.c

# The README goes in as /README, so `cat README | wc` works in the guest.
$(B)/README: README.md
	@mkdir -p $(@D)
	cp $< $@

$(FS_IMG): $(H)/mkfs $(FS_FILES)
	@mkdir -p $(@D)
	$(H)/mkfs $@ $(FS_FILES)

# The SD-card image a board boots from (flash.sh writes the same to a card).
SD_IMG := $(B)/sd.img
$(SD_IMG): flash.sh $(B)/kernel.bin $(FS_IMG) $(wildcard boards/$(BOARD)/*)
	@rm -f $@
	./flash.sh --board $(BOARD) --image $@
sd-image: $(SD_IMG)

# The disk QEMU writes to: a copy of the board's image, made again whenever
# that image is rebuilt, kept across boots otherwise.
$(DISK_IMG): $(QEMU_DISK_SRC)
	cp $< $@

# ---- running ----
QEMU_OPTS = -machine $(QEMU_MACHINE) -smp $(QEMU_SMP) -m $(QEMU_MEM) \
    -bios $(QEMU_BIOS) -kernel $(B)/kernel.elf -nographic $(QEMU_DISK)

# The tools are installed first, in a make of their own: as plain
# prerequisites, `make -j2` would compile while apt-get is still installing.
qemu: deps
	+@$(MAKE) --no-print-directory qemu-run
qemu-run: all $(DISK_IMG)
	@echo "*** lazyos on QEMU $(QEMU_MACHINE); Ctrl-A X quits QEMU ***"
	$(QEMU) $(QEMU_OPTS)

qemu-gdb: deps
	+@$(MAKE) --no-print-directory qemu-gdb-run
qemu-gdb-run: all $(DISK_IMG)
	@echo "*** gdb-multiarch $(B)/kernel.elf -ex 'target remote :1234' ***"
	$(QEMU) $(QEMU_OPTS) -S -gdb tcp::1234

deps:
	@tools/deps.sh

# Figures in guest instructions: one hart, and -icount so that rdinstret
# counts exactly and every run gives the same numbers.
bench: deps
	+@$(MAKE) --no-print-directory bench-run
bench-run: all $(DISK_IMG)
	@python3 tests/smoke/bench.py --log $(B)/bench-console.log -- \
	    $(QEMU) $(subst -smp $(QEMU_SMP),-smp 1,$(QEMU_OPTS)) \
	    -icount shift=0,align=off,sleep=off

# The QEMU command line, for the test scripts.
print-qemu:
	@echo $(QEMU) $(QEMU_OPTS)

# ---- tests ----
# Host tests compile several sources into one binary, for which gcc's
# dependency files are incomplete: every header counts instead.
HOST_HDRS := $(wildcard kernel/*.h kernel/*/*.h drivers/*.h tests/host/*.h)
HOST_TESTS := $(H)/test_fdt $(H)/test_vm $(H)/test_sd_spi $(H)/test_uart_sifive \
    $(H)/test_boards $(H)/test_dw_mshc $(H)/test_uart_dw
# test_dw_mshc.c includes its test_dw_mshc_*.c parts; the models link in.
DW_MSHC_TEST_SRCS := tests/host/test_dw_mshc.c tests/host/dw_model.c \
    tests/host/dw_card.c tests/host/kernel_stubs.c tests/host/dw_slot.c \
    drivers/dw_mshc.c drivers/dw_mshc_sd.c kernel/fdt.c
DW_MSHC_TEST_PARTS := $(addprefix tests/host/,test_dw_mshc_attach.c \
    test_dw_mshc_rw.c test_dw_mshc_faults.c dw_model.h kernel_stubs.h dw_slot.h)
$(H)/test_dw_mshc: $(DW_MSHC_TEST_SRCS) $(DW_MSHC_TEST_PARTS) $(HOST_HDRS) \
    drivers/dw_mshc.h tests/host/hosttest.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ $(DW_MSHC_TEST_SRCS)
# The test includes drivers/uart_ns16550.c itself, to reach its static parts.
$(H)/test_uart_dw: tests/host/test_uart_dw.c drivers/uart_ns16550.c kernel/fdt.c tests/host/hosttest.h $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ tests/host/test_uart_dw.c kernel/fdt.c
# Every driver, matched against every board's tree by kernel/driver.c.
BOARDS_TEST_SRCS := tests/host/test_boards.c kernel/driver.c kernel/fdt.c \
    kernel/fdt_machine.c kernel/hart_isa.c $(wildcard drivers/*.c)
$(H)/test_boards: $(BOARDS_TEST_SRCS) tests/host/hosttest.h $(wildcard boards/*/board.mk) $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ $(BOARDS_TEST_SRCS)
# test_sd_spi.c includes its test_sd_spi_*.c parts; the models link in.
SD_SPI_TEST_SRCS := tests/host/test_sd_spi.c tests/host/sd_model.c \
    tests/host/sd_card.c tests/host/kernel_stubs.c drivers/sd_spi.c
SD_SPI_TEST_PARTS := $(addprefix tests/host/,test_sd_spi_init.c \
    test_sd_spi_rw.c test_sd_spi_faults.c sd_model.h kernel_stubs.h)
$(H)/test_sd_spi: $(SD_SPI_TEST_SRCS) $(SD_SPI_TEST_PARTS) $(HOST_HDRS) \
    drivers/sd_spi.h tests/host/hosttest.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ $(SD_SPI_TEST_SRCS)
# The test includes drivers/uart_sifive.c itself, to reach its static parts.
$(H)/test_uart_sifive: tests/host/test_uart_sifive.c drivers/uart_sifive.c kernel/fdt.c tests/host/hosttest.h $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ tests/host/test_uart_sifive.c kernel/fdt.c
VM_TEST_SRCS := kernel/mm/kalloc.c kernel/mm/vm.c kernel/mm/uvm.c kernel/mm/vmfault.c \
    kernel/mm/kcache.c kernel/mm/vmregion.c tests/host/mm_stubs.c
$(H)/test_vm: tests/host/test_vm.c $(VM_TEST_SRCS) tests/host/hosttest.h \
        tests/host/mm_stubs.h $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ tests/host/test_vm.c $(VM_TEST_SRCS)
# The mmap region list: pure bookkeeping, tested as it is.
HOST_TESTS += $(H)/test_region
$(H)/test_region: tests/host/test_region.c kernel/mm/region.c tests/host/hosttest.h $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ tests/host/test_region.c kernel/mm/region.c
# The shared file page cache over the real allocator (issue 8).
HOST_TESTS += $(H)/test_mshare
MSHARE_TEST_SRCS := tests/host/test_mshare.c kernel/mm/mmap_share.c \
    kernel/mm/kalloc.c kernel/mm/kcache.c tests/host/mm_stubs.c
$(H)/test_mshare: $(MSHARE_TEST_SRCS) tests/host/hosttest.h tests/host/mm_stubs.h \
        $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ $(MSHARE_TEST_SRCS)
# test_fdt.c includes its test_fdt_*.c parts; the builder links in.
FDT_TEST_SRCS := tests/host/test_fdt.c tests/host/fdt_builder.c kernel/fdt.c kernel/hart_isa.c \
    kernel/fdt_machine.c
FDT_TEST_PARTS := $(addprefix tests/host/,test_fdt_boards.c test_fdt_blobs.c \
    test_fdt_machine.c test_fdt_isa.c fdt_builder.h)
$(H)/test_fdt: $(FDT_TEST_SRCS) $(FDT_TEST_PARTS) tests/host/hosttest.h $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ $(FDT_TEST_SRCS)

# The SPI controller's input clock from the PRCI, and the SCK divider. The
# test includes drivers/spi_sifive.c itself, to reach its static parts.
SPI_CLOCK_TEST_SRCS := tests/host/test_spi_clock.c drivers/sifive_prci.c \
    drivers/sd_spi.c tests/host/kernel_stubs.c kernel/fdt.c
$(H)/test_spi_clock: $(SPI_CLOCK_TEST_SRCS) drivers/spi_sifive.c \
    tests/host/hosttest.h $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ $(SPI_CLOCK_TEST_SRCS)
HOST_TESTS += $(H)/test_spi_clock
# What the kernel reads from a tree, for tests/smoke/vf2_fdt.py.
$(H)/machine_dump: tests/host/machine_dump.c kernel/fdt.c kernel/fdt_machine.c \
    kernel/hart_isa.c $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ tests/host/machine_dump.c kernel/fdt.c \
	    kernel/fdt_machine.c kernel/hart_isa.c
HOST_TESTS += $(H)/machine_dump

check: deps
	+@$(MAKE) --no-print-directory check-run
check-run: all $(HOST_TESTS) $(H)/fsck $(SD_IMG)
	+@tests/check.sh $(BOARD)

clean:
	rm -rf build

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# Keep intermediate objects: rebuilding is slower, and make's "rm ..." line
# would otherwise follow the test summary at the end of `make check`.
.SECONDARY:

-include $(shell find build -name '*.d' 2>/dev/null)

# The crash test alone, any number of cuts: `make crash CUTS=100`.
CUTS ?= 10
crash: all $(H)/fsck
	@cp $(FS_IMG) $(B)/crash.img
	python3 tests/crash/crash.py --cuts $(CUTS) --image $(B)/crash.img \
	    --fsck $(H)/fsck --log $(B)/crash-console.log -- \
	    $(QEMU) $(subst $(DISK_IMG),$(B)/crash.img,$(QEMU_OPTS))

# The in-guest fuzzer walks the generated call list (SYS_LIST).
$(U)/usertests/fuzz_args.o $(U)/usertests/t_fuzz.o: | $(GEN)/syscall_nr.h

# ---- hart-boot tests: a test firmware for QEMU virt (tests/loader/) ----
# One build per mode: every hart enters the kernel at once (all), the same
# without HSM (nohsm), or an HSM that never starts hart 2 (lie) or starts
# it too late (late).
LOADER_SRCS := tests/loader/start.S tests/loader/loader.c tests/loader/sbi_calls.c
LOADER_ELFS := $(addprefix build/loader/loader-,$(addsuffix .elf,all nohsm lie late))
build/loader/loader-%.elf: $(LOADER_SRCS) tests/loader/loader.h tests/loader/loader.ld
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -ffreestanding \
	    -nostdlib -fno-builtin -O2 -Wall -Wextra -Werror -DMODE_$*=1 \
	    -Wl,--no-warn-rwx-segments \
	    -T tests/loader/loader.ld -o $@ $(LOADER_SRCS)
check-run: $(LOADER_ELFS)
# test_vm.c includes its part on the uvm.c walkers.
$(H)/test_vm: tests/host/test_vm_uvm.c
