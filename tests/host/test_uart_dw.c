// Host tests of drivers/uart_ns16550.c, mostly its DesignWare flavour (the
// VisionFive 2 console), through its mmio ops table and a register model,
// with the real VF2 and QEMU virt trees. Usage: test_uart_dw [DTB_DIR].
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "drivers/uart_ns16550.c"

static const char *dtb_dir = "../shared/dtb";

// ---- kernel stubs ----

static uint32 plain_page[1024]; // what probe "maps": real MMIO lands here
static uint64 mapped_pa, mapped_size;
static struct {
    int irq_calls, con_calls;
    uint irq;
    void (*irq_fn)(void *);
    void *irq_arg, *con_dev;
    const struct console_ops *con_ops;
} reg; // what the driver registered
static char received[256];
static int nreceived; // bytes kept in received[]
static long nintr;    // console_intr calls, uncapped
static int rx_room;   // what console_rx_room() reports (model_reset: plenty)
static int nstalls;   // console_rx_stall() calls

uint64
kvm_map_device(uint64 pa, uint64 size)
{
    mapped_pa = pa;
    mapped_size = size;
    return (uint64)plain_page;
}

int
irq_register(uint irq, void (*fn)(void *arg), void *arg)
{
    reg.irq_calls++;
    reg.irq = irq;
    reg.irq_fn = fn;
    reg.irq_arg = arg;
    return 0;
}

void
console_register(const struct console_ops *ops, void *dev, int fdt_node)
{
    (void)fdt_node;
    reg.con_calls++;
    reg.con_ops = ops;
    reg.con_dev = dev;
}

void
console_intr(int c)
{
    nintr++;
    if (rx_room > 0)
        rx_room--; // the ring fills as the console takes bytes
    if (nreceived < (int)sizeof(received))
        received[nreceived++] = (char)c;
}

// Input flow control: the room the console reports, and the stalls the
// driver reported to it.

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

// ---- the register model: a DesignWare APB UART, or a plain 16550 ----

// Accesses after which the model lets a polling driver go (reports THRE,
// no data, not busy) and the test fails: an unbounded loop ends, loudly.
#define ACCESS_LIMIT (2L * UART_TX_SPINS)

static struct {
    uint64 base;                  // address of register 0
    uint32 shift, width;          // how it is wired: accesses must match
    int dw;                       // has USR and busy-detect
    uint8 rx[64];                 // bytes waiting to be received
    int rx_len, rx_pos, rx_stuck; // stuck: LSR.DR never clears
    char tx[256];                 // bytes sent
    int tx_len;
    long thre_waits; // LSR reads that still report no room; -1: always
    long busy_reads; // USR reads that still report busy; -1: always
    int busy_detect; // interrupt pending: LCR was written while busy
    uint32 ier, lcr, mcr, dll, dlm, fcr;
    int lcr_writes, ignored_writes, rbr_reads;
    long usr_reads, lsr_reads, accesses;
    uint64 usr_off; // offset of the last USR read
    int bad;        // accesses of the wrong width or place
    char first_bad[128];
} um;

static void
model_reset(uint64 base, uint32 shift, uint32 width, int dw)
{
    um = (__typeof__(um)){
        .base = base, .shift = shift, .width = width, .dw = dw};
    nreceived = 0;
    nintr = 0;
    rx_room = 1 << 20;
    nstalls = 0;
}

static void
bad_access(const char *what, uint64 off, uint32 width)
{
    if (um.bad++ == 0)
        snprintf(um.first_bad, sizeof um.first_bad, "%s at 0x%llx, %u bytes",
                 what, (unsigned long long)off, width);
}

#define model_released() (um.accesses > ACCESS_LIMIT)
#define model_rx_ready() (um.rx_pos < um.rx_len || um.rx_stuck)
#define model_busy() (um.busy_reads != 0 && !model_released())
// The interrupt line to the PLIC.
#define model_irq() (((um.ier & 1) && model_rx_ready()) || um.busy_detect)

// Register number of an access, or -1 for one between registers. A wrong
// width is counted but served, so the driver carries on to be judged.
static int
model_reg(uint64 addr, uint32 width)
{
    uint64 off = addr - um.base, step = 1U << um.shift;

    um.accesses++;
    if (width != um.width || off % step || off / step > UART_USR)
        bad_access("access", off, width);
    return off % step ? -1 : (int)(off / step);
}

static uint32
model_read(uint64 addr, uint32 width)
{
    int r = model_reg(addr, width), dlab = um.lcr & 0x80;

    switch (r) {
    case UART_RBR: // a stuck receiver reads as noise: 0, a break
        if (dlab)
            return um.dll;
        um.rbr_reads++;
        return um.rx_stuck || um.rx_pos == um.rx_len ? 0 : um.rx[um.rx_pos++];
    case UART_IER:
        return dlab ? um.dlm : um.ier;
    case UART_IIR: // FIFOs on; received data outranks busy-detect
        if ((um.ier & 1) && model_rx_ready())
            return 0xc4;
        return um.busy_detect ? 0xc7 : 0xc1;
    case UART_LCR:
        return um.lcr;
    case UART_MCR:
        return um.mcr;
    case UART_LSR:
        um.lsr_reads++;
        if (model_released())
            return 0x60;
        if (um.thre_waits != 0) {
            um.thre_waits -= um.thre_waits > 0;
            return model_rx_ready();
        }
        return 0x60 | model_rx_ready();
    case UART_USR:
        if (!um.dw) {
            bad_access("USR read on a plain 16550", addr - um.base, width);
            return 0;
        }
        r = 0x6 | model_busy(); // FIFO states: never in the way
        um.usr_reads++;
        um.usr_off = addr - um.base;
        um.busy_detect = 0;
        um.busy_reads -= um.busy_reads > 0;
        return r;
    }
    return 0;
}

// DLL, DLM and LCR cannot be written while a DesignWare UART is busy.
static void
model_write(uint64 addr, uint32 width, uint32 val)
{
    int r = model_reg(addr, width), dlab = um.lcr & 0x80;

    if (r == UART_LCR || (dlab && (r == UART_DLL || r == UART_DLM))) {
        um.lcr_writes += r == UART_LCR;
        if (um.dw && model_busy()) {
            um.ignored_writes++;
            um.busy_detect = 1;
            return;
        }
    }
    if (r == UART_THR && !dlab) {
        if (um.thre_waits != 0 && !model_released())
            bad_access("THR written while full", addr - um.base, width);
        else if (um.tx_len < (int)sizeof um.tx)
            um.tx[um.tx_len++] = (char)val;
    } else if (r == UART_DLL) {
        um.dll = val & 0xff;
    } else if (r == UART_IER) {
        *(dlab ? &um.dlm : &um.ier) = val & 0xff;
    } else if (r == UART_FCR) {
        um.fcr = val;
        if (val & FCR_RX_RESET)
            um.rx_pos = um.rx_len;
    } else if (r == UART_LCR) {
        um.lcr = val & 0xff;
    } else if (r == UART_MCR) {
        um.mcr = val;
    } else if (r >= 0) {
        bad_access("write", addr - um.base, width);
    }
}

static const struct uart_mmio_ops model_ops = {
    .read = model_read,
    .write = model_write,
};

static int
model_clean(void)
{
    if (model_released())
        return ht_fail(__FILE__, __LINE__, "driver kept polling: unbounded");
    if (um.bad == 0)
        return 1;
    printf("  model: %d bad access(es), first: %s\n", um.bad, um.first_bad);
    return ht_fail(__FILE__, __LINE__, "the driver broke a model rule");
}

// ---- tests ----

static struct fdt tree;
static uint8 *blob;
static struct uart u; // the UART under test, its registers the model's

#define DTB_MAX (1 << 20) // the real trees are tens of KiB

// Loads DTB_DIR/file and finds its uart0 node; FDT_NONE if either fails.
static int
load(const char *file)
{
    char name[512];
    FILE *fp;
    size_t n;

    snprintf(name, sizeof name, "%s/%s", dtb_dir, file);
    if (blob == NULL)
        blob = malloc(DTB_MAX);
    if ((fp = fopen(name, "rb")) == NULL)
        return FDT_NONE;
    n = fread(blob, 1, DTB_MAX, fp);
    fclose(fp);
    if (n == 0 || n == DTB_MAX || fdt_init(&tree, blob) < 0)
        return FDT_NONE;
    return fdt_find_path(&tree, "/soc/serial@10000000");
}

// Decodes the node into u (real MMIO by default), then puts the model
// behind it; FDT_NONE if the tree is missing or the node undrivable.
static int
load_uart(const char *file, int dw)
{
    int node = load(file);

    memset(&u, 0, sizeof u);
    if (node == FDT_NONE || !CHECK_EQ(uart_from_fdt(&tree, node, &u), 0))
        return FDT_NONE;
    CHECK(u.io == &uart_mmio);
    CHECK_EQ(u.base, (uint64)plain_page);
    model_reset(u.base, u.shift, u.width, dw);
    u.io = &model_ops;
    return node;
}

// Real MMIO, over a plain page: the whole probe writes the VF2's 32-bit
// registers at 4-byte steps, and byte registers get byte accesses.
static void
test_probe_real_mmio(void)
{
    int node = load("visionfive2.dtb");
    struct uart *v = &uarts[nuarts];
    uint8 b[3] = {0xee, 0xee, 0xee};

    uart_mmio_write((uint64)&b[1], 1, 0x1234);
    CHECK(b[0] == 0xee && b[1] == 0x34 && b[2] == 0xee);
    CHECK_EQ(uart_mmio_read((uint64)&b[1], 1), 0x34);
    if (node == FDT_NONE)
        SKIP("visionfive2.dtb not found");
    memset(plain_page, 0, sizeof plain_page);
    if (!CHECK_EQ(uart_probe(&tree, node), 0))
        return;
    CHECK(v->io == &uart_mmio && reg.con_dev == v);
    CHECK_EQ(plain_page[UART_FCR], FCR_FIFO_ENABLE | FCR_RX_RESET);
    CHECK_EQ(plain_page[UART_MCR], MCR_OUT2);
    CHECK_EQ(plain_page[UART_IER], IER_RX_AVAIL);
}

// The VF2 console: 32-bit accesses at 4-byte strides, the firmware's line
// settings kept (the node gives no clock-frequency), RX interrupt on.
static void
test_start_vf2(void)
{
    int node = load_uart("visionfive2.dtb", 1);

    if (node == FDT_NONE)
        SKIP("visionfive2.dtb not found");
    CHECK(u.shift == 2 && u.width == 4 && u.dw);
    CHECK(mapped_pa == 0x10000000 && mapped_size == 0x10000);
    memset(&reg, 0, sizeof reg);
    uart_start(&u, &tree, node);
    CHECK_EQ(um.fcr, FCR_FIFO_ENABLE | FCR_RX_RESET);
    CHECK(um.mcr & MCR_OUT2);
    CHECK_EQ(um.ier, IER_RX_AVAIL);
    CHECK_EQ(um.lcr_writes, 0);
    CHECK(reg.irq_calls == 1 && reg.irq == 32);
    CHECK(reg.irq_fn == uart_intr && reg.irq_arg == &u);
    CHECK(reg.con_calls == 1 && reg.con_dev == &u);
    CHECK(reg.con_ops == &uart_console_ops);
    model_clean();
}

// QEMU virt's ns16550a: byte registers at 1-byte steps, and no USR.
static void
test_start_qemu_virt(void)
{
    int node = load_uart("qemu-virt.dtb", 0);

    if (node == FDT_NONE)
        SKIP("qemu-virt.dtb not found");
    CHECK(u.shift == 0 && u.width == 1 && !u.dw);
    um.busy_reads = -1; // would block LCR writes on a DesignWare part
    uart_start(&u, &tree, node);
    CHECK_EQ(um.dll, 2); // 3686400 / (16 * 115200)
    CHECK_EQ(um.lcr, LCR_8N1);
    CHECK_EQ(um.usr_reads, 0);
    CHECK_EQ(um.ier, IER_RX_AVAIL);
    model_clean();
}

// A DW UART wired like the VF2's, without a tree.
static void
dw_uart(void)
{
    u = (struct uart){
        .io = &model_ops, .base = 0x10000000, .shift = 2, .width = 4, .dw = 1};
    model_reset(u.base, 2, 4, 1);
    um.ier = IER_RX_AVAIL; // as probe leaves it
}

// A zero divisor gets programmed, each LCR write only once USR says idle.
static void
test_lcr_waits_idle(void)
{
    dw_uart();
    um.busy_reads = 5;
    uart_init_line(&u, 24000000, 115200);
    CHECK_EQ(um.ignored_writes, 0);
    CHECK_EQ(um.busy_detect, 0);
    CHECK(um.usr_reads >= 6);
    CHECK_EQ(um.dll, 13);
    CHECK_EQ(um.dlm, 0);
    CHECK_EQ(um.lcr, LCR_8N1);
    model_clean();
}

static void
test_divisor_kept(void)
{
    dw_uart();
    um.dll = 13;
    um.lcr = 0x1b; // 8 bits, even parity: whatever firmware chose
    um.busy_reads = 2;
    uart_init_line(&u, 24000000, 115200);
    CHECK_EQ(um.dll, 13);
    CHECK_EQ(um.lcr, 0x1b);
    CHECK_EQ(um.lcr_writes, 2); // DLAB on to look, off again
    CHECK_EQ(um.ignored_writes, 0);
    model_clean();
}

// A UART that never goes idle: the wait gives up after its bound, the
// write is lost and raises busy-detect, which the next interrupt clears.
static void
test_busy_forever(void)
{
    dw_uart();
    um.busy_reads = -1;
    uart_set_lcr(&u, LCR_8N1);
    CHECK_EQ(um.usr_reads, UART_BUSY_SPINS);
    CHECK_EQ(um.ignored_writes, 1);
    CHECK(model_irq());
    uart_intr(&u);
    CHECK(!model_irq());
    CHECK_EQ(nreceived, 0);
    model_clean();
}

// Busy-detect alone: one interrupt, one USR read (at 0x7c), line down.
static void
test_busy_detect(void)
{
    dw_uart();
    um.busy_detect = 1;
    uart_intr(&u);
    CHECK(!model_irq());
    CHECK_EQ(um.usr_reads, 1);
    CHECK_EQ(um.usr_off, 0x7c);
    CHECK_EQ(nreceived, 0);
    model_clean();
}

// Busy-detect behind received data (IIR shows the data first): the line
// stays up after the first interrupt and drops after the second.
static void
test_busy_behind_rx(void)
{
    int calls = 0;

    dw_uart();
    um.busy_detect = 1;
    memcpy(um.rx, "ab", 2);
    um.rx_len = 2;
    while (model_irq() && calls < 10) { // the PLIC keeps calling
        uart_intr(&u);
        calls++;
    }
    CHECK_EQ(calls, 2);
    CHECK_EQ(nreceived, 2);
    CHECK(memcmp(received, "ab", 2) == 0);
    model_clean();
}

static void
test_intr_drains_rx(void)
{
    dw_uart();
    memcpy(um.rx, "ls -l\r", 6);
    um.rx_len = 6;
    uart_intr(&u);
    CHECK_EQ(nreceived, 6);
    CHECK(memcmp(received, "ls -l\r", 6) == 0);
    CHECK_EQ(um.rbr_reads, 6);
    CHECK_EQ(um.usr_reads, 0); // no busy-detect: USR left alone
    CHECK(!model_irq());
    uart_intr(&u); // a spurious interrupt delivers nothing
    CHECK_EQ(nreceived, 6);
    model_clean();
}

// LSR.DR that never clears: each interrupt takes a bounded burst and
// returns; the interrupt stays pending, so real data would not be lost.
static void
test_intr_stuck_dr(void)
{
    dw_uart();
    um.rx_stuck = 1;
    uart_intr(&u);
    CHECK_EQ(um.rbr_reads, UART_RX_BURST);
    CHECK_EQ(nintr, UART_RX_BURST);
    CHECK(model_irq());
    uart_intr(&u);
    CHECK_EQ(nintr, 2 * UART_RX_BURST);
    model_clean();
}

// putc waits for room, but THRE that never comes costs one byte, not
// the kernel: it is dropped after the bound, and output goes on after.
static void
test_putc_bounded(void)
{
    dw_uart();
    um.thre_waits = 3;
    uart_putc(&u, 'o');
    uart_putc(&u, 'k');
    CHECK_EQ(um.lsr_reads, 3 + 1 + 1);
    um.thre_waits = -1;
    uart_putc(&u, 'x');
    CHECK_EQ(um.lsr_reads, 5 + UART_TX_SPINS);
    um.thre_waits = 0;
    uart_putc(&u, '!');
    CHECK_EQ(um.tx_len, 3);
    CHECK(memcmp(um.tx, "ok!", 3) == 0);
    model_clean();
}

// Flow control: with room for two bytes the driver takes two, leaves the
// rest in the FIFO, masks its receive interrupt and tells the console;
// rx_resume unmasks it, and the next interrupt brings the rest.
static void
test_rx_flow_control(void)
{
    dw_uart();
    um.ier = IER_RX_AVAIL;
    memcpy(um.rx, "hello", 5);
    um.rx_len = 5;
    rx_room = 2;
    uart_intr(&u);
    CHECK_EQ(nreceived, 2);
    CHECK_EQ(um.rbr_reads, 2);
    CHECK_EQ(nstalls, 1);
    CHECK_EQ(um.ier & IER_RX_AVAIL, 0);
    rx_room = 100;
    uart_rx_resume(&u);
    CHECK(um.ier & IER_RX_AVAIL);
    uart_intr(&u);
    CHECK_EQ(nreceived, 5);
    CHECK(memcmp(received, "hello", 5) == 0);
    CHECK_EQ(nstalls, 1);
    model_clean();
}

int
main(int argc, char **argv)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_probe_real_mmio), HT_TEST(test_start_vf2),
        HT_TEST(test_start_qemu_virt), HT_TEST(test_lcr_waits_idle),
        HT_TEST(test_divisor_kept),    HT_TEST(test_busy_forever),
        HT_TEST(test_busy_detect),     HT_TEST(test_busy_behind_rx),
        HT_TEST(test_intr_drains_rx),  HT_TEST(test_intr_stuck_dr),
        HT_TEST(test_putc_bounded),    HT_TEST(test_rx_flow_control),
    };
    int r;

    if (argc > 1)
        dtb_dir = argv[1];
    r = HT_RUN(tests);
    free(blob);
    return r;
}
