// The shell's line editor: raw console input, cursor keys as a VT100/xterm
// sends them, history, and Tab completion through sh_complete.c.
//
// Editing lives here, in the shell, rather than in the kernel's line
// discipline: history is the shell's, and completion needs file names and
// the shell's idea of what a command is. The kernel offers a raw mode
// (consmode) and keeps ^C for itself, which is all an editor needs.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/jobs.h"
#include "user/user.h"
#include "user/sh_edit.h"

#define CTRL(x) ((x) - '@')
#define ESC 0x1b
#define DEL 0x7f

// Keys that arrive as escape sequences, numbered past any byte.
enum { K_UP = 256, K_DOWN, K_LEFT, K_RIGHT, K_HOME, K_END, K_DELETE };

struct ed {
    char *buf; // the line, not NUL-terminated while editing
    int len, cur, max;
    const char *prompt;
};

// History: the newest SH_HISTORY lines, oldest first; `at` is the entry
// shown while browsing (nhist: the line being typed, kept in draft).
static char *hist[SH_HISTORY];
static int nhist, at;
static char *draft;

// Output is gathered and written once per key: one system call instead
// of one per byte.
static char out[2048];
static int nout;

static void
flush(void)
{
    if (nout > 0)
        write(2, out, nout);
    nout = 0;
}

static void
put(const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        if (nout == sizeof(out))
            flush();
        out[nout++] = s[i];
    }
}

static void
puts_(const char *s)
{
    put(s, strlen(s));
}

// Moves the terminal cursor n columns left (n < 0: right).
static void
move(int n)
{
    char seq[16];
    if (n == 0)
        return;
    int k = 0, v = n < 0 ? -n : n;
    seq[k++] = ESC;
    seq[k++] = '[';
    char digits[8];
    int d = 0;
    do
        digits[d++] = '0' + v % 10;
    while ((v /= 10) > 0);
    while (d > 0)
        seq[k++] = digits[--d];
    seq[k++] = n < 0 ? 'C' : 'D';
    put(seq, k);
}

// Rewrites the line from pos to its end, clears what was after it, and
// puts the cursor back at e->cur.
static void
redraw_from(struct ed *e, int pos)
{
    put(e->buf + pos, e->len - pos);
    puts_("\x1b[K");
    move(e->len - e->cur);
}

static int
getbyte(void)
{
    char c;
    // One byte per read: bytes after the newline stay in the console for
    // the program this line starts, exactly as when typed slowly.
    return read(0, &c, 1) == 1 ? (uchar)c : -1;
}

// After ESC: CSI or SS3 sequences of the keys we know; 0 for others.
static int
escape_key(void)
{
    int c = getbyte();
    if (c != '[' && c != 'O')
        return 0;
    int n = 0;
    while ((c = getbyte()) >= '0' && c <= '9')
        n = n * 10 + c - '0';
    switch (c) {
    case 'A': return K_UP;
    case 'B': return K_DOWN;
    case 'C': return K_RIGHT;
    case 'D': return K_LEFT;
    case 'H': return K_HOME;
    case 'F': return K_END;
    case '~':
        if (n == 1 || n == 7)
            return K_HOME;
        if (n == 4 || n == 8)
            return K_END;
        return n == 3 ? K_DELETE : 0;
    default:
        return 0;
    }
}

static void
insert(struct ed *e, const char *s, int n)
{
    if (e->len + n + 2 > e->max) { // room for "\n" and NUL
        puts_("\a");
        return;
    }
    memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur);
    memmove(e->buf + e->cur, s, n);
    e->len += n;
    e->cur += n;
    // The new text and whatever followed it; at the end of the line (the
    // usual case) that is just an echo.
    put(e->buf + e->cur - n, e->len - e->cur + n);
    move(e->len - e->cur);
}

// Deletes the n bytes before the cursor.
static void
erase_before(struct ed *e, int n)
{
    memmove(e->buf + e->cur - n, e->buf + e->cur, e->len - e->cur);
    e->len -= n;
    e->cur -= n;
    move(n);
    redraw_from(e, e->cur);
}

// Replaces the whole line with s (history).
static void
set_line(struct ed *e, const char *s)
{
    move(e->cur);
    e->len = e->cur = 0;
    int n = strlen(s);
    if (n + 2 > e->max)
        n = e->max - 2;
    memmove(e->buf, s, n);
    e->len = e->cur = n;
    redraw_from(e, 0);
}

static char *
copy_of(const char *s, int n)
{
    char *c = malloc(n + 1);
    if (c) {
        memmove(c, s, n);
        c[n] = 0;
    }
    return c;
}

// Up (dir -1) or down (+1) through the history.
static void
browse(struct ed *e, int dir)
{
    int to = at + dir;
    if (to < 0 || to > nhist) {
        puts_("\a");
        return;
    }
    if (at == nhist) { // leaving the line being typed: keep it
        free(draft);
        draft = copy_of(e->buf, e->len);
    }
    at = to;
    set_line(e, at == nhist ? (draft ? draft : "") : hist[at]);
}

// Remembers a finished line (without its newline), skipping blank lines
// and repeats of the newest entry.
static void
remember(const char *s, int n)
{
    int blank = 1;
    for (int i = 0; i < n; i++)
        blank &= s[i] == ' ' || s[i] == '\t';
    if (blank || (nhist > 0 && strlen(hist[nhist - 1]) == (uint)n &&
                  memcmp(hist[nhist - 1], s, n) == 0))
        return;
    char *c = copy_of(s, n);
    if (c == 0)
        return;
    if (nhist == SH_HISTORY) {
        free(hist[0]);
        memmove(hist, hist + 1, (SH_HISTORY - 1) * sizeof(hist[0]));
        nhist--;
    }
    hist[nhist++] = c;
}

static void
complete(struct ed *e)
{
    char add[128];
    int listed = 0;
    e->buf[e->len] = 0;
    flush();
    int n = sh_complete(e->buf, e->cur, add, sizeof(add), &listed);
    if (listed) { // the list is out: draw the line again below it
        puts_(e->prompt);
        put(e->buf, e->len);
        move(e->len - e->cur);
    }
    if (n > 0)
        insert(e, add, n);
    else if (!listed)
        puts_("\a");
}

// The start of the word before the cursor (^W): spaces, then the word.
static int
word_start(struct ed *e)
{
    int i = e->cur;
    while (i > 0 && e->buf[i - 1] == ' ')
        i--;
    while (i > 0 && e->buf[i - 1] != ' ')
        i--;
    return i;
}

// Applies one key. Returns 1 when the line is finished, -1 at end of
// input, 2 when ^C cancelled it, 0 to go on.
static int
key(struct ed *e, int c)
{
    switch (c) {
    case '\r':
    case '\n': return 1;
    case CTRL('C'): e->len = 0; puts_("^C"); return 2;
    case CTRL('D'):
        if (e->len == 0)
            return -1;
        __attribute__((fallthrough)); // inside a line, ^D is Delete
    case K_DELETE:
        if (e->cur < e->len) {
            e->cur++;
            erase_before(e, 1);
        }
        return 0;
    case DEL:
    case '\b':
        if (e->cur > 0)
            erase_before(e, 1);
        return 0;
    case CTRL('W'): erase_before(e, e->cur - word_start(e)); return 0;
    case CTRL('U'): erase_before(e, e->cur); return 0;
    case CTRL('A'):
    case K_HOME: move(e->cur); e->cur = 0; return 0;
    case CTRL('E'):
    case K_END: put(e->buf + e->cur, e->len - e->cur); e->cur = e->len; return 0;
    case CTRL('B'):
    case K_LEFT: if (e->cur > 0) { move(1); e->cur--; } return 0;
    case CTRL('F'):
    case K_RIGHT: if (e->cur < e->len) put(e->buf + e->cur++, 1); return 0;
    case K_UP: browse(e, -1); return 0;
    case K_DOWN: browse(e, 1); return 0;
    case CTRL('L'):
        puts_("\x1b[H\x1b[2J");
        puts_(e->prompt);
        redraw_from(e, 0);
        return 0;
    case '\t': complete(e); return 0;
    default:
        if (c >= ' ' && c < DEL) {
            char ch = c;
            insert(e, &ch, 1);
        }
        return 0;
    }
}

int
sh_readline(const char *prompt, char *buf, int max)
{
    struct ed e = {.buf = buf, .max = max, .prompt = prompt};
    int r = 0;
    consmode(CONSOLE_RAW);
    at = nhist;
    puts_(prompt);
    flush();
    while (r == 0) {
        int c = getbyte();
        if (c < 0)
            r = -1;
        else
            r = key(&e, c == ESC ? escape_key() : c);
        flush();
    }
    // The line's end goes out before cooked mode echoes any typed-ahead
    // input, so the two do not interleave.
    write(2, "\n", 1);
    consmode(CONSOLE_COOKED);
    if (r < 0)
        return -1;
    if (r == 1)
        remember(e.buf, e.len);
    e.buf[e.len++] = '\n';
    e.buf[e.len] = 0;
    return r == 2 ? 0 : e.len;
}
