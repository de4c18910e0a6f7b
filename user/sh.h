// Shell command trees: sh_parse.c builds them from a line, sh.c runs them.
// Neither side knows the other's internals beyond this tree.
#ifndef LAZYOS_SH_H
#define LAZYOS_SH_H

#define SH_LINE 1100  // longest input line, NUL included (a 1,000-byte paste fits)
#define SH_MAXREDIR 4 // redirections on one command

enum sh_kind {
    SH_CMD,  // argv with redirections
    SH_PIPE, // left | right
    SH_SEQ,  // left ; right
    SH_BACK, // left &
    SH_SUB,  // ( left ) with redirections
};

struct sh_redir {
    int fd;     // 0 for '<', 1 for '>' and '>>'
    int mode;   // open() flags
    int append; // '>>': start writing at the end of the file
    char *file;
};

struct sh_node {
    enum sh_kind kind;
    struct sh_node *left;  // PIPE writer, SEQ first, BACK and SUB body
    struct sh_node *right; // PIPE reader, SEQ rest
    int argc;
    char *argv[MAXARG]; // CMD; argv[argc] is 0
    int nredir;
    struct sh_redir redir[SH_MAXREDIR]; // CMD and SUB, applied in order
};

// Parses one line. On success returns 0 and sets *tree (0 for a blank
// line); otherwise returns a message such as "syntax error". The tree and
// its words live in static storage reused by the next call.
const char *sh_parse(const char *line, struct sh_node **tree);

#endif
