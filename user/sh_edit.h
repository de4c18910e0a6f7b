// The shell's line editor and history (sh_edit.c) and Tab completion
// (sh_complete.c). sh.c sees only sh_readline().
#ifndef LAZYOS_SH_EDIT_H
#define LAZYOS_SH_EDIT_H

#define SH_HISTORY 64 // commands kept for up/down

// Prints prompt and reads one line from the console with editing keys,
// history and Tab completion, into buf (max bytes, NUL included), ending
// in "\n". Returns its length, 0 for a line cancelled with ^C, or -1 at
// end of input (^D on an empty line, or a read error).
int sh_readline(const char *prompt, char *buf, int max);

// Completion of the word that ends at buf[cur]: writes what to insert at
// the cursor into add (addmax bytes, NUL included) and returns its
// length. With several candidates and nothing to add, lists them on
// fd 2 on lines of their own and sets *listed.
int sh_complete(const char *buf, int cur, char *add, int addmax, int *listed);

#endif
