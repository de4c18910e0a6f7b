// Write-ahead log: file-system operations are atomic across crashes.
#ifndef LAZYOS_LOG_H
#define LAZYOS_LOG_H

#include "buf.h"

void initlog(int dev, struct superblock *sb); // replays a committed log
void begin_op(void);  // every FS system call brackets its writes
void end_op(void);    // commits when the last outstanding op ends
void log_write(struct buf *b); // use instead of bwrite inside an op

#endif
