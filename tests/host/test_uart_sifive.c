// Host tests of drivers/uart_sifive.c: probe against QEMU sifive_u's tree
// with a fake register page, then output, input and the interrupt handler
// against a register model. Usage: test_uart_sifive [DTB_DIR].
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "drivers/uart_sifive.c"

static const char *dtb_dir = "../shared/dtb";

// ---- kernel stubs ----

static uint32 fake_page[1024]; // what probe "maps"
static uint64 mapped_pa, mapped_size;
static struct {
    int calls;
    uint irq;
    void (*fn)(void *);
    void *arg;
} irq_reg;
static struct {
    int calls;
    const struct console_ops *ops;
    void *dev;
    int node;
} con_reg;
static char received[256];
static int nreceived;

uint64
kvm_map_device(uint64 pa, uint64 size)
{
    mapped_pa = pa;
    mapped_size = size;
    return (uint64)fake_page;
}

int
irq_register(uint irq, void (*fn)(void *arg), void *arg)
{
    irq_reg.calls++;
    irq_reg.irq = irq;
    irq_reg.fn = fn;
    irq_reg.arg = arg;
    return 0;
}

void
console_register(const struct console_ops *ops, void *dev, int fdt_node)
{
    con_reg.calls++;
    con_reg.ops = ops;
    con_reg.dev = dev;
    con_reg.node = fdt_node;
}

void
console_intr(int c)
{
    if (nreceived < (int)sizeof(received))
        received[nreceived++] = (char)c;
}

// Input flow control: the room the console reports, and the stalls the
// driver reported to it.
static int rx_room = 1 << 20;
static int nstalls;

int
console_rx_room(void)
{
    return rx_room;
}

void
console_rx_stall(const struct console_ops *ops, void *dev)
{
    (void)ops;
    (void)dev;
    nstalls++;
}

// ---- register model ----

static struct {
    uint64 base;
    int full_reads; // reads of txdata that report a full FIFO; -1: always
    uint8 rx[64];   // bytes waiting to be received
    int rx_len, rx_pos;
    int rx_stuck;   // rxdata never reads empty (a wedged UART)
    int rx_reads, tx_reads;
    char tx[256]; // bytes sent
    int tx_len;
    uint32 regs[8]; // the control registers, by offset / 4
} model;

static uint32
model_read32(uint64 addr)
{
    uint32 off = addr - model.base;

    if (off == SUART_TXDATA) {
        model.tx_reads++;
        if (model.full_reads != 0) {
            model.full_reads -= model.full_reads > 0;
            return SUART_FULL;
        }
        return 0;
    }
    if (off == SUART_RXDATA) {
        model.rx_reads++;
        if (model.rx_stuck)
            return 'x';
        if (model.rx_pos == model.rx_len)
            return SUART_EMPTY | 0x5a; // low bits are not data when empty
        return model.rx[model.rx_pos++];
    }
    return model.regs[off / 4];
}

static void
model_write32(uint64 addr, uint32 val)
{
    uint32 off = addr - model.base;

    if (off == SUART_TXDATA) {
        if (val > 0xff || model.full_reads != 0)
            model.tx_len = -1000; // bad value, or written while full
        else if (model.tx_len >= 0 && model.tx_len < (int)sizeof(model.tx))
            model.tx[model.tx_len++] = (char)val;
        return;
    }
    model.regs[off / 4] = val;
}

static const struct suart_mmio_ops model_ops = {
    .read32 = model_read32,
    .write32 = model_write32,
};

// A UART whose registers are the model's, in a fresh state.
static struct suart
model_uart(void)
{
    memset(&model, 0, sizeof(model));
    model.base = 0x10010000;
    return (struct suart){.io = &model_ops, .base = model.base};
}

// ---- tests ----

static uint8 *
read_dtb(const char *name)
{
    char path[512];
    FILE *fp;
    long n;
    uint8 *buf;

    snprintf(path, sizeof path, "%s/%s", dtb_dir, name);
    if ((fp = fopen(path, "rb")) == NULL)
        return NULL;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    rewind(fp);
    buf = malloc(n > 0 ? n : 1);
    if (n <= 0 || fread(buf, 1, n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

static void
test_probe_qemu_tree(void)
{
    uint8 *blob = read_dtb("qemu-sifive-u.dtb");
    struct fdt f;
    int node;

    if (blob == NULL)
        SKIP("qemu-sifive-u.dtb not found");
    if (!CHECK_EQ(fdt_init(&f, blob), 0))
        goto out;
    node = fdt_find_compatible(&f, FDT_NONE, "sifive,uart0");
    fake_page[SUART_TXCTRL / 4] = 0x2;       // nstop, left by firmware
    fake_page[SUART_RXCTRL / 4] = 0x5 << 16; // rxcnt 5
    fake_page[0x18 / 4] = 0x123;             // div
    CHECK_EQ(suart_probe(&f, node), 0);
    CHECK_EQ(mapped_pa, 0x10010000);
    CHECK_EQ(mapped_size, 0x1000);
    CHECK_EQ(fake_page[SUART_TXCTRL / 4], 0x3);
    CHECK_EQ(fake_page[SUART_RXCTRL / 4], 0x1);
    CHECK_EQ(fake_page[SUART_IE / 4], SUART_IE_RXWM);
    CHECK_EQ(fake_page[0x18 / 4], 0x123); // firmware's divisor kept
    CHECK_EQ(irq_reg.calls, 1);
    CHECK_EQ(irq_reg.irq, 4);
    CHECK(irq_reg.fn == suart_intr && irq_reg.arg == con_reg.dev);
    CHECK_EQ(con_reg.calls, 1);
    CHECK_EQ(con_reg.node, node);
    CHECK(con_reg.ops == &suart_console_ops);
out:
    free(blob);
}

static void
test_start_without_irq(void)
{
    struct suart u = model_uart();

    irq_reg.calls = 0;
    model.regs[SUART_IE / 4] = 0x3;
    suart_start(&u, -1, FDT_NONE);
    CHECK_EQ(model.regs[SUART_IE / 4], 0);
    CHECK_EQ(irq_reg.calls, 0);
    CHECK(model.regs[SUART_TXCTRL / 4] & SUART_TXEN);
    CHECK(model.regs[SUART_RXCTRL / 4] & SUART_RXEN);
}

static void
test_putc_order_and_wait(void)
{
    struct suart u = model_uart();

    suart_putc(&u, 'o');
    model.full_reads = 5;
    suart_putc(&u, 'k');
    suart_putc(&u, 0xff);
    CHECK_EQ(model.tx_len, 3);
    CHECK(memcmp(model.tx, "ok\xff", 3) == 0);
    CHECK_EQ(model.tx_reads, 1 + 6 + 1); // waited out the full FIFO
}

static void
test_putc_gives_up(void)
{
    struct suart u = model_uart();

    model.full_reads = -1;
    suart_putc(&u, 'x'); // returns: a wedged UART must not hang the kernel
    CHECK_EQ(model.tx_len, 0);
    CHECK_EQ(model.tx_reads, SUART_TX_SPINS);
}

static void
test_getc_pops_once(void)
{
    static const uint8 in[3] = {0x00, 0xff, 'a'};
    struct suart u = model_uart();

    CHECK_EQ(suart_getc(&u), -1);
    CHECK_EQ(model.rx_reads, 1);
    memcpy(model.rx, in, sizeof in);
    model.rx_len = sizeof in;
    CHECK_EQ(suart_getc(&u), 0x00);
    CHECK_EQ(suart_getc(&u), 0xff);
    CHECK_EQ(suart_getc(&u), 'a');
    CHECK_EQ(suart_getc(&u), -1);
    CHECK_EQ(model.rx_reads, 5); // one read per byte, one to see empty
}

static void
test_intr_drains(void)
{
    struct suart u = model_uart();

    nreceived = 0;
    memcpy(model.rx, "ls -l\r", 6);
    model.rx_len = 6;
    suart_intr(&u);
    CHECK_EQ(nreceived, 6);
    CHECK(memcmp(received, "ls -l\r", 6) == 0);
    CHECK_EQ(model.rx_reads, 7);
    suart_intr(&u); // a spurious interrupt delivers nothing
    CHECK_EQ(nreceived, 6);
}

// A UART that never reads empty: each interrupt still returns, after a
// bounded number of bytes (the interrupt stays pending for the rest).
static void
test_intr_stuck_rx(void)
{
    struct suart u = model_uart();

    nreceived = 0;
    model.rx_stuck = 1;
    suart_intr(&u);
    CHECK_EQ(model.rx_reads, SUART_RX_BURST);
    suart_intr(&u);
    CHECK_EQ(model.rx_reads, 2 * SUART_RX_BURST);
}

static void
test_probe_limit(void)
{
    uint8 *blob = read_dtb("qemu-sifive-u.dtb");
    struct fdt f;
    int node, ok = 0;

    if (blob == NULL)
        SKIP("qemu-sifive-u.dtb not found");
    if (CHECK_EQ(fdt_init(&f, blob), 0)) {
        node = fdt_find_compatible(&f, FDT_NONE, "sifive,uart0");
        for (int i = 0; i < SUART_MAX + 2; i++)
            ok += suart_probe(&f, node) == 0;
        CHECK_EQ(ok + 1, SUART_MAX); // test_probe_qemu_tree took one
    }
    free(blob);
}

int
main(int argc, char **argv)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_probe_qemu_tree),     HT_TEST(test_start_without_irq),
        HT_TEST(test_putc_order_and_wait), HT_TEST(test_putc_gives_up),
        HT_TEST(test_getc_pops_once),      HT_TEST(test_intr_drains),
        HT_TEST(test_probe_limit),         HT_TEST(test_intr_stuck_rx),
    };

    if (argc > 1)
        dtb_dir = argv[1];
    return HT_RUN(tests);
}
