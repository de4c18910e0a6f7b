// Boot: read the device tree, bring up memory, paging, devices and the
// first process on the hart OpenSBI chose, then start the other harts.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "fdt.h"
#include "machine.h"
#include "driver.h"
#include "kalloc.h"
#include "vm.h"
#include "proc.h"
#include "trap.h"
#include "sbi.h"
#include "printf.h"
#include "console.h"
#include "blkdev.h"
#include "inode.h"
#include "ramdisk.h"
#include "harts.h"

extern char kernel_start[], kernel_end[];

static struct fdt boot_fdt;
static struct machine machine;
static int boot_done; // set when secondaries may start scheduling

static void __attribute__((noreturn))
resv_overflow(void)
{
    panic("boot: expected at most %d reserved memory ranges, found more in "
          "the tree; raise MACHINE_MAX_RESV in kernel/machine.h",
          MACHINE_MAX_RESV);
}

static void
reserve(uint64 base, uint64 size)
{
    if (machine_reserve(&machine, base, size) < 0)
        resv_overflow();
}

// The firmware hand-off, the tree and memory: one boot-log line each. A
// tree the kernel cannot use stops the boot here, saying what to try.
static void
read_boot_tree(uint64 hartid, uint64 fdt_pa)
{
    printf("\nlazyos: booting on hart %ld, device tree at %p, firmware ",
           (long)hartid, (void *)fdt_pa);
    sbi_print_firmware();
    printf("\n");
    // The tree must be 8-byte aligned; a1 = 0 is U-Boot's go or bootelf.
    if (fdt_pa == 0 || fdt_pa % 8 != 0)
        panic("boot: expected a device tree address in a1, found %p; boot "
              "with booti and a tree (booti ${kernel_addr_r} - ${fdt_addr_r})",
              (void *)fdt_pa);
    if (fdt_init(&boot_fdt, (void *)fdt_pa) < 0)
        panic("boot: expected a device tree (magic 0xd00dfeed, version >= 16) "
              "at %p, found magic 0x%x; pass the board's tree to booti",
              (void *)fdt_pa, fdt_be32((const uint8 *)fdt_pa));
    int r = machine_from_fdt(&boot_fdt, &machine);
    if (machine.nmem == 0)
        panic("boot: expected a /memory node with a reg in the device tree, "
              "found none; pass the board's own .dtb to booti");
    if (r < 0)
        resv_overflow();
    printf("lazyos: device tree: %u bytes, %d harts, timebase %lu Hz%s, "
           "bootargs \"%s\"\n", boot_fdt.totalsize, machine.nharts,
           machine.timebase_hz, machine.timebase_hz ? "" : " (absent!)",
           machine.bootargs);
    printf("lazyos: memory:");
    for (int i = 0; i < machine.nmem; i++)
        printf(" %p+%lu MiB", (void *)machine.mem[i].base,
               machine.mem[i].size >> 20);
    printf(", %d reserved ranges in the tree\n", machine.nresv);
}

// Ranges the page allocator must never hand out, beyond the tree's own.
static void
reserve_boot_ranges(uint64 fdt_pa)
{
    uint64 ks = (uint64)kernel_start, ke = (uint64)kernel_end;
    // RAM below the image in its bank is left to the firmware: OpenSBI
    // lives there, and not every firmware declares all it uses.
    for (int i = 0; i < machine.nmem; i++) {
        uint64 lo = machine.mem[i].base;
        if (ks >= lo && ks < lo + machine.mem[i].size)
            reserve(lo, ks - lo);
    }
    reserve(ks, ke - ks);
    reserve(PGROUNDDOWN(fdt_pa),
            PGROUNDUP(fdt_pa + boot_fdt.totalsize) - PGROUNDDOWN(fdt_pa));
    if (machine.initrd_end > machine.initrd_start)
        reserve(PGROUNDDOWN(machine.initrd_start),
                PGROUNDUP(machine.initrd_end) -
                    PGROUNDDOWN(machine.initrd_start));
}

static int
hart_has_sstc(uint32 hartid)
{
    for (int i = 0; i < machine.nharts; i++)
        if (machine.harts[i].hartid == hartid)
            return machine.harts[i].has_sstc;
    return 0;
}

void
kmain(uint64 hartid, uint64 fdt_pa)
{
    cpus[0].hartid = hartid;
    ncpu = 1;
    sbi_init();
    printf_init();
    read_boot_tree(hartid, fdt_pa);
    reserve_boot_ranges(fdt_pa);
    kalloc_init(&machine);
    kvm_init(&machine);
    // The tree and the initrd are read after paging is on, wherever the
    // boot loader put them (even below the kernel, which kvm_init skips).
    kvm_map_ram(PGROUNDDOWN(fdt_pa), boot_fdt.totalsize + fdt_pa % PGSIZE);
    if (machine.initrd_end > machine.initrd_start)
        kvm_map_ram(machine.initrd_start,
                    machine.initrd_end - machine.initrd_start);
    console_set_stdout_node(machine.stdout_node);
    // The initrd first: it must win over disks even if they fill the table.
    ramdisk_init(machine.initrd_start, machine.initrd_end);
    driver_probe_all(&boot_fdt);
    kvm_init_hart();
    trap_init();
    trap_init_hart();
    proc_init();
    fs_init();
    console_init();
    if (blkdev_init() < 0)
        panic("no disk for the root file system");
    irq_enable_all();
    irq_init_hart();
    timer_init(machine.timebase_hz, hart_has_sstc(hartid));
    timer_init_hart();
    printf("lazyos: %lu MiB free of %lu MiB, kernel %lu KiB\n",
           kalloc_free_pages() / 256, kalloc_total_pages() / 256,
           ((uint64)kernel_end - (uint64)kernel_start) / 1024);
    userinit();
    cpus[0].started = 1;
    harts_start(&machine, (uint32)hartid);
    __atomic_store_n(&boot_done, 1, __ATOMIC_RELEASE);
    scheduler();
}

void
kmain_secondary(uint64 hartid, uint64 idx)
{
    kvm_init_hart();
    trap_init_hart();
    irq_init_hart();
    timer_init_hart();
    __atomic_store_n(&cpus[idx].started, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&boot_done, __ATOMIC_ACQUIRE))
        ;
    scheduler();
}
