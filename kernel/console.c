// The console device: sends output to the chosen UART (SBI until one
// registers) and runs the line discipline behind devsw[CONSOLE].
// Knows console_ops, devsw and sleep/wakeup; never a UART's registers.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "file.h"
#include "driver.h"
#include "sbi.h"
#include "console.h"
#include "printf.h"

#define CTRL(x) ((x) - '@')
#define DEL 0x7f       // what most terminals send for backspace
#define INPUT_SIZE 512 // input ring; a power of two so indices can wrap
#define CHUNK 64       // bytes moved per either_copyin/either_copyout

// Lives here with the rest of console.h; only panic() (printf.c) sets it.
volatile int panicked;

// The output device. Written only while drivers are probed on the boot
// hart, before any other hart runs, so readers need no lock.
static const struct console_ops *out_ops;
static void *out_dev;
static int out_node = FDT_NONE;
static int stdout_node = FDT_NONE;

// Input ring. Indices only grow; byte i lives at buf[i % INPUT_SIZE].
// [rd, ready) is finished input that readers may take; [ready, edit) is the
// line still being typed, which backspace and ^U may shorten.
static struct {
    struct spinlock lock;
    char buf[INPUT_SIZE];
    uint rd;
    uint ready;
    uint edit;
} in;

static void
put_raw(int c)
{
    if (out_ops != NULL)
        out_ops->putc(out_dev, c);
    else
        sbi_console_putchar(c);
}

// Any context; no lock, so panic() can always print.
void
console_putc(int c)
{
    // A real terminal needs the carriage return; QEMU does not mind it.
    if (c == '\n')
        put_raw('\r');
    put_raw(c);
}

// Any context, like console_putc().
void
console_puts(const char *s)
{
    while (*s)
        console_putc(*s++);
}

// Boot hart, before drivers are probed.
void
console_set_stdout_node(int node)
{
    stdout_node = node;
}

// Boot hart, during driver probing. Keeps the first console offered, except
// that the stdout-path device replaces any other.
void
console_register(const struct console_ops *ops, void *dev, int fdt_node)
{
    int for_stdout = fdt_node != FDT_NONE && fdt_node == stdout_node;

    if (out_ops != NULL && (!for_stdout || out_node == stdout_node))
        return;
    out_dev = dev;
    out_node = fdt_node;
    out_ops = ops;
}

// in.lock held; there is an unfinished byte to erase.
static void
erase_last(void)
{
    in.edit--;
    console_putc('\b');
    console_putc(' ');
    console_putc('\b');
}

// in.lock held. Stores and echoes c, and finishes the line on newline, ^D
// or a full ring (a full ring must go to readers or nothing drains it).
static void
add_input(int c)
{
    if (in.edit - in.rd == INPUT_SIZE)
        return;
    in.buf[in.edit++ % INPUT_SIZE] = c;
    if (c != CTRL('D'))
        console_putc(c);
    if (c == '\n' || c == CTRL('D') || in.edit - in.rd == INPUT_SIZE) {
        in.ready = in.edit;
        wakeup(&in.rd);
    }
}

// Interrupt context (UART receive handler); takes in.lock.
void
console_intr(int c)
{
    int dump = 0;

    acquire(&in.lock);
    switch (c) {
    case 0: // a line break condition reads as NUL: not input
        break;
    case CTRL('P'):
        dump = 1;
        break;
    case CTRL('U'):
        while (in.edit != in.ready)
            erase_last();
        break;
    case DEL:
    case '\b':
        if (in.edit != in.ready)
            erase_last();
        break;
    case '\r':
        add_input('\n');
        break;
    default:
        add_input(c);
        break;
    }
    release(&in.lock);
    // procdump() prints and may take process locks: not under in.lock.
    if (dump)
        procdump();
}

// in.lock held, input ready. Moves up to max bytes into out, stopping after
// a newline or at a ^D (which is consumed, not copied); sets *end then.
static int
take_input(char *out, int max, int *end)
{
    int len = 0;

    while (len < max && in.rd != in.ready) {
        char c = in.buf[in.rd++ % INPUT_SIZE];
        if (c == CTRL('D')) {
            *end = 1;
            break;
        }
        out[len++] = c;
        if (c == '\n') {
            *end = 1;
            break;
        }
    }
    return len;
}

// devsw read: sleeps until a line (or ^D) is ready, then returns up to n
// bytes of it; 0 for ^D at the start of a line. -1 if the process is
// killed while waiting or dst is bad before anything was copied.
static int
consoleread(int user_dst, uint64 dst, int n)
{
    char chunk[CHUNK];
    int total = 0;
    int end = 0;

    if (n < 0)
        return -1;
    while (total < n && !end) {
        int len;

        acquire(&in.lock);
        while (in.rd == in.ready) {
            if (killed(myproc())) {
                release(&in.lock);
                return -1;
            }
            sleep(&in.rd, &in.lock);
        }
        len = take_input(chunk, n - total < CHUNK ? n - total : CHUNK, &end);
        release(&in.lock);
        // Copy without in.lock: a lazy user page may be faulted in here.
        if (len > 0 && either_copyout(user_dst, dst + total, chunk, len) < 0)
            return total > 0 ? total : -1;
        total += len;
    }
    return total;
}

// devsw write: polled output of n bytes. Returns n, or fewer (-1 if none)
// when src turns bad.
static int
consolewrite(int user_src, uint64 src, int n)
{
    char chunk[CHUNK];
    int total = 0;

    if (n < 0)
        return -1;
    while (total < n) {
        int len = n - total < CHUNK ? n - total : CHUNK;

        if (either_copyin(chunk, user_src, src + total, len) < 0)
            return total > 0 ? total : -1;
        for (int i = 0; i < len; i++)
            console_putc(chunk[i]);
        total += len;
    }
    return total;
}

// Boot hart, once, before the first process can open the console.
void
console_init(void)
{
    initlock(&in.lock, "console");
    devsw[CONSOLE].read = consoleread;
    devsw[CONSOLE].write = consolewrite;
    // The boot log's console line; the driver's own line above names it.
    if (out_ops == NULL)
        printf("console: no UART driver took it: output through SBI, no "
               "input; expected the /chosen stdout-path UART, try a board "
               "whose DRIVERS list its UART\n");
    else if (stdout_node != FDT_NONE && out_node == stdout_node)
        printf("console: the /chosen stdout-path UART\n");
    else
        printf("console: the first UART found (no driver for the "
               "/chosen stdout-path)\n");
}
