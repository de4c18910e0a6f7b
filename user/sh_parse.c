// Shell parser: turns one line into an sh_node tree. Grammar:
//   list := pipeline [ (';' | '&') [ list ] ]    cmd := '(' list ')' redir*
//   pipeline := cmd [ '|' pipeline ]              cmd := ( word | redir )+
//   redir := ( '<' | '>' | '>>' ) word
// Knows nothing about processes; sh.c runs what this builds.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/sh.h"

#define SH_MAXNODES 64

enum tok {
    T_END,
    T_WORD,
    T_PIPE,
    T_SEMI,
    T_AMP,
    T_LT,
    T_GT,
    T_GTGT,
    T_LP,
    T_RP,
    T_BAD // unterminated quote
};

static const char op_chars[] = "|;&<>()";
static const enum tok op_toks[] = {T_PIPE, T_SEMI, T_AMP, T_LT,
                                   T_GT,   T_LP,   T_RP};

struct parser {
    const char *in; // next unread input
    char *out;      // next free byte of words[]
    enum tok tok;   // lookahead token
    char *word;     // its text, for T_WORD
    const char *err;
    int nnodes;
};

static struct sh_node pool[SH_MAXNODES];
// Each word is at most the input it came from plus a NUL, and every word
// consumes at least one input byte, so twice the line always suffices.
static char words[2 * SH_LINE];

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

static int
is_op(char c)
{
    return c != 0 && strchr(op_chars, c) != 0;
}

// Reads one word; quotes ("..." or '...') group spaces and operators and
// are removed, so a"b c"d is the single word "ab cd".
static const char *
lex_word(struct parser *ps, const char *p)
{
    char quote = 0;

    ps->word = ps->out;
    for (; *p != 0; p++) {
        if (quote != 0 && *p == quote) {
            quote = 0;
        } else if (quote == 0 && (*p == '"' || *p == '\'')) {
            quote = *p;
        } else if (quote == 0 && (is_space(*p) || is_op(*p))) {
            break;
        } else {
            *ps->out++ = *p;
        }
    }
    *ps->out++ = 0;
    ps->tok = quote != 0 ? T_BAD : T_WORD;
    return p;
}

// Moves the lookahead to the next token.
static void
advance(struct parser *ps)
{
    const char *p = ps->in;

    while (is_space(*p))
        p++;
    ps->word = 0;
    if (*p == 0) {
        ps->tok = T_END;
    } else if (p[0] == '>' && p[1] == '>') {
        ps->tok = T_GTGT;
        p += 2;
    } else if (is_op(*p)) {
        ps->tok = op_toks[strchr(op_chars, *p) - op_chars];
        p++;
    } else {
        p = lex_word(ps, p);
    }
    ps->in = p;
}

// Records the first error only; later ones are usually its echoes.
static void *
fail(struct parser *ps, const char *msg)
{
    if (ps->err == 0)
        ps->err = msg;
    return 0;
}

static struct sh_node *
new_node(struct parser *ps, enum sh_kind kind, struct sh_node *left)
{
    struct sh_node *n;

    if (ps->nnodes == SH_MAXNODES)
        return fail(ps, "command too complex");
    n = &pool[ps->nnodes++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->left = left;
    return n;
}

static int
is_redir(enum tok t)
{
    return t == T_LT || t == T_GT || t == T_GTGT;
}

static int
starts_cmd(enum tok t)
{
    return t == T_WORD || t == T_LP || is_redir(t);
}

// Parses '<', '>' or '>>' and its file name onto n; 0 on error.
static int
parse_redir(struct parser *ps, struct sh_node *n)
{
    enum tok t = ps->tok;
    struct sh_redir *r;

    advance(ps);
    if (ps->tok != T_WORD || n->nredir == SH_MAXREDIR) {
        fail(ps, ps->tok != T_WORD ? "syntax error" : "too many redirections");
        return 0;
    }
    r = &n->redir[n->nredir++];
    r->file = ps->word;
    r->fd = t == T_LT ? 0 : 1;
    r->append = t == T_GTGT;
    if (t == T_LT)
        r->mode = O_RDONLY;
    else if (t == T_GTGT)
        r->mode = O_RDWR | O_CREATE; // read to the end: there is no lseek
    else
        r->mode = O_WRONLY | O_CREATE | O_TRUNC;
    advance(ps);
    return 1;
}

static struct sh_node *parse_list(struct parser *ps);

// ( list ) followed by redirections, which apply to the whole sub-shell.
static struct sh_node *
parse_sub(struct parser *ps)
{
    struct sh_node *n;

    advance(ps);
    n = new_node(ps, SH_SUB, parse_list(ps));
    if (n == 0 || n->left == 0)
        return fail(ps, "syntax error");
    if (ps->tok != T_RP)
        return fail(ps, "syntax error");
    advance(ps);
    while (is_redir(ps->tok)) {
        if (!parse_redir(ps, n))
            return 0;
    }
    return n;
}

static struct sh_node *
parse_cmd(struct parser *ps)
{
    struct sh_node *n;

    if (ps->tok == T_LP)
        return parse_sub(ps);
    n = new_node(ps, SH_CMD, 0);
    if (n == 0)
        return 0;
    for (;;) {
        if (ps->tok == T_WORD) {
            // Keep a slot for the terminating 0 exec() needs.
            if (n->argc == MAXARG - 1)
                return fail(ps, "too many arguments");
            n->argv[n->argc++] = ps->word;
            advance(ps);
        } else if (is_redir(ps->tok)) {
            if (!parse_redir(ps, n))
                return 0;
        } else {
            break;
        }
    }
    if (n->argc == 0 && n->nredir == 0)
        return fail(ps, "syntax error");
    return n;
}

static struct sh_node *
parse_pipeline(struct parser *ps)
{
    struct sh_node *n = parse_cmd(ps);

    if (n == 0 || ps->tok != T_PIPE)
        return n;
    advance(ps);
    n = new_node(ps, SH_PIPE, n);
    if (n == 0 || (n->right = parse_pipeline(ps)) == 0)
        return fail(ps, "syntax error");
    return n;
}

static struct sh_node *
parse_list(struct parser *ps)
{
    struct sh_node *n = parse_pipeline(ps);
    struct sh_node *seq;

    if (n == 0)
        return 0;
    if (ps->tok == T_AMP)
        n = new_node(ps, SH_BACK, n);
    else if (ps->tok != T_SEMI)
        return n;
    advance(ps);
    // A trailing ';' or '&' ends the list.
    if (n == 0 || !starts_cmd(ps->tok))
        return n;
    seq = new_node(ps, SH_SEQ, n);
    if (seq == 0 || (seq->right = parse_list(ps)) == 0)
        return 0;
    return seq;
}

// Contract in sh.h: 0 or an error message; *tree is 0 unless it succeeds.
const char *
sh_parse(const char *line, struct sh_node **tree)
{
    struct parser ps = {.in = line, .out = words};

    *tree = 0;
    if (strlen(line) >= SH_LINE)
        return "line too long";
    advance(&ps);
    if (ps.tok == T_END)
        return 0;
    *tree = parse_list(&ps);
    if (*tree != 0 && ps.tok != T_END)
        fail(&ps, "syntax error");
    if (ps.err == 0 && *tree == 0)
        fail(&ps, "syntax error");
    if (ps.err != 0)
        *tree = 0;
    return ps.err;
}
