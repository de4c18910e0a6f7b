// Reads a hart's ISA description as the RISC-V device-tree binding writes
// it (riscv,isa, or riscv,isa-base with riscv,isa-extensions) and judges
// whether the kernel can run there. Strings only: also built into host tests.
#include "hart_isa.h"

#define LETTERS_G                                                              \
    (ISA_LETTER('i') | ISA_LETTER('m') | ISA_LETTER('a') | ISA_LETTER('f') |   \
     ISA_LETTER('d'))
// The kernel is built for rv64imac_zicsr_zifencei; user programs for
// rv64gc, whose F and D registers the kernel saves (fpregs.S).
#define LETTERS_NEEDED (LETTERS_G | ISA_LETTER('c'))

static char
lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int
is_letter(char c)
{
    c = lower(c);
    return c >= 'a' && c <= 'z';
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// Nonzero if the n bytes at w spell the lowercase name, ignoring case.
static int
word_is(const char *w, uint32 n, const char *name)
{
    for (uint32 i = 0; i < n; i++)
        if (name[i] == '\0' || lower(w[i]) != name[i])
            return 0;
    return name[n] == '\0';
}

static void
add_letter(struct hart_isa *isa, char c)
{
    c = lower(c);
    // "g" is shorthand for "imafd_zicsr_zifencei".
    if (c == 'g') {
        isa->letters |= LETTERS_G;
        isa->zicsr = isa->zifencei = 1;
    } else if (is_letter(c)) {
        isa->letters |= ISA_LETTER(c);
    }
}

// One extension name of n bytes; a single letter counts as a letter.
static void
add_word(struct hart_isa *isa, const char *w, uint32 n)
{
    if (n == 1) {
        add_letter(isa, w[0]);
        return;
    }
    if (n == 0)
        return;
    // Every S-family extension (Sstc, Svpbmt, Ssaia...) extends S-mode.
    if (lower(w[0]) == 's')
        isa->s_ext = 1;
    if (word_is(w, n, "zicsr"))
        isa->zicsr = 1;
    else if (word_is(w, n, "zifencei"))
        isa->zifencei = 1;
    else if (word_is(w, n, "sstc"))
        isa->sstc = 1;
}

// Index of the '_', NUL or end that closes the name starting at i.
static uint32
word_end(const char *s, uint32 i, uint32 len)
{
    while (i < len && s[i] != '_' && s[i] != '\0')
        i++;
    return i;
}

// The single letters after "rv64", up to the first '_'. Digits are version
// numbers ("i2p1"). A 'z' or 'x', or an 's' followed by a letter other than
// 'u' ("su" is two letters in older trees), starts a multi-letter name
// written without its '_'. Returns where it stopped.
static uint32
parse_letters(const char *s, uint32 i, uint32 len, struct hart_isa *isa)
{
    for (; i < len && s[i] != '_' && s[i] != '\0'; i++) {
        char c = lower(s[i]);
        char next = i + 1 < len ? lower(s[i + 1]) : '\0';
        if (is_digit(c) || (c == 'p' && is_digit(s[i - 1]) && is_digit(next)))
            continue;
        if (c == 'z' || c == 'x' ||
            (c == 's' && is_letter(next) && next != 'u')) {
            uint32 e = word_end(s, i, len);
            add_word(isa, s + i, e - i);
            return e;
        }
        add_letter(isa, c);
    }
    return i;
}

// Fills *isa from a riscv,isa string. Returns -1 if it names no base.
int
isa_parse_string(const char *s, uint32 len, struct hart_isa *isa)
{
    *isa = (struct hart_isa){0};
    if (len < 4 || !word_is(s, 2, "rv"))
        return -1;
    if (word_is(s + 2, 2, "64"))
        isa->rv64 = 1;
    else if (!word_is(s + 2, 2, "32"))
        return -1;
    uint32 i = parse_letters(s, 4, len, isa);
    while (i < len && s[i] == '_') {
        uint32 e = word_end(s, i + 1, len);
        add_word(isa, s + i + 1, e - i - 1);
        i = e;
    }
    // riscv,isa strings follow the ISA manuals before 2019, whose I still
    // held Zicsr and Zifencei (the binding says so too).
    if (isa->letters & ISA_LETTER('i'))
        isa->zicsr = isa->zifencei = 1;
    return 0;
}

// Fills *isa from riscv,isa-base and riscv,isa-extensions. Returns -1 if
// the base is not one the binding defines.
int
isa_parse_list(const char *base, const char *list, uint32 len,
               struct hart_isa *isa)
{
    *isa = (struct hart_isa){0};
    if (base == NULL || !word_is(base, 2, "rv") || base[2] == '\0' ||
        base[3] == '\0' || base[4] == '\0' || base[5] != '\0')
        return -1;
    char b = lower(base[4]);
    if ((b != 'i' && b != 'e') ||
        (!word_is(base + 2, 2, "64") && !word_is(base + 2, 2, "32")))
        return -1;
    isa->rv64 = word_is(base + 2, 2, "64");
    add_letter(isa, b);
    // Here Zicsr and Zifencei are listed on their own when present.
    for (uint32 i = 0; i < len;) {
        uint32 e = i;
        while (e < len && list[e] != '\0')
            e++;
        add_word(isa, list + i, e - i);
        i = e + 1;
    }
    return 0;
}

// NULL if the kernel can run on such a hart, else a phrase saying why not.
const char *
isa_why_unusable(const struct hart_isa *isa, int mmu_paging)
{
    uint32 l = isa->letters;
    if (!isa->rv64)
        return "not an RV64 hart";
    // The binding names no privilege modes, but older trees (StarFive's
    // vendor tree among them) list them as the letters "s" and "u": a list
    // with "u" and nothing of S-mode is a hart without S-mode.
    int lists_modes = (l & (ISA_LETTER('s') | ISA_LETTER('u'))) != 0;
    int s_mode =
        (l & (ISA_LETTER('s') | ISA_LETTER('h'))) || isa->s_ext || !lists_modes;
    if (!s_mode)
        return "no S-mode (its ISA names U-mode, not S-mode)";
    if (!mmu_paging)
        return "no Sv39 MMU (mmu-type)";
    if ((l & LETTERS_NEEDED) != LETTERS_NEEDED)
        return "lacks one of the extensions I, M, A, F, D, C";
    if (!isa->zicsr || !isa->zifencei)
        return "lacks Zicsr or Zifencei";
    return 0;
}
