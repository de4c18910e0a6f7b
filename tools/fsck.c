// fsck: checks a lazyos file-system image on the host, or prints one file of
// it. Knows only the on-disk format (kernel/fs.h); little-endian host.
//
//   fsck IMAGE              check; prints each problem, then "fsck: clean"
//                           or "fsck: N problems"; exit 0 only when clean
//   fsck IMAGE --dump PATH  writes the file at PATH to stdout
//
// Link counts follow the kernel's convention: a directory's own "." does not
// count, so nlink = entries naming the inode other than ".".
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/types.h"
#include "kernel/param.h" // before fs.h: LOGSIZE sizes the log header
#include "kernel/fs.h"
#define stat lazyos_stat // keep clear of the host's struct stat
#include "kernel/stat.h"
#undef stat

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "fsck reads the on-disk structures as is: little-endian hosts only"
#endif
_Static_assert(sizeof(struct dinode) == 64, "dinode layout");
_Static_assert(sizeof(struct dirent) == 16, "dirent layout");

#define MAX_SHOWN 100 // problems printed; the rest are only counted

static FILE *img;
static struct superblock sb;
static uint datastart;        // first data block
static struct dinode *inodes; // every disk inode
static uint *owner;           // per block: the inode using it, 0 = none
static uint *nrefs;           // per inode: entries naming it, "." excluded
static uchar *dir_seen;       // per inode: directory reached by the walk
static int problems;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
problem(const char *fmt, ...)
{
    va_list ap;

    if (++problems > MAX_SHOWN)
        return;
    printf("fsck: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void
rblock(uint bno, void *buf)
{
    // Callers check bno < sb.size, and main checked the image is that long.
    if (fseeko(img, (off_t)bno * BSIZE, SEEK_SET) != 0 ||
        fread(buf, BSIZE, 1, img) != 1) {
        fprintf(stderr, "fsck: read of block %u failed\n", bno);
        exit(1);
    }
}

static void *
zalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (p == 0) {
        fprintf(stderr, "fsck: out of memory\n");
        exit(1);
    }
    return p;
}

// Checks the superblock against the layout mkfs makes; 0 when usable.
static int
check_superblock(uint64 image_bytes)
{
    uint64 inodeblocks = ((uint64)sb.ninodes + IPB - 1) / IPB;
    uint64 nbitmap = ((uint64)sb.size + BPB - 1) / BPB;
    uint64 start = (uint64)sb.bmapstart + nbitmap;
    int before = problems;

    if (sb.magic != FSMAGIC) {
        problem("superblock: bad magic %#x", sb.magic);
        return -1;
    }
    if (sb.logstart != 2 || sb.nlog < LOGSIZE + 1)
        problem("superblock: log at %u, %u blocks (want 2, >= %d)", sb.logstart,
                sb.nlog, LOGSIZE + 1);
    if ((uint64)sb.inodestart != (uint64)sb.logstart + sb.nlog)
        problem("superblock: inodes start at %u, not after the log",
                sb.inodestart);
    if (sb.ninodes < 2 || sb.ninodes > 65536)
        problem("superblock: %u inodes", sb.ninodes);
    if ((uint64)sb.bmapstart != sb.inodestart + inodeblocks)
        problem("superblock: bitmap starts at %u, not after the inodes",
                sb.bmapstart);
    if (start > sb.size || sb.nblocks != sb.size - start)
        problem("superblock: %u data blocks do not fit a %u-block image",
                sb.nblocks, sb.size);
    if ((uint64)sb.size * BSIZE > image_bytes)
        problem("superblock: %u blocks but the image holds %lu", sb.size,
                (unsigned long)(image_bytes / BSIZE));
    datastart = (uint)start;
    return problems == before ? 0 : -1;
}

// Address of file block bn of d without allocating; 0 if missing or out of
// range, or if an index block on the way is (reported by check_inodes).
static uint
fblock(const struct dinode *d, uint bn)
{
    uint a[NINDIRECT], addr, idx[2];
    int depth = 0;

    if (bn < NDIRECT) {
        addr = d->addrs[bn];
    } else if ((bn -= NDIRECT) < NINDIRECT) {
        addr = d->addrs[NDIRECT];
        idx[depth++] = bn;
    } else if ((bn -= NINDIRECT) < NDINDIRECT) {
        addr = d->addrs[NDIRECT + 1];
        idx[depth++] = bn / NINDIRECT;
        idx[depth++] = bn % NINDIRECT;
    } else {
        return 0;
    }
    for (int i = 0; i < depth && addr != 0; i++) {
        if (addr < datastart || addr >= sb.size)
            return 0;
        rblock(addr, a);
        addr = a[idx[i]];
    }
    return addr >= datastart && addr < sb.size ? addr : 0;
}

// Records that inode inum uses block addr; 0 if the use is bad (reported).
static int
claim(uint inum, uint addr)
{
    if (addr < datastart || addr >= sb.size) {
        problem("inode %u: block %u out of range [%u, %u)", inum, addr,
                datastart, sb.size);
        return 0;
    }
    if (owner[addr] != 0) {
        problem("block %u used twice (inode %u and inode %u)", addr,
                owner[addr], inum);
        return 0;
    }
    owner[addr] = inum;
    return 1;
}

// Claims addr and, for an index block `depth` levels above the data, all
// it points to. A bad index block is not followed.
static void
claim_tree(uint inum, uint addr, int depth)
{
    uint a[NINDIRECT];

    if (!claim(inum, addr) || depth == 0)
        return;
    rblock(addr, a);
    for (uint i = 0; i < NINDIRECT; i++)
        if (a[i] != 0)
            claim_tree(inum, a[i], depth - 1);
}

static int
valid_type(short type)
{
    return type == T_DIR || type == T_FILE || type == T_DEVICE;
}

static void
check_inodes(void)
{
    for (uint inum = 1; inum < sb.ninodes; inum++) {
        const struct dinode *d = &inodes[inum];
        if (d->type == 0)
            continue;
        if (!valid_type(d->type)) {
            problem("inode %u: bad type %d", inum, d->type);
            continue;
        }
        for (int i = 0; i < NDIRECT + 2; i++)
            if (d->addrs[i] != 0)
                claim_tree(inum, d->addrs[i],
                           i < NDIRECT ? 0 : i - NDIRECT + 1);
        if ((uint64)d->size > (uint64)MAXFILE * BSIZE) {
            problem("inode %u: size %u over the maximum", inum, d->size);
            continue;
        }
        for (uint bn = 0; bn < (d->size + BSIZE - 1) / BSIZE; bn++) {
            if (fblock(d, bn) == 0) {
                problem("inode %u: no block %u within its size %u", inum, bn,
                        d->size);
                break;
            }
        }
    }
    if (inodes[0].type != 0)
        problem("inode 0 is in use (0 means \"no inode\")");
}

// Every block must be marked in the bitmap exactly when it is metadata or
// some inode uses it.
static void
check_bitmap(void)
{
    uchar buf[BSIZE];

    for (uint base = 0; base < sb.size; base += BPB) {
        rblock(BBLOCK(base, sb), buf);
        for (uint b = base; b < sb.size && b < base + BPB; b++) {
            int marked = (buf[(b - base) / 8] >> ((b - base) % 8)) & 1;
            int used = b < datastart || owner[b] != 0;
            if (used && !marked)
                problem("block %u in use (%s %u) but free in the bitmap", b,
                        b < datastart ? "metadata" : "inode",
                        b < datastart ? b : owner[b]);
            else if (!used && marked)
                problem("block %u marked in use in the bitmap but unused", b);
        }
    }
}

// Calls fn on every entry of directory dir; returns fn's first nonzero.
static int
for_each_dirent(uint dir, int (*fn)(uint, const struct dirent *, void *),
                void *arg)
{
    const struct dinode *d = &inodes[dir];
    struct dirent ents[BSIZE / sizeof(struct dirent)];

    for (uint off = 0; off < d->size; off += BSIZE) {
        uint addr = fblock(d, off / BSIZE);
        if (addr == 0)
            return 0; // reported by check_inodes
        rblock(addr, ents);
        uint n = d->size - off < BSIZE ? d->size - off : BSIZE;
        for (uint i = 0; i < n / sizeof(struct dirent); i++) {
            int r = ents[i].inum != 0 ? fn(dir, &ents[i], arg) : 0;
            if (r != 0)
                return r;
        }
    }
    return 0;
}

struct walk {
    uint parent; // the directory's parent
    int ndot;    // "." entries seen
    int ndotdot; // ".." entries seen
    uint *stack; // directories still to visit, with their parents
    uint *depth; // number of pairs on the stack
};

static int
check_entry(uint dir, const struct dirent *de, void *arg)
{
    struct walk *w = arg;
    char name[DIRSIZ + 1];

    memcpy(name, de->name, DIRSIZ);
    name[DIRSIZ] = '\0';
    for (char *c = name; *c; c++)
        if (*c < ' ' || *c > '~')
            *c = '?'; // keep a damaged name from garbling the report
    if (de->inum >= sb.ninodes || !valid_type(inodes[de->inum].type)) {
        problem("dir %u: entry \"%s\" points to %s inode %u", dir, name,
                de->inum >= sb.ninodes ? "out-of-range" : "free", de->inum);
        return 0;
    }
    if (strcmp(name, ".") == 0) {
        w->ndot++;
        if (de->inum != dir)
            problem("dir %u: \".\" points to %u", dir, de->inum);
        return 0;
    }
    nrefs[de->inum]++;
    if (strcmp(name, "..") == 0) {
        w->ndotdot++;
        if (de->inum != w->parent)
            problem("dir %u: \"..\" points to %u, not its parent %u", dir,
                    de->inum, w->parent);
    } else if (inodes[de->inum].type == T_DIR) {
        if (dir_seen[de->inum]) {
            problem("dir %u: entry \"%s\" is a second name for directory %u",
                    dir, name, de->inum);
        } else {
            dir_seen[de->inum] = 1;
            w->stack[2 * *w->depth] = de->inum;
            w->stack[2 * *w->depth + 1] = dir;
            (*w->depth)++;
        }
    }
    return 0;
}

// Walks the tree from "/", counting the entries that name each inode.
static void
walk_tree(void)
{
    // Each directory is pushed once (dir_seen), so ninodes pairs suffice.
    uint *stack = zalloc(2 * (size_t)sb.ninodes, sizeof(uint));
    uint depth;

    dir_seen[ROOTINO] = 1;
    stack[0] = ROOTINO;
    stack[1] = ROOTINO; // "/" is its own parent
    depth = 1;
    while (depth > 0) {
        depth--;
        struct walk w = {stack[depth * 2 + 1], 0, 0, stack, &depth};
        uint dir = stack[depth * 2];
        if (inodes[dir].size % sizeof(struct dirent) != 0)
            problem("dir %u: size %u is not a whole number of entries", dir,
                    inodes[dir].size);
        for_each_dirent(dir, check_entry, &w);
        if (w.ndot != 1 || w.ndotdot != 1)
            problem("dir %u: %d \".\" and %d \"..\" entries (want 1 each)", dir,
                    w.ndot, w.ndotdot);
    }
    free(stack);
}

// Every in-use inode needs a name, and exactly nlink of them.
static void
check_directories(void)
{
    if (inodes[ROOTINO].type != T_DIR) {
        problem("root inode %d is not a directory", ROOTINO);
        return;
    }
    walk_tree();
    for (uint inum = 1; inum < sb.ninodes; inum++) {
        const struct dinode *d = &inodes[inum];
        if (!valid_type(d->type))
            continue;
        // "/" needs no name: it is found through the superblock's ROOTINO.
        if (nrefs[inum] == 0 && inum != ROOTINO)
            problem("inode %u (type %d, nlink %d) is in use but no "
                    "directory names it",
                    inum, d->type, d->nlink);
        else if ((uint)d->nlink != nrefs[inum])
            problem("inode %u: nlink %d but %u directory entries", inum,
                    d->nlink, nrefs[inum]);
    }
}

static void
check_log(void)
{
    struct logheader lh;
    uchar buf[BSIZE];

    rblock(sb.logstart, buf);
    memcpy(&lh, buf, sizeof(lh));
    if (lh.n != 0)
        problem("log: header holds %u committed blocks not yet installed",
                lh.n);
}

struct lookup {
    const char *name; // NUL-terminated, compared on DIRSIZ bytes
    uint inum;
};

static int
match_entry(uint dir, const struct dirent *de, void *arg)
{
    struct lookup *l = arg;

    (void)dir;
    if (strncmp(l->name, de->name, DIRSIZ) != 0)
        return 0;
    l->inum = de->inum;
    return 1;
}

// Writes the file at path to stdout; 0, or -1 after saying why.
static int
dump(const char *path)
{
    char buf[strlen(path) + 1], *elem, *save;
    uint inum = ROOTINO;
    uchar data[BSIZE];

    strcpy(buf, path);
    for (elem = strtok_r(buf, "/", &save); elem;
         elem = strtok_r(0, "/", &save)) {
        struct lookup l = {elem, 0};
        if (inodes[inum].type != T_DIR ||
            !for_each_dirent(inum, match_entry, &l) || l.inum >= sb.ninodes) {
            fprintf(stderr, "fsck: %s: not found\n", path);
            return -1;
        }
        inum = l.inum;
    }
    const struct dinode *d = &inodes[inum];
    for (uint off = 0; off < d->size; off += BSIZE) {
        uint addr = fblock(d, off / BSIZE);
        if (addr == 0) {
            fprintf(stderr, "fsck: %s: block %u missing\n", path, off / BSIZE);
            return -1;
        }
        rblock(addr, data);
        uint n = d->size - off < BSIZE ? d->size - off : BSIZE;
        fwrite(data, 1, n, stdout);
    }
    return 0;
}

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{
    fprintf(stderr, "usage: fsck IMAGE [--dump PATH]\n");
    exit(2);
}

// Opens the image, checks its superblock and loads every inode. 0, or -1
// after reporting why the image cannot be checked further.
static int
load_image(const char *path)
{
    uchar buf[BSIZE];

    if ((img = fopen(path, "rb")) == 0) {
        fprintf(stderr, "fsck: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fseeko(img, 0, SEEK_END);
    uint64 image_bytes = ftello(img);
    if (image_bytes < 2 * BSIZE) {
        fprintf(stderr, "fsck: %s: too short for a superblock\n", path);
        return -1;
    }
    rblock(1, buf);
    memcpy(&sb, buf, sizeof(sb));
    if (check_superblock(image_bytes) < 0) {
        printf("fsck: %d problems\n", problems);
        return -1;
    }
    inodes = zalloc(sb.ninodes, sizeof(struct dinode));
    for (uint inum = 0; inum < sb.ninodes; inum++) {
        if (inum % IPB == 0)
            rblock(IBLOCK(inum, sb), buf);
        inodes[inum] = ((struct dinode *)buf)[inum % IPB];
    }
    return 0;
}

int
main(int argc, char **argv)
{
    const char *path = 0, *dump_path = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            dump_path = argv[++i];
        else if (argv[i][0] == '-' || path != 0)
            usage();
        else
            path = argv[i];
    }
    if (path == 0)
        usage();
    if (load_image(path) < 0)
        return 1;
    if (dump_path)
        return dump(dump_path) == 0 ? 0 : 1;

    owner = zalloc(sb.size, sizeof(uint));
    nrefs = zalloc(sb.ninodes, sizeof(uint));
    dir_seen = zalloc(sb.ninodes, 1);
    check_log();
    check_inodes();
    check_bitmap();
    check_directories();
    if (problems > MAX_SHOWN)
        printf("fsck: (%d more not shown)\n", problems - MAX_SHOWN);
    if (problems == 0)
        printf("fsck: clean\n");
    else
        printf("fsck: %d problems\n", problems);
    return problems == 0 ? 0 : 1;
}
