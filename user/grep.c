// grep PATTERN [FILE...]: prints lines matching a tiny regular expression:
// '^' and '$' anchor, '.' is any character, 'c*' is zero or more of c.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define RE_MAX 128
#define LINE_MAX 1024

// One pattern position: a literal or '.', possibly repeated by '*'.
struct re_atom {
    char ch;   // literal to match when !any
    char any;  // '.'
    char star; // followed by '*'
};

struct re {
    int bol; // anchored at the start of the line
    int eol; // anchored at the end of the line
    int n;
    struct re_atom atom[RE_MAX];
};

static struct re pattern;
static char buf[LINE_MAX + 1]; // + 1 for the NUL after a full buffer

// Turns pat into atoms; -1 when it is too long. '*' with nothing before it
// and '^'/'$' away from the ends are plain characters.
static int
re_compile(const char *pat, struct re *re)
{
    int len = strlen(pat);

    re->n = 0;
    re->bol = pat[0] == '^';
    re->eol = len > re->bol && pat[len - 1] == '$';
    for (int i = re->bol; i < len - re->eol; i++) {
        if (pat[i] == '*' && re->n > 0 && !re->atom[re->n - 1].star) {
            re->atom[re->n - 1].star = 1;
            continue;
        }
        if (re->n == RE_MAX)
            return -1;
        re->atom[re->n].ch = pat[i];
        re->atom[re->n].any = pat[i] == '.';
        re->atom[re->n].star = 0;
        re->n++;
    }
    return 0;
}

static int
atom_eq(const struct re_atom *a, char c)
{
    return c != 0 && (a->any || a->ch == c);
}

// Do atoms k.. match at s? Stars try their longest run first and give back
// one character at a time until the rest matches.
static int
re_match_at(const struct re *re, int k, const char *s)
{
    for (; k < re->n; k++) {
        const struct re_atom *a = &re->atom[k];
        if (a->star) {
            int run = 0;
            while (atom_eq(a, s[run]))
                run++;
            for (; run >= 0; run--) {
                if (re_match_at(re, k + 1, s + run))
                    return 1;
            }
            return 0;
        }
        if (!atom_eq(a, *s))
            return 0;
        s++;
    }
    return !re->eol || *s == 0;
}

// Does re match anywhere in the NUL-terminated line?
static int
re_match(const struct re *re, const char *line)
{
    if (re->bol)
        return re_match_at(re, 0, line);
    // Try every start, the empty tail included, so "x*" matches "".
    for (const char *s = line;; s++) {
        if (re_match_at(re, 0, s))
            return 1;
        if (*s == 0)
            return 0;
    }
}

// Prints line, behind prefix, if it matches; returns 1 if it did.
static int
emit(const char *line, const char *prefix)
{
    if (!re_match(&pattern, line))
        return 0;
    printf("%s%s\n", prefix, line);
    return 1;
}

// Prints matching lines of fd; returns the number of matches or -1.
static int
grep_fd(int fd, const char *prefix)
{
    int have = 0;
    int matches = 0;
    int n;

    while ((n = read(fd, buf + have, LINE_MAX - have)) > 0) {
        int start = 0;
        have += n;
        for (int i = 0; i < have; i++) {
            if (buf[i] == '\n') {
                buf[i] = 0;
                matches += emit(buf + start, prefix);
                start = i + 1;
            }
        }
        have -= start;
        memmove(buf, buf + start, have);
        if (have == LINE_MAX) {
            // A line longer than buf is matched a buffer-full at a time.
            buf[have] = 0;
            matches += emit(buf, prefix);
            have = 0;
        }
    }
    if (have > 0) {
        // The last line had no newline.
        buf[have] = 0;
        matches += emit(buf, prefix);
    }
    return n < 0 ? -1 : matches;
}

int
main(int argc, char *argv[])
{
    static char prefix[64];
    int found = 0;
    int err = 0;

    if (argc < 2) {
        fprintf(2, "usage: grep PATTERN [FILE...]\n");
        return 1;
    }
    if (re_compile(argv[1], &pattern) < 0) {
        fprintf(2, "grep: pattern too long\n");
        return 1;
    }
    if (argc == 2)
        return grep_fd(0, "") > 0 ? 0 : 1;
    for (int i = 2; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(2, "grep: cannot open %s\n", argv[i]);
            err = 1;
            continue;
        }
        // Several files: say which one each line came from, as grep does.
        prefix[0] = 0;
        if (argc > 3 && strlen(argv[i]) + 2 < sizeof(prefix)) {
            strcpy(prefix, argv[i]);
            strcpy(prefix + strlen(prefix), ":");
        }
        int r = grep_fd(fd, prefix);
        close(fd);
        if (r < 0) {
            fprintf(2, "grep: %s: read error\n", argv[i]);
            err = 1;
        } else if (r > 0) {
            found = 1;
        }
    }
    return found && !err ? 0 : 1;
}
