// QEMU's sifive,test finisher: ends the emulated machine and hands the host
// an exit code. Knows its one register; when to power off is the kernel's call.
#include "kernel/driver.h"
#include "kernel/printf.h"

#define TEST_PASS 0x5555 // exit status 0
#define TEST_FAIL 0x3333 // exit status in bits 31:16

static void
test_poweroff(void *dev, int code)
{
    uint32 status = (uint32)code & 0xffff;

    // A failure must not read as success on the host, even when the low 16
    // bits of its code are zero.
    if (code == 0)
        status = TEST_PASS;
    else
        status = ((status ? status : 1) << 16) | TEST_FAIL;
    *(volatile uint32 *)dev = status;
    // The store ends QEMU at once; if it did not, return so the kernel
    // falls back to SBI.
    for (volatile int i = 0; i < 1000000; i++)
        ;
}

static int
test_probe(const struct fdt *f, int node)
{
    uint64 pa, size;

    if (fdt_reg(f, node, 0, &pa, &size) < 0) {
        printf("%s: no reg\n", fdt_node_name(f, node));
        return -1;
    }
    poweroff_register(test_poweroff, (void *)kvm_map_device(pa, size));
    return 0;
}

static const char *const test_compatible[] = {
    "sifive,test0",
    "sifive,test1",
    NULL,
};

// sifive,test driver; probe offers the finisher as the machine's poweroff.
const struct driver sifive_test_driver = {
    .name = "sifive_test",
    .compatible = test_compatible,
    .probe = test_probe,
};
