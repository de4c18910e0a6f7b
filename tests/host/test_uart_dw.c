// Host tests of the DesignWare flavour of drivers/uart_ns16550.c (the
// VisionFive 2 console) against a register model, using the real VF2 tree's
// uart0 node. Usage: test_uart_dw [DTB_DIR].
//
// The driver reaches its registers through plain volatile pointers, not a
// replaceable ops table, so the model sits behind the memory itself: the
// page kvm_map_device() hands out is inaccessible, each access faults, the
// SIGSEGV handler plays the register (a read gets the model's value, a
// write is caught by single-stepping the store and reading it back). This
// needs x86-64 Linux; elsewhere those tests skip. What needs no model (the
// node's decoding) runs everywhere.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "drivers/uart_ns16550.c"

static const char *dtb_dir = "../shared/dtb";

// ---- kernel stubs ----

static uint8 plain_page[4096]; // probe's registers when no model runs
static uint8 *map_to = plain_page;
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
} con_reg;
static char received[256];
static int nreceived;

uint64
kvm_map_device(uint64 pa, uint64 size)
{
    mapped_pa = pa;
    mapped_size = size;
    return (uint64)map_to;
}

void
irq_register(uint irq, void (*fn)(void *arg), void *arg)
{
    irq_reg.calls++;
    irq_reg.irq = irq;
    irq_reg.fn = fn;
    irq_reg.arg = arg;
}

void
console_register(const struct console_ops *ops, void *dev, int fdt_node)
{
    (void)fdt_node;
    con_reg.calls++;
    con_reg.ops = ops;
    con_reg.dev = dev;
}

void
console_intr(int c)
{
    if (nreceived < (int)sizeof(received))
        received[nreceived++] = (char)c;
}

// ---- the register model: a DesignWare APB UART ----

static struct {
    uint32 shift, width; // how it is wired: accesses must match
    int dw;              // has USR and busy-detect
    uint8 rx[64];        // bytes waiting to be received
    int rx_len, rx_pos;
    char tx[256];
    int tx_len;
    int thre_waits;  // LSR reads that still report no room
    long busy_reads; // USR reads that still report busy; -1: always
    int busy_detect; // interrupt pending: LCR was written while busy
    uint32 ier, lcr, mcr, dll, dlm, fcr;
    int lcr_writes, ignored_writes, usr_reads, lsr_reads, rbr_reads;
    long accesses;
    int bad; // accesses of the wrong width or place
    char first_bad[128];
} um;

static void
model_reset(uint32 shift, uint32 width, int dw)
{
    memset(&um, 0, sizeof um);
    um.shift = shift;
    um.width = width;
    um.dw = dw;
    nreceived = 0;
}

static void
bad_access(const char *what, uint32 off, int width)
{
    if (um.bad++ == 0)
        snprintf(um.first_bad, sizeof um.first_bad, "%s at 0x%x, %d bytes",
                 what, off, width);
}

// The interrupt line to the PLIC.
static int
model_irq(void)
{
    return ((um.ier & 1) && um.rx_pos < um.rx_len) || um.busy_detect;
}

static int
model_busy(void)
{
    return um.busy_reads != 0;
}

// Register number of an access, or -1 for one between registers. A wrong
// width is counted but served, so the driver carries on to be judged.
static int
model_reg(uint32 off, int width)
{
    if (width != (int)um.width || off % (1U << um.shift))
        bad_access("access", off, width);
    return off % (1U << um.shift) ? -1 : (int)(off >> um.shift);
}

// peek: the value without read side effects (for read-modify-writes).
static uint32
model_read(uint32 off, int width, int peek)
{
    int r = model_reg(off, width), dlab = um.lcr & 0x80;

    switch (r) {
    case UART_RBR:
        if (dlab)
            return um.dll;
        if (um.rx_pos == um.rx_len)
            return 0;
        um.rbr_reads += !peek;
        return peek ? um.rx[um.rx_pos] : um.rx[um.rx_pos++];
    case UART_IER:
        return dlab ? um.dlm : um.ier;
    case UART_IIR: // FIFOs on; received data outranks busy-detect
        if ((um.ier & 1) && um.rx_pos < um.rx_len)
            return 0xc4;
        return um.busy_detect ? 0xc7 : 0xc1;
    case UART_LCR:
        return um.lcr;
    case UART_MCR:
        return um.mcr;
    case UART_LSR:
        um.lsr_reads += !peek;
        if (um.thre_waits > 0 && !peek) {
            um.thre_waits--;
            return um.rx_pos < um.rx_len;
        }
        return 0x60 | (um.rx_pos < um.rx_len);
    case UART_USR:
        if (!um.dw) {
            bad_access("USR read on a plain 16550", off, width);
            return 0;
        }
        r = 0x6 | model_busy(); // FIFO states: never in the way
        if (!peek) {
            um.usr_reads++;
            um.busy_detect = 0;
            um.busy_reads -= um.busy_reads > 0;
        }
        return r;
    }
    return 0;
}

// DLL, DLM and LCR cannot be written while a DesignWare UART is busy.
static void
model_write(uint32 off, int width, uint32 val)
{
    int r = model_reg(off, width), dlab = um.lcr & 0x80;
    int locked = um.dw && model_busy();

    if (r == UART_LCR || (dlab && (r == UART_DLL || r == UART_DLM))) {
        um.lcr_writes += r == UART_LCR;
        if (locked) {
            um.ignored_writes++;
            um.busy_detect = 1;
            return;
        }
    }
    if (r == UART_THR && !dlab) {
        if (um.thre_waits > 0)
            bad_access("THR written while full", off, width);
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
        bad_access("write", off, width);
    }
}

static int
model_clean(void)
{
    if (um.bad == 0)
        return 1;
    printf("  model: %d bad access(es), first: %s\n", um.bad, um.first_bad);
    return ht_fail(__FILE__, __LINE__, "the driver broke a model rule");
}

// ---- the model behind the memory (x86-64 Linux) ----

#if defined(__x86_64__) && defined(__linux__)
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#define EFLAGS_TF 0x100      // trap after the next instruction
#define ACCESS_LIMIT 300000L // more and the driver is looping forever

static uint8 *mmio; // one page, PROT_NONE while no access is in flight
static struct {
    int busy, write, width;
    uint32 off;
} pend;
static sigjmp_buf hang_jmp;

// Operand size of the x86-64 memory instruction at p: 1, 2, 4, 8, or 0
// for one this decoder does not know (compilers use few for MMIO).
static int
insn_width(const uint8 *p)
{
    int size = 4;

    for (;; p++) {
        if (*p == 0x66)
            size = 2;
        else if ((*p & 0xf0) == 0x40) // REX; W gives 64 bits
            size = (*p & 8) ? 8 : size;
        else
            break;
    }
    if (p[0] == 0x0f) // movzx, movsx
        return (p[1] == 0xb6 || p[1] == 0xbe)   ? 1
               : (p[1] == 0xb7 || p[1] == 0xbf) ? 2
                                                : 0;
    // Loads, stores, tests and compares: byte form, then full form.
    static const uint8 ops[][2] = {
        {0x88, 0x89}, {0x8a, 0x8b}, {0xc6, 0xc7}, {0x84, 0x85},
        {0xf6, 0xf7}, {0x80, 0x81}, {0x38, 0x39}, {0x3a, 0x3b},
        {0x08, 0x09}, {0x0a, 0x0b}, {0x20, 0x21}, {0x22, 0x23},
    };
    for (uint32 i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (p[0] == ops[i][0] || p[0] == ops[i][1])
            return p[0] == ops[i][0] ? 1 : size;
    if (p[0] == 0x83) // arithmetic with an 8-bit immediate
        return size;
    return 0;
}

// An access to the page: let it through for one instruction, with the
// model's value in place for a read.
static void
on_segv(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uint8 *a = si->si_addr;
    uint32 v;

    (void)sig;
    if (mmio == NULL || a < mmio || a >= mmio + 4096 || pend.busy) {
        signal(SIGSEGV, SIG_DFL); // a real crash: let it happen
        return;
    }
    if (++um.accesses > ACCESS_LIMIT)
        siglongjmp(hang_jmp, 1);
    pend.busy = 1;
    pend.off = a - mmio;
    pend.write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
    pend.width = insn_width((const uint8 *)uc->uc_mcontext.gregs[REG_RIP]);
    mprotect(mmio, 4096, PROT_READ | PROT_WRITE);
    v = model_read(pend.off, pend.width, pend.write);
    memcpy(a, &v, pend.width >= 1 && pend.width <= 4 ? pend.width : 1);
    uc->uc_mcontext.gregs[REG_EFL] |= EFLAGS_TF;
}

// The instruction ran: hand a store to the model, close the page again.
static void
on_trap(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uint32 v = 0;

    (void)sig, (void)si;
    if (!pend.busy) {
        signal(SIGTRAP, SIG_DFL);
        return;
    }
    uc->uc_mcontext.gregs[REG_EFL] &= ~EFLAGS_TF;
    if (pend.write) {
        memcpy(&v, mmio + pend.off,
               pend.width >= 1 && pend.width <= 4 ? pend.width : 1);
        model_write(pend.off, pend.width, v);
    }
    mprotect(mmio, 4096, PROT_NONE);
    pend.busy = 0;
}

// Maps the page and installs the handlers once; 0 if that failed.
static int
traps_on(void)
{
    struct sigaction sa;

    if (mmio != NULL)
        return 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = on_segv;
    if (sigaction(SIGSEGV, &sa, NULL) < 0)
        return 0;
    sa.sa_sigaction = on_trap;
    if (sigaction(SIGTRAP, &sa, NULL) < 0)
        return 0;
    mmio = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mmio == MAP_FAILED)
        mmio = NULL;
    return mmio != NULL;
}

// Runs fn with the model behind the page; a driver that never stops
// touching it is cut off and fails the test.
static void
with_model(void (*fn)(void))
{
    map_to = mmio;
    if (sigsetjmp(hang_jmp, 1) == 0)
        fn();
    else
        ht_fail(__FILE__, __LINE__, "driver kept polling: unbounded loop");
    map_to = plain_page;
}

#define MODEL_OR_SKIP()                                                        \
    do {                                                                       \
        if (!traps_on())                                                       \
            SKIP("no MMIO trapping on this host");                             \
    } while (0)

#else
static uint8 *mmio;

// Never reached (every caller skips first); it keeps the model in use.
static void
with_model(void (*fn)(void))
{
    (void)model_read, (void)model_write;
    fn();
}

#define MODEL_OR_SKIP() SKIP("MMIO trapping needs x86-64 Linux")
#endif

// ---- tests ----

static struct fdt tree;
static uint8 *blob;
static int node, result;
static struct uart u; // a DW UART wired like the VF2's, on the model page

// Loads DTB_DIR/file and finds `path` in it; FDT_NONE if either fails.
static int
load(const char *file, const char *path)
{
    char name[512];
    FILE *fp;
    long n;

    free(blob);
    blob = NULL;
    snprintf(name, sizeof name, "%s/%s", dtb_dir, file);
    if ((fp = fopen(name, "rb")) == NULL)
        return FDT_NONE;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0) {
        rewind(fp);
        blob = malloc(n);
        if (fread(blob, 1, n, fp) != (size_t)n) {
            free(blob);
            blob = NULL;
        }
    }
    fclose(fp);
    if (blob == NULL || fdt_init(&tree, blob) < 0)
        return FDT_NONE;
    return fdt_find_path(&tree, path);
}

static void
test_vf2_node(void)
{
    struct uart v;

    node = load("visionfive2.dtb", "/soc/serial@10000000");
    if (blob == NULL)
        SKIP("visionfive2.dtb not found");
    if (!CHECK(node != FDT_NONE) ||
        !CHECK_EQ(uart_from_fdt(&tree, node, &v), 0))
        return;
    CHECK_EQ(v.shift, 2);
    CHECK_EQ(v.width, 4);
    CHECK(v.dw);
    CHECK_EQ(v.base, (uint64)plain_page);
    CHECK_EQ(mapped_pa, 0x10000000);
    CHECK_EQ(mapped_size, 0x10000);
    CHECK_EQ(fdt_irq(&tree, node), 32);
}

static void
test_qemu_virt_node(void)
{
    struct uart v;

    node = load("qemu-virt.dtb", "/soc/serial@10000000");
    if (blob == NULL)
        SKIP("qemu-virt.dtb not found");
    if (!CHECK(node != FDT_NONE) ||
        !CHECK_EQ(uart_from_fdt(&tree, node, &v), 0))
        return;
    CHECK_EQ(v.shift, 0);
    CHECK_EQ(v.width, 1);
    CHECK(!v.dw);
}

static void
probe_node(void)
{
    result = uart_probe(&tree, node);
}

// The VF2 console: 32-bit accesses at 4-byte strides, the firmware's line
// settings kept (the node gives no clock-frequency), RX interrupt on.
static void
test_probe_vf2(void)
{
    MODEL_OR_SKIP();
    node = load("visionfive2.dtb", "/soc/serial@10000000");
    if (node == FDT_NONE)
        SKIP("visionfive2.dtb not found");
    model_reset(2, 4, 1);
    memset(&irq_reg, 0, sizeof irq_reg);
    memset(&con_reg, 0, sizeof con_reg);
    with_model(probe_node);
    CHECK_EQ(result, 0);
    CHECK_EQ(um.fcr, FCR_FIFO_ENABLE | FCR_RX_RESET);
    CHECK(um.mcr & MCR_OUT2);
    CHECK_EQ(um.ier, IER_RX_AVAIL);
    CHECK_EQ(um.lcr_writes, 0);
    CHECK(um.accesses >= 4); // FCR, MCR read and write, IER
    CHECK_EQ(irq_reg.calls, 1);
    CHECK_EQ(irq_reg.irq, 32);
    CHECK(irq_reg.fn == uart_intr && irq_reg.arg == con_reg.dev);
    CHECK_EQ(con_reg.calls, 1);
    model_clean();
}

// QEMU virt's ns16550a: byte registers, and no USR to touch.
static void
test_probe_plain_16550(void)
{
    MODEL_OR_SKIP();
    node = load("qemu-virt.dtb", "/soc/serial@10000000");
    if (node == FDT_NONE)
        SKIP("qemu-virt.dtb not found");
    model_reset(0, 1, 0);
    um.busy_reads = -1; // would block LCR writes on a DesignWare part
    with_model(probe_node);
    CHECK_EQ(result, 0);
    CHECK_EQ(um.dll, 2); // 3686400 / (16 * 115200)
    CHECK_EQ(um.lcr, LCR_8N1);
    CHECK_EQ(um.usr_reads, 0);
    model_clean();
}

static void
dw_uart(void)
{
    memset(&u, 0, sizeof u);
    u.base = (uint64)mmio;
    u.shift = 2;
    u.width = 4;
    u.dw = 1;
    model_reset(2, 4, 1);
}

static void
init_line_24mhz(void)
{
    uart_init_line(&u, 24000000, 115200);
}

// A zero divisor gets programmed, each LCR write only once USR says idle.
static void
test_lcr_waits_for_idle(void)
{
    MODEL_OR_SKIP();
    dw_uart();
    um.busy_reads = 5;
    with_model(init_line_24mhz);
    CHECK_EQ(um.ignored_writes, 0);
    CHECK_EQ(um.busy_detect, 0);
    CHECK(um.usr_reads >= 6);
    CHECK_EQ(um.dll, 13);
    CHECK_EQ(um.dlm, 0);
    CHECK_EQ(um.lcr, LCR_8N1);
    model_clean();
}

static void
test_firmware_divisor_kept(void)
{
    MODEL_OR_SKIP();
    dw_uart();
    um.dll = 13;
    um.lcr = 0x1b; // 8 bits, even parity: whatever firmware chose
    um.busy_reads = 2;
    with_model(init_line_24mhz);
    CHECK_EQ(um.dll, 13);
    CHECK_EQ(um.lcr, 0x1b);
    CHECK_EQ(um.lcr_writes, 2); // DLAB on to look, off again
    CHECK_EQ(um.ignored_writes, 0);
    model_clean();
}

static void
set_lcr_8n1(void)
{
    uart_set_lcr(&u, LCR_8N1);
}

static void
intr(void)
{
    uart_intr(&u);
}

// A UART that never goes idle: the wait gives up after its bound, the
// write is lost and raises busy-detect, which the next interrupt clears.
static void
test_busy_forever_bounded(void)
{
    MODEL_OR_SKIP();
    dw_uart();
    um.busy_reads = -1;
    um.ier = IER_RX_AVAIL;
    with_model(set_lcr_8n1);
    CHECK_EQ(um.usr_reads, UART_BUSY_SPINS);
    CHECK_EQ(um.ignored_writes, 1);
    CHECK(model_irq());
    with_model(intr);
    CHECK(!model_irq());
    CHECK_EQ(nreceived, 0);
    model_clean();
}

// Busy-detect alone: one interrupt, one USR read, the line drops.
static void
test_busy_detect_cleared(void)
{
    MODEL_OR_SKIP();
    dw_uart();
    um.ier = IER_RX_AVAIL;
    um.busy_detect = 1;
    with_model(intr);
    CHECK(!model_irq());
    CHECK_EQ(um.usr_reads, 1);
    CHECK_EQ(nreceived, 0);
    model_clean();
}

// Busy-detect behind received data (IIR shows the data first): the line
// stays up after the first interrupt and drops after the second.
static void
test_busy_detect_behind_rx(void)
{
    int calls = 0;

    MODEL_OR_SKIP();
    dw_uart();
    um.ier = IER_RX_AVAIL;
    um.busy_detect = 1;
    memcpy(um.rx, "ab", 2);
    um.rx_len = 2;
    while (model_irq() && calls < 10) { // the PLIC keeps calling
        with_model(intr);
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
    MODEL_OR_SKIP();
    dw_uart();
    um.ier = IER_RX_AVAIL;
    memcpy(um.rx, "ls -l\r", 6);
    um.rx_len = 6;
    with_model(intr);
    CHECK_EQ(nreceived, 6);
    CHECK(memcmp(received, "ls -l\r", 6) == 0);
    CHECK_EQ(um.rbr_reads, 6);
    CHECK_EQ(um.usr_reads, 0); // no busy-detect: USR left alone
    CHECK(!model_irq());
    with_model(intr); // a spurious interrupt delivers nothing
    CHECK_EQ(nreceived, 6);
    model_clean();
}

static void
putc_ok(void)
{
    uart_putc(&u, 'o');
    uart_putc(&u, 'k');
}

static void
test_putc_waits_for_room(void)
{
    MODEL_OR_SKIP();
    dw_uart();
    um.thre_waits = 3;
    with_model(putc_ok);
    CHECK_EQ(um.tx_len, 2);
    CHECK(memcmp(um.tx, "ok", 2) == 0);
    CHECK_EQ(um.lsr_reads, 3 + 1 + 1);
    model_clean();
}

int
main(int argc, char **argv)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_vf2_node),
        HT_TEST(test_qemu_virt_node),
        HT_TEST(test_probe_vf2),
        HT_TEST(test_probe_plain_16550),
        HT_TEST(test_lcr_waits_for_idle),
        HT_TEST(test_firmware_divisor_kept),
        HT_TEST(test_busy_forever_bounded),
        HT_TEST(test_busy_detect_cleared),
        HT_TEST(test_busy_detect_behind_rx),
        HT_TEST(test_intr_drains_rx),
        HT_TEST(test_putc_waits_for_room),
    };
    int r;

    if (argc > 1)
        dtb_dir = argv[1];
    r = HT_RUN(tests);
    free(blob);
    return r;
}
