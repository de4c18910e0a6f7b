// The console device: sends output to the chosen UART (SBI until one
// registers) and runs the line discipline behind devsw[CONSOLE], cooked or
// raw, with ^C for the foreground job and input flow control. Knows
// console_ops, devsw, wait queues and kill(); never a UART's registers.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "proc.h"
#include "file.h"
#include "driver.h"
#include "sbi.h"
#include "console.h"
#include "printf.h"
#include "jobs.h"

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
// line still being typed, which backspace and ^U may shorten (cooked mode;
// in raw mode ready == edit always).
static struct {
    struct spinlock lock;
    struct waitq readers;
    char buf[INPUT_SIZE];
    uint rd;
    uint ready;
    uint edit;
    int mode; // CONSOLE_COOKED or CONSOLE_RAW
    int fg;   // foreground process group, killed by ^C; 0 for none
    // A driver that stopped taking bytes because the ring was full, and
    // how to tell it there is room again (docs/processes.md, flow control).
    const struct console_ops *stalled_ops;
    void *stalled_dev;
} in;

// Held for a whole write(): one program's line never has another's
// characters in the middle (kernel printf and echo do not take it).
static struct sleeplock write_lock;

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

// in.lock held. Stores c and, cooked, echoes it and finishes the line on
// newline, ^D or a full ring (a full ring must go to readers or nothing
// drains it). Drivers check console_rx_room() first, so there is room.
static void
add_input(int c)
{
    if (in.edit - in.rd == INPUT_SIZE)
        return;
    in.buf[in.edit++ % INPUT_SIZE] = c;
    if (in.mode == CONSOLE_RAW) {
        in.ready = in.edit;
        waitq_wake_all(&in.readers);
        return;
    }
    if (c != CTRL('D'))
        console_putc(c);
    if (c == '\n' || c == CTRL('D') || in.edit - in.rd == INPUT_SIZE) {
        in.ready = in.edit;
        waitq_wake_all(&in.readers);
    }
}

// in.lock held. ^C: with a foreground job, everything typed is dropped
// (it was meant for the job) and the group's id returned for killing.
// Without one, cooked mode drops the line being typed and raw mode passes
// the byte on: the shell's editor clears its line itself.
static int
interrupt(void)
{
    int victim = in.fg;
    if (victim > 0) {
        in.rd = in.ready = in.edit;
        console_puts("^C\n");
    } else if (in.mode == CONSOLE_RAW) {
        add_input(CTRL('C'));
    } else {
        in.edit = in.ready;
        console_puts("^C\n");
    }
    return victim;
}

// in.lock held. Cooked-mode editing of the line being typed; 0 if c is
// no editing key.
static int
cooked_edit(int c)
{
    switch (c) {
    case CTRL('U'):
        while (in.edit != in.ready)
            erase_last();
        return 1;
    case DEL:
    case '\b':
        if (in.edit != in.ready)
            erase_last();
        return 1;
    case '\r':
        add_input('\n');
        return 1;
    default:
        return 0;
    }
}

// Interrupt context (UART receive handler); takes in.lock.
void
console_intr(int c)
{
    int dump = 0, victim = 0;

    acquire(&in.lock);
    if (c == CTRL('C'))
        victim = interrupt();
    else if (c == CTRL('P'))
        dump = 1;
    else if (c == 0)
        ; // a line break condition reads as NUL: not input
    else if (in.mode == CONSOLE_RAW || !cooked_edit(c))
        add_input(c);
    release(&in.lock);
    // Both print or take process locks: not under in.lock.
    if (victim > 0)
        kill_group(victim);
    if (dump)
        procdump();
}

int
console_rx_room(void)
{
    return INPUT_SIZE - (int)(__atomic_load_n(&in.edit, __ATOMIC_RELAXED) -
                              __atomic_load_n(&in.rd, __ATOMIC_RELAXED));
}

void
console_rx_stall(const struct console_ops *ops, void *dev)
{
    acquire(&in.lock);
    // A reader may have made room since the driver looked: then resume at
    // once, or nobody would.
    if (in.edit - in.rd < INPUT_SIZE) {
        ops->rx_resume(dev);
    } else {
        in.stalled_ops = ops;
        in.stalled_dev = dev;
    }
    release(&in.lock);
}

// in.lock held, after a reader took bytes: lets a stalled driver go on.
static void
rx_unstall(void)
{
    if (in.stalled_ops) {
        in.stalled_ops->rx_resume(in.stalled_dev);
        in.stalled_ops = 0;
    }
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
        // Killed readers take nothing, even when input is there: after a
        // ^C, what is typed next is for the shell, not for the job.
        while (in.rd == in.ready || killed(myproc())) {
            if (killed(myproc())) {
                release(&in.lock);
                return -1;
            }
            waitq_sleep(&in.readers, &in.lock);
        }
        len = take_input(chunk, n - total < CHUNK ? n - total : CHUNK, &end);
        rx_unstall();
        // Raw mode returns what there is, as soon as there is something.
        if (in.mode == CONSOLE_RAW)
            end = 1;
        release(&in.lock);
        // Copy without in.lock: a lazy user page may be faulted in here.
        if (len > 0 && either_copyout(user_dst, dst + total, chunk, len) < 0)
            return total > 0 ? total : -1;
        total += len;
    }
    return total;
}

// devsw write: polled output of n bytes, whole, between other writers'.
// Returns n, or fewer (-1 if none) when src turns bad or the writer is
// killed. Process context: it may sleep for the write lock.
static int
consolewrite(int user_src, uint64 src, int n)
{
    char chunk[CHUNK];
    int total = 0;

    if (n < 0)
        return -1;
    acquiresleep(&write_lock);
    // A killed writer stops between chunks, so a long write cannot keep
    // the others waiting after ^C.
    while (total < n && !(total > 0 && killed(myproc()))) {
        int len = n - total < CHUNK ? n - total : CHUNK;

        if (either_copyin(chunk, user_src, src + total, len) < 0)
            break;
        for (int i = 0; i < len; i++)
            console_putc(chunk[i]);
        total += len;
    }
    releasesleep(&write_lock);
    return total > 0 || n == 0 ? total : -1;
}

// Boot hart, once, before the first process can open the console.
void
console_init(void)
{
    initlock(&in.lock, "console");
    waitq_init(&in.readers, "console");
    initsleeplock(&write_lock, "console write");
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

// in.lock held, switching raw to cooked: input typed ahead while the raw
// reader was not looking is echoed now, as cooked mode would have done,
// and becomes ready up to its last line end; the rest stays editable.
static void
cook_pending(void)
{
    in.ready = in.rd;
    for (uint i = in.rd; i != in.edit; i++) {
        char c = in.buf[i % INPUT_SIZE];
        if (c == '\r') // a terminal's Enter, raw; cooked, a line end
            c = in.buf[i % INPUT_SIZE] = '\n';
        if (c != CTRL('D'))
            console_putc(c);
        if (c == '\n' || c == CTRL('D'))
            in.ready = i + 1;
    }
}

int
console_set_mode(int mode)
{
    if (mode != CONSOLE_COOKED && mode != CONSOLE_RAW)
        return -1;
    acquire(&in.lock);
    int old = in.mode;
    if (old == CONSOLE_RAW && mode == CONSOLE_COOKED)
        cook_pending();
    else if (mode == CONSOLE_RAW)
        in.ready = in.edit; // a half-typed cooked line is raw input now
    in.mode = mode;
    if (in.rd != in.ready)
        waitq_wake_all(&in.readers);
    release(&in.lock);
    return old;
}

void
console_set_foreground(int pgid)
{
    acquire(&in.lock);
    in.fg = pgid;
    release(&in.lock);
}
