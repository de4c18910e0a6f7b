// Tab completion for the shell's line editor: the first word of a command
// completes to a built-in or a program in "/", any other word (or one with
// a '/') to a file name. Knows directories and struct dirent, not editing.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/sh_edit.h"

static const char *const builtins[] = {"cd", "exit", 0};

// What one completion pass found: how many names start with the prefix,
// and the longest start they all share.
struct found {
    const char *prefix;
    int plen;
    int count;
    char common[DIRSIZ + 1];
    int clen;
    int list; // second pass: print each match
};

static void
consider(struct found *f, const char *name, int n)
{
    if (n < f->plen || memcmp(name, f->prefix, f->plen) != 0)
        return;
    if (f->list) {
        write(2, name, n);
        write(2, "  ", 2);
        return;
    }
    if (f->count++ == 0) {
        memmove(f->common, name, n);
        f->clen = n;
        return;
    }
    int i = 0;
    while (i < f->clen && i < n && f->common[i] == name[i])
        i++;
    f->clen = i;
}

// Feeds every entry of directory dir (but . and ..) to consider().
static void
scan_dir(const char *dir, struct found *f)
{
    struct dirent de;
    int fd = open(dir, O_RDONLY);
    if (fd < 0)
        return;
    while (read(fd, &de, sizeof(de)) == sizeof(de)) {
        if (de.inum == 0)
            continue;
        int n = 0;
        while (n < DIRSIZ && de.name[n])
            n++;
        if ((n == 1 && de.name[0] == '.') ||
            (n == 2 && de.name[0] == '.' && de.name[1] == '.'))
            continue;
        consider(f, de.name, n);
    }
    close(fd);
}

static void
scan(const char *dir, int command, struct found *f)
{
    if (command)
        for (int i = 0; builtins[i]; i++)
            consider(f, builtins[i], strlen(builtins[i]));
    scan_dir(dir, f);
}

// Is the word that ends at cur the first of its command?
static int
first_word(const char *buf, int start)
{
    for (int i = start - 1; i >= 0; i--) {
        if (buf[i] == '|' || buf[i] == ';' || buf[i] == '&' || buf[i] == '(')
            return 1;
        if (buf[i] != ' ' && buf[i] != '\t')
            return 0;
    }
    return 1;
}

int
sh_complete(const char *buf, int cur, char *add, int addmax, int *listed)
{
    int start = cur;
    while (start > 0 && !strchr(" \t|;&<>()", buf[start - 1]))
        start--;
    // Split the word into the directory to look in and the name prefix.
    char dir[MAXPATH];
    int slash = -1;
    for (int i = start; i < cur; i++)
        if (buf[i] == '/')
            slash = i;
    int command = first_word(buf, start) && slash < 0;
    if (slash < 0) {
        strcpy(dir, command ? "/" : ".");
    } else {
        int n = slash - start + 1;
        if (n >= MAXPATH)
            return 0;
        memmove(dir, buf + start, n);
        dir[n] = 0;
    }
    struct found f = {.prefix = buf + slash + 1, .plen = cur - slash - 1};
    if (slash < 0)
        f.prefix = buf + start, f.plen = cur - start;
    scan(dir, command, &f);
    if (f.count == 0)
        return 0;
    int n = f.clen - f.plen;
    if (f.count > 1 && n == 0) { // nothing shared to add: show the choices
        write(2, "\n", 1);
        f.list = 1;
        scan(dir, command, &f);
        write(2, "\n", 1);
        *listed = 1;
        return 0;
    }
    if (n + 2 > addmax)
        return 0;
    memmove(add, f.common + f.plen, n);
    if (f.count == 1) { // complete: a directory gets '/', anything else ' '
        char path[MAXPATH];
        struct stat st;
        // "." is where relative names already are.
        const char *pre = strcmp(dir, ".") == 0 ? "" : dir;
        int dl = strlen(pre);
        int isdir = 0;
        if (dl + f.clen + 1 < MAXPATH) {
            strcpy(path, pre);
            memmove(path + dl, f.common, f.clen);
            path[dl + f.clen] = 0;
            isdir = stat(path, &st) == 0 && st.type == T_DIR;
        }
        add[n++] = isdir && !command ? '/' : ' ';
    }
    add[n] = 0;
    return n;
}
