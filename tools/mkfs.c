// mkfs: builds a lazyos file-system image on the host from a list of files,
// all placed in "/". Knows only the on-disk format (kernel/fs.h). Assumes a
// little-endian host, like the RISC-V target: structs are written as is.
//
//   mkfs IMAGE [--size BLOCKS] [--inodes N] FILE...
//
// Each FILE is stored under its base name with one leading '_' removed
// (build/user/_cat becomes /cat).
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/types.h"
#include "kernel/param.h" // before fs.h: LOGSIZE sizes the log header
#include "kernel/fs.h"
#define stat lazyos_stat // keep clear of the host's struct stat
#include "kernel/stat.h"
#undef stat

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mkfs writes the on-disk structures as is: little-endian hosts only"
#endif
_Static_assert(sizeof(struct dinode) == 64, "dinode layout");
_Static_assert(BSIZE % sizeof(struct dinode) == 0, "inodes per block");
_Static_assert(sizeof(struct dirent) == 16, "dirent layout");
_Static_assert(sizeof(struct logheader) <= BSIZE, "log header fits");

#define DEFAULT_NINODES 200
#define MAX_SIZE (FS_MAX_BITMAP * BPB) // blocks: what the kernel's log allows

static FILE *img;
static const char *img_path;
static struct superblock sb;
static uint next_inum = 1; // inodes are handed out in order from ROOTINO
static uint next_block;    // so are data blocks, from the first data block

static void die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

static void
die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "mkfs: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (img) {
        fclose(img);
        remove(img_path); // never leave a half-built image behind
    }
    exit(1);
}

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{
    fprintf(stderr, "usage: mkfs IMAGE [--size BLOCKS] [--inodes N] FILE...\n");
    exit(2);
}

static void
wblock(uint bno, const void *buf)
{
    if (fseeko(img, (off_t)bno * BSIZE, SEEK_SET) != 0 ||
        fwrite(buf, BSIZE, 1, img) != 1)
        die("%s: write of block %u failed: %s", img_path, bno, strerror(errno));
}

static void
rblock(uint bno, void *buf)
{
    if (fseeko(img, (off_t)bno * BSIZE, SEEK_SET) != 0 ||
        fread(buf, BSIZE, 1, img) != 1)
        die("%s: read of block %u failed", img_path, bno);
}

// Reads (write == 0) or writes disk inode inum through *d.
static void
rw_inode(uint inum, struct dinode *d, int write)
{
    uchar buf[BSIZE];
    struct dinode *slot = (struct dinode *)buf + inum % IPB;

    rblock(IBLOCK(inum, sb), buf);
    if (write) {
        *slot = *d;
        wblock(IBLOCK(inum, sb), buf);
    } else {
        *d = *slot;
    }
}

static uint
alloc_inode(short type)
{
    struct dinode d;

    if (next_inum >= sb.ninodes)
        die("out of inodes (%u); use --inodes", sb.ninodes);
    memset(&d, 0, sizeof(d));
    d.type = type;
    d.nlink = 1; // the one directory entry mkfs makes for it
    rw_inode(next_inum, &d, 1);
    return next_inum++;
}

// The image starts as zeros, so a fresh block needs no writing.
static uint
alloc_block(void)
{
    if (next_block >= sb.size)
        die("image full: %u blocks are not enough", sb.size);
    return next_block++;
}

// Entry idx of indirect block tab, allocated if empty.
static uint
table_entry(uint tab, uint idx)
{
    uint a[NINDIRECT];

    rblock(tab, a);
    if (a[idx] == 0) {
        a[idx] = alloc_block();
        wblock(tab, a);
    }
    return a[idx];
}

// Disk address of file block bn of *d, allocating what is missing.
static uint
file_block(struct dinode *d, uint bn)
{
    if (bn < NDIRECT) {
        if (d->addrs[bn] == 0)
            d->addrs[bn] = alloc_block();
        return d->addrs[bn];
    }
    bn -= NDIRECT;
    uint slot = bn < NINDIRECT ? NDIRECT : NDIRECT + 1;
    if (d->addrs[slot] == 0)
        d->addrs[slot] = alloc_block();
    if (slot == NDIRECT)
        return table_entry(d->addrs[slot], bn);
    bn -= NINDIRECT;
    uint second = table_entry(d->addrs[slot], bn / NINDIRECT);
    return table_entry(second, bn % NINDIRECT);
}

// Appends n bytes to inode inum.
static void
iappend(uint inum, const void *data, uint n)
{
    struct dinode d;
    const uchar *p = data;
    uchar buf[BSIZE];

    rw_inode(inum, &d, 0);
    while (n > 0) {
        uint off = d.size, bn = off / BSIZE;
        if (bn >= MAXFILE)
            die("file too big (over %lu blocks)", (unsigned long)MAXFILE);
        uint addr = file_block(&d, bn);
        uint m = BSIZE - off % BSIZE;
        if (m > n)
            m = n;
        rblock(addr, buf);
        memcpy(buf + off % BSIZE, p, m);
        wblock(addr, buf);
        d.size += m;
        p += m;
        n -= m;
    }
    rw_inode(inum, &d, 1);
}

static void
add_dirent(uint dir, uint inum, const char *name)
{
    struct dirent de;

    memset(&de, 0, sizeof(de));
    de.inum = inum;
    size_t len = strlen(name);
    // Names were checked to fit; one of exactly DIRSIZ bytes has no NUL.
    memcpy(de.name, name, len < DIRSIZ ? len : DIRSIZ);
    iappend(dir, &de, sizeof(de));
}

// The name a host path gets in "/": its base name less one leading '_'.
static const char *
image_name(const char *path)
{
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    return base[0] == '_' ? base + 1 : base;
}

// Rejects names the kernel could not look up, before anything is written.
static void
check_names(char **files, int nfiles)
{
    for (int i = 0; i < nfiles; i++) {
        const char *name = image_name(files[i]);
        if (name[0] == '\0' || strcmp(name, ".") == 0 ||
            strcmp(name, "..") == 0)
            die("%s: bad file name \"%s\"", files[i], name);
        if (strlen(name) > DIRSIZ)
            die("%s: name \"%s\" is longer than %d bytes", files[i], name,
                DIRSIZ);
        for (int j = 0; j < i; j++)
            if (strcmp(name, image_name(files[j])) == 0)
                die("%s: duplicate name \"%s\" (also %s)", files[i], name,
                    files[j]);
        if (access(files[i], R_OK) != 0)
            die("%s: %s", files[i], strerror(errno));
    }
}

static void
add_file(uint root, const char *path)
{
    FILE *in = fopen(path, "rb");
    uchar buf[BSIZE];
    size_t n;

    if (in == 0)
        die("%s: %s", path, strerror(errno));
    uint inum = alloc_inode(T_FILE);
    add_dirent(root, inum, image_name(path));
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        iappend(inum, buf, n);
    if (ferror(in))
        die("%s: read error", path);
    fclose(in);
}

// Marks blocks [0, next_block) in use: metadata plus what mkfs allocated.
static void
write_bitmap(void)
{
    uchar buf[BSIZE];

    for (uint base = 0; base < sb.size; base += BPB) {
        memset(buf, 0, sizeof(buf));
        for (uint b = base; b < next_block && b < base + BPB; b++)
            buf[(b - base) / 8] |= 1 << ((b - base) % 8);
        wblock(BBLOCK(base, sb), buf);
    }
}

static uint
parse_count(const char *opt, const char *val, uint min, uint max)
{
    char *end;

    if (val == 0)
        usage();
    errno = 0;
    unsigned long v = strtoul(val, &end, 10);
    if (errno != 0 || end == val || *end != '\0' || val[0] == '-' || v < min ||
        v > max) {
        fprintf(stderr, "mkfs: %s: want a number from %u to %u, not \"%s\"\n",
                opt, min, max, val);
        usage();
    }
    return (uint)v;
}

// Lays out the superblock: [boot | super | log | inodes | bitmap | data].
static void
layout(uint size, uint ninodes)
{
    uint ninodeblocks = (ninodes + IPB - 1) / IPB;
    uint nbitmap = (size + BPB - 1) / BPB;
    uint nlog = LOGSIZE + 1; // the header, then LOGSIZE blocks
    uint nmeta = 2 + nlog + ninodeblocks + nbitmap;

    if (size < nmeta + 1) // room for the root directory at least
        die("--size %u is too small: the metadata alone needs %u blocks", size,
            nmeta);
    sb.magic = FSMAGIC;
    sb.size = size;
    sb.nblocks = size - nmeta;
    sb.ninodes = ninodes;
    sb.nlog = nlog;
    sb.logstart = 2;
    sb.inodestart = 2 + nlog;
    sb.bmapstart = 2 + nlog + ninodeblocks;
    next_block = nmeta;
}

// Writes the image: superblock, "/" with its entries, the files, bitmap.
static void
build_image(char **files, int nfiles)
{
    uchar buf[BSIZE];

    if ((img = fopen(img_path, "w+b")) == 0) {
        fprintf(stderr, "mkfs: %s: %s\n", img_path, strerror(errno));
        exit(1);
    }
    if (ftruncate(fileno(img), (off_t)sb.size * BSIZE) != 0)
        die("%s: %s", img_path, strerror(errno));
    memset(buf, 0, sizeof(buf));
    memcpy(buf, &sb, sizeof(sb));
    wblock(1, buf);

    uint root = alloc_inode(T_DIR);
    if (root != ROOTINO)
        die("root inode is %u, not %d", root, ROOTINO);
    add_dirent(root, root, ".");
    add_dirent(root, root, ".."); // "/" is its own parent
    for (int i = 0; i < nfiles; i++)
        add_file(root, files[i]);
    write_bitmap();
    if (fclose(img) != 0) {
        img = 0;
        remove(img_path);
        die("%s: %s", img_path, strerror(errno));
    }
}

int
main(int argc, char **argv)
{
    uint size = FSSIZE, ninodes = DEFAULT_NINODES;
    char **files = calloc(argc, sizeof(char *));
    int nfiles = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0)
            size = parse_count("--size", argv[++i], 1, MAX_SIZE);
        else if (strcmp(argv[i], "--inodes") == 0)
            ninodes = parse_count("--inodes", argv[++i], 2, 65536);
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            usage();
        else if (img_path == 0)
            img_path = argv[i];
        else
            files[nfiles++] = argv[i];
    }
    if (files == 0 || img_path == 0)
        usage();
    check_names(files, nfiles);
    layout(size, ninodes);
    build_image(files, nfiles);
    printf("mkfs: %s: %u blocks (%u log, %u inode, %u bitmap), %u inodes, "
           "%u data blocks (%u used), %d files\n",
           img_path, sb.size, sb.nlog, sb.bmapstart - sb.inodestart,
           sb.size - sb.nblocks - sb.bmapstart, sb.ninodes, sb.nblocks,
           next_block - (sb.size - sb.nblocks), nfiles);
    free(files);
    return 0;
}
