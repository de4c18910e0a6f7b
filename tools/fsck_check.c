// fsck's checks: every inode's block pointers against the data area and
// each other, both bitmaps against what is in use, the directory tree from
// "/" (".", "..", entries naming live inodes) and every link count.
#define _FILE_OFFSET_BITS 64
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/types.h"
#include "kernel/fs.h"
#define stat lazyos_stat
#include "kernel/stat.h"
#undef stat
#include "tools/fsck.h"

static struct dinode *inodes; // the whole table
static uchar *used;           // per block: referenced by some inode
static uint *links;           // per inode: directory entries naming it
static uint *parent;          // per directory: the one naming it

void
check_layout(void)
{
    struct superblock *s = &im.sb;
    uint64 nimap = ((uint64)s->ninodes + BPB - 1) / BPB;
    uint64 nbmap = ((uint64)s->size + BPB - 1) / BPB;
    uint64 nitab = ((uint64)s->ninodes + IPB - 1) / IPB;
    if (s->journalstart != 1 || s->njournal < 20 ||
        s->ninodes > FS_MAX_INODES + 1 || s->ninodes <= ROOTINO ||
        s->imapstart != s->journalstart + s->njournal ||
        s->bmapstart != s->imapstart + nimap ||
        s->inodestart != s->bmapstart + nbmap ||
        s->datastart != s->inodestart + nitab || s->datastart >= s->size) {
        fprintf(stderr, "fsck: superblock layout is damaged\n");
        exit(1);
    }
}

static int
bit(uint start, uint64 n)
{
    static uchar buf[BSIZE];
    static uint64 cached = ~0ull;
    uint64 blk = start + n / BPB;
    if (blk != cached) {
        rblock(blk, buf);
        cached = blk;
    }
    return (buf[(n % BPB) / 8] >> (n % 8)) & 1;
}

// Marks block b used by inode inum; 0 if it is out of range.
static int
claim(uint inum, uint b)
{
    if (b < im.sb.datastart || b >= im.sb.size) {
        problem("inode %u: block %u out of range", inum, b);
        return 0;
    }
    if (used[b])
        problem("block %u used twice (inode %u)", b, inum);
    used[b] = 1;
    return 1;
}

// Claims the pointers of an index block at depth (1: data below).
static void
claim_index(uint inum, uint blk, int depth, uint64 first, uint64 nblocks)
{
    uint entry[NINDIRECT];
    rblock(blk, entry);
    uint64 span = depth == 1 ? 1 : NINDIRECT;
    for (uint i = 0; i < NINDIRECT; i++) {
        if (entry[i] == 0)
            continue;
        if (first + i * span >= nblocks)
            problem("inode %u: block %u past its size", inum, entry[i]);
        if (claim(inum, entry[i]) && depth == 2)
            claim_index(inum, entry[i], 1, first + i * span, nblocks);
    }
}

static void
claim_inode(uint inum, struct dinode *d)
{
    uint64 nblocks = (d->size + BSIZE - 1) / BSIZE;
    if (d->size > MAXFILE)
        problem("inode %u: size %llu past the largest file", inum,
                (unsigned long long)d->size);
    for (uint i = 0; i < NDIRECT; i++)
        if (d->addrs[i]) {
            if (i >= nblocks)
                problem("inode %u: block %u past its size", inum,
                        d->addrs[i]);
            claim(inum, d->addrs[i]);
        }
    if (d->addrs[IND_SLOT] && claim(inum, d->addrs[IND_SLOT]))
        claim_index(inum, d->addrs[IND_SLOT], 1, NDIRECT, nblocks);
    if (d->addrs[DIND_SLOT] && claim(inum, d->addrs[DIND_SLOT]))
        claim_index(inum, d->addrs[DIND_SLOT], 2, NDIRECT + NINDIRECT,
                    nblocks);
}

// The disk block of block lbn of d, 0 for a hole.
static uint
file_block(struct dinode *d, uint64 lbn)
{
    uint entry[NINDIRECT];
    if (lbn < NDIRECT)
        return d->addrs[lbn];
    lbn -= NDIRECT;
    if (lbn < NINDIRECT) {
        if (!d->addrs[IND_SLOT])
            return 0;
        rblock(d->addrs[IND_SLOT], entry);
        return entry[lbn];
    }
    lbn -= NINDIRECT;
    if (!d->addrs[DIND_SLOT] || lbn >= (uint64)NINDIRECT * NINDIRECT)
        return 0;
    rblock(d->addrs[DIND_SLOT], entry);
    uint mid = entry[lbn / NINDIRECT];
    if (mid == 0)
        return 0;
    rblock(mid, entry);
    return entry[lbn % NINDIRECT];
}

// Calls fn on each block of d's contents (holes as zeros), or stops at
// the first block number out of range.
static void
each_block(struct dinode *d, void (*fn)(const uchar *, uint, void *),
           void *arg)
{
    static uchar buf[BSIZE];
    for (uint64 off = 0; off < d->size; off += BSIZE) {
        uint b = file_block(d, off / BSIZE);
        if (b >= im.sb.size)
            return;
        if (b)
            rblock(b, buf);
        else
            memset(buf, 0, BSIZE);
        uint n = d->size - off < BSIZE ? d->size - off : BSIZE;
        fn(buf, n, arg);
    }
}

struct dirwalk {
    uint dir;       // the directory being read
    uint *queue;    // directories still to read
    uint *nqueue;
    uint64 entries; // slots seen so far, for "." and ".." positions
};

static void
check_entry(struct dirwalk *w, struct dirent *de)
{
    uint64 slot = w->entries++;
    char name[DIRSIZ + 1] = {0};
    memcpy(name, de->name, DIRSIZ);
    if (slot < 2) {
        const char *want = slot == 0 ? "." : "..";
        uint target = slot == 0 ? w->dir : parent[w->dir];
        if (strcmp(name, want) != 0 || de->inum != target)
            problem("directory %u: \"%s\" points to %u, not %u", w->dir,
                    want, de->inum, target);
        else if (slot == 1 && w->dir != ROOTINO)
            links[target]++; // a subdirectory's ".." links its parent
        return;
    }
    if (de->inum == 0)
        return;
    if (de->inum >= im.sb.ninodes) {
        problem("directory %u: entry %s: inode %u out of range", w->dir,
                name, de->inum);
        return;
    }
    struct dinode *d = &inodes[de->inum];
    if (d->type == 0) {
        problem("directory %u: entry %s points to free inode %u", w->dir,
                name, de->inum);
        return;
    }
    links[de->inum]++;
    if (d->type == T_DIR) {
        if (parent[de->inum]) {
            problem("directory %u named twice (in %u and %u)", de->inum,
                    parent[de->inum], w->dir);
            return;
        }
        parent[de->inum] = w->dir;
        w->queue[(*w->nqueue)++] = de->inum;
    }
}

static void
dir_block(const uchar *buf, uint n, void *arg)
{
    for (uint i = 0; i + sizeof(struct dirent) <= n; i += sizeof(struct dirent))
        check_entry(arg, (struct dirent *)(buf + i));
}

// Reads every directory reachable from "/", counting links.
static void
walk_tree(void)
{
    uint *queue = xcalloc(im.sb.ninodes, sizeof(uint)), nqueue = 0;
    if (inodes[ROOTINO].type != T_DIR) {
        problem("inode %d (\"/\") is not a directory", ROOTINO);
        free(queue);
        return;
    }
    parent[ROOTINO] = ROOTINO; // "/" is its own parent
    queue[nqueue++] = ROOTINO;
    links[ROOTINO] = 1; // as if named once, like every directory
    for (uint i = 0; i < nqueue; i++) {
        struct dinode *d = &inodes[queue[i]];
        if (d->size % sizeof(struct dirent) != 0)
            problem("directory %u: size %llu is not whole entries", queue[i],
                    (unsigned long long)d->size);
        struct dirwalk w = {queue[i], queue, &nqueue, 0};
        each_block(d, dir_block, &w);
        if (w.entries < 2)
            problem("directory %u: no \".\" and \"..\"", queue[i]);
    }
    free(queue);
}

static void
check_counts(void)
{
    for (uint i = ROOTINO; i < im.sb.ninodes; i++) {
        struct dinode *d = &inodes[i];
        if (d->type == 0) {
            if (bit(im.sb.imapstart, i))
                problem("inode %u marked in use but free", i);
            continue;
        }
        if (d->type != T_DIR && d->type != T_FILE && d->type != T_DEVICE)
            problem("inode %u: bad type %d", i, d->type);
        if (links[i] == 0 && d->nlink == 0)
            printf("fsck: inode %u: orphan (no links), the next mount "
                   "frees it\n", i);
        else if (links[i] == 0)
            problem("inode %u: nlink %d but no directory names it", i,
                    d->nlink);
        else if (links[i] != (uint)d->nlink)
            problem("inode %u: nlink %d but %u entries", i, d->nlink,
                    links[i]);
    }
    for (uint64 b = 0; b < im.sb.size; b++) {
        int marked = bit(im.sb.bmapstart, b);
        int busy = b < im.sb.datastart || used[b];
        if (busy && !marked)
            problem("block %llu in use but free in the bitmap",
                    (unsigned long long)b);
        else if (!busy && marked)
            problem("block %llu marked in use but unused",
                    (unsigned long long)b);
    }
}

static void
load_inodes(void)
{
    uint nblocks = im.sb.datastart - im.sb.inodestart;
    inodes = xcalloc((uint64)nblocks * IPB, sizeof(struct dinode));
    for (uint i = 0; i < nblocks; i++)
        rblock(im.sb.inodestart + i, (uchar *)inodes + (uint64)i * BSIZE);
}

void
check_all(void)
{
    load_inodes();
    used = xcalloc(im.sb.size, 1);
    links = xcalloc(im.sb.ninodes, sizeof(uint));
    parent = xcalloc(im.sb.ninodes, sizeof(uint));
    if (bit(im.sb.imapstart, 0) == 0)
        problem("inode 0 free in the bitmap");
    // An inode whose bit is clear is free whatever its slot holds (a
    // file system written sparsely onto a used card leaves garbage there).
    for (uint i = ROOTINO; i < im.sb.ninodes; i++)
        if (!bit(im.sb.imapstart, i))
            memset(&inodes[i], 0, sizeof(inodes[i]));
    for (uint i = ROOTINO; i < im.sb.ninodes; i++)
        if (inodes[i].type != 0)
            claim_inode(i, &inodes[i]);
    walk_tree();
    check_counts();
}

// ---- --dump and --ls ----

static void
write_out(const uchar *buf, uint n, __attribute__((unused)) void *unused)
{
    if (fwrite(buf, 1, n, stdout) != n)
        exit(1);
}

static void
list_block(const uchar *buf, uint n, __attribute__((unused)) void *unused)
{
    for (uint i = 0; i + sizeof(struct dirent) <= n;
         i += sizeof(struct dirent)) {
        struct dirent *de = (struct dirent *)(buf + i);
        if (de->inum == 0 || de->inum >= im.sb.ninodes)
            continue;
        char name[DIRSIZ + 1] = {0};
        memcpy(name, de->name, DIRSIZ);
        struct dinode *d = &inodes[de->inum];
        printf("%u %d %llu %s\n", de->inum, d->type,
               (unsigned long long)d->size, name);
    }
}

struct lookup {
    const char *name;
    uint found;
};

static void
find_block(const uchar *buf, uint n, void *arg)
{
    struct lookup *l = arg;
    for (uint i = 0; i + sizeof(struct dirent) <= n;
         i += sizeof(struct dirent)) {
        struct dirent *de = (struct dirent *)(buf + i);
        if (de->inum && strncmp(de->name, l->name, DIRSIZ) == 0 && !l->found)
            l->found = de->inum;
    }
}

int
show_path(const char *path, int dump)
{
    load_inodes();
    uint cur = ROOTINO;
    char copy[4096], *save = 0;
    snprintf(copy, sizeof(copy), "%s", path);
    for (char *e = strtok_r(copy, "/", &save); e; e = strtok_r(0, "/", &save)) {
        struct lookup l = {e, 0};
        if (inodes[cur].type == T_DIR)
            each_block(&inodes[cur], find_block, &l);
        if (l.found == 0 || l.found >= im.sb.ninodes) {
            fprintf(stderr, "fsck: %s: not found\n", path);
            return -1;
        }
        cur = l.found;
    }
    struct dinode *d = &inodes[cur];
    if (dump && d->type != T_DIR)
        each_block(d, write_out, 0);
    else if (!dump && d->type == T_DIR)
        each_block(d, list_block, 0);
    else {
        fprintf(stderr, "fsck: %s: not a %s\n", path,
                dump ? "file" : "directory");
        return -1;
    }
    return 0;
}
