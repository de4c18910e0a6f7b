// The journal: system calls change blocks inside transactions, which reach
// the disk atomically through a redo log (kernel/fs/journal.c).
#ifndef LAZYOS_JOURNAL_H
#define LAZYOS_JOURNAL_H

#include "types.h"

struct buf;
struct superblock;

// Replays a committed transaction left by a crash, then starts the journal
// empty. Called once at mount, before any other block is read.
void journal_init(const struct superblock *sb);
// Blocks one transaction may change: what operations size their work by.
int journal_capacity(void);
// Opens an operation that will change at most `reserve` blocks; sleeps
// until the running transaction has room. Call before locking any inode.
// Panics if reserve exceeds journal_capacity() (a kernel bug).
void tx_begin(int reserve);
// Records that the caller (inside tx_begin, holding b locked) changed b.
void tx_add(struct buf *b);
// Ends the operation opened with tx_begin(reserve). The last operation of
// a transaction commits it and returns once it is on the disk.
void tx_end(int reserve);

#endif
