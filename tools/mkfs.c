// mkfs: builds a lazyfs image on the host from a list of files, all placed
// in "/". Knows only the on-disk format (kernel/fs.h, docs/storage.md).
// Little-endian hosts only, like the RISC-V target: structs go out as is.
//
//   mkfs IMAGE [--size N[K|M|G]] [--inodes N] FILE...
//
// --size is in 4 KiB blocks, or in bytes with a K, M or G suffix. The image
// is a sparse file: only blocks mkfs writes take host disk space. Each FILE
// is stored under its base name with one leading '_' removed (build/user/
// _cat becomes /cat); its all-zero blocks become holes.
#define _GNU_SOURCE // SEEK_DATA
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/types.h"
#include "kernel/fs.h"
#define stat lazyos_stat // keep clear of the host's struct stat
#include "kernel/stat.h"
#undef stat

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mkfs writes the on-disk structures as is: little-endian hosts only"
#endif
_Static_assert(sizeof(struct dinode) == 64, "dinode layout");
_Static_assert(sizeof(struct dirent) == 16, "dirent layout");
_Static_assert(sizeof(struct jheader) <= BSIZE, "journal header fits");
_Static_assert(sizeof(struct superblock) <= BSIZE, "superblock fits");

#define DEFAULT_SIZE (128u << 20) / BSIZE // 128 MiB: room for make bench
#define MIN_SIZE 64                       // blocks (256 KiB)
#define MAX_SIZE 0xffffffffu              // blocks: 32-bit block numbers
#define MIN_JOURNAL 192 // the kernel wants transactions of >= 40 blocks
#define MAX_JOURNAL 2048 // 8 MiB: enough to batch many commits

static int img = -1;
static const char *img_path;
static struct superblock sb;
static uchar *bmap, *imap;     // the bitmaps, built in memory
static struct dinode *itable;  // so is the inode table
static uint next_inum = ROOTINO, next_block;

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
    if (img >= 0) {
        close(img);
        unlink(img_path); // never leave a half-built image behind
    }
    exit(1);
}

static void usage(void) __attribute__((noreturn));
static void
usage(void)
{
    fprintf(stderr,
            "usage: mkfs IMAGE [--size N[K|M|G]] [--inodes N] FILE...\n");
    exit(2);
}

static void
wblock(uint bno, const void *buf)
{
    if (pwrite(img, buf, BSIZE, (off_t)bno * BSIZE) != BSIZE)
        die("%s: write of block %u failed: %s", img_path, bno,
            strerror(errno));
}

static void
mark(uchar *map, uint bit)
{
    map[bit / 8] |= 1 << (bit % 8);
}

static uint
alloc_block(void)
{
    if (next_block >= sb.size)
        die("image full: %u blocks are not enough", sb.size);
    mark(bmap, next_block);
    return next_block++;
}

static uint
alloc_inode(short type)
{
    if (next_inum >= sb.ninodes)
        die("out of inodes (%u); use --inodes", sb.ninodes);
    mark(imap, next_inum);
    itable[next_inum].type = type;
    itable[next_inum].nlink = 1; // the one entry mkfs makes for it
    return next_inum++;
}

// The block holding block lbn of inode inum, allocated if missing. Index
// blocks are kept in memory (*cache) until flush_index writes them.
struct index {
    uint blockno;
    uint entry[NINDIRECT];
};

static uint *
slot_of(struct dinode *d, uint64 lbn, struct index *single,
        struct index *top, struct index *mid)
{
    if (lbn < NDIRECT)
        return &d->addrs[lbn];
    lbn -= NDIRECT;
    if (lbn < NINDIRECT) {
        if (!d->addrs[IND_SLOT])
            d->addrs[IND_SLOT] = single->blockno = alloc_block();
        return &single->entry[lbn];
    }
    lbn -= NINDIRECT;
    if (!d->addrs[DIND_SLOT])
        d->addrs[DIND_SLOT] = top->blockno = alloc_block();
    uint *m = &top->entry[lbn / NINDIRECT];
    if (!*m) {
        if (mid->blockno)
            wblock(mid->blockno, mid->entry); // the previous one is full
        memset(mid, 0, sizeof(*mid));
        *m = mid->blockno = alloc_block();
    }
    return &mid->entry[lbn % NINDIRECT];
}

static int
all_zero(const uchar *p)
{
    for (int i = 0; i < BSIZE; i++)
        if (p[i])
            return 0;
    return 1;
}

// Reads block *lbn of the file fd (len bytes long) into block. In a hole
// of a sparse file, moves *lbn to the block holding the next data instead
// (SEEK_DATA: no reading of zeros) and returns 0; past the last data, to
// the end.
static int
read_block(int fd, uint64 *lbn, uint64 len, uchar *block)
{
    off_t off = (off_t)*lbn * BSIZE, data = lseek(fd, off, SEEK_DATA);
    if (data < 0 && errno == ENXIO) {
        *lbn = (len + BSIZE - 1) / BSIZE;
        return 0;
    }
    if (data >= off + BSIZE) {
        *lbn = data / BSIZE;
        return 0;
    }
    uint64 n = len - off < BSIZE ? len - off : BSIZE;
    memset(block, 0, BSIZE);
    if (pread(fd, block, n, off) != (ssize_t)n)
        die("read error: %s", strerror(errno));
    return 1;
}

// Appends `len` bytes of the file fd (or of buf when fd < 0) to inode
// inum, which must be empty. Zero blocks become holes.
static void
fill_inode(uint inum, int fd, const void *buf, uint64 len)
{
    struct dinode *d = &itable[inum];
    static struct index single, top, mid;
    memset(&single, 0, sizeof(single));
    memset(&top, 0, sizeof(top));
    memset(&mid, 0, sizeof(mid));
    uchar block[BSIZE];
    if ((len + BSIZE - 1) / BSIZE > MAXFILE_BLOCKS)
        die("file larger than %llu bytes", (unsigned long long)MAXFILE);
    for (uint64 lbn = 0; lbn * BSIZE < len;) {
        uint64 off = lbn * BSIZE, n = len - off < BSIZE ? len - off : BSIZE;
        if (fd >= 0 && !read_block(fd, &lbn, len, block))
            continue;
        if (fd < 0) {
            memset(block, 0, BSIZE);
            memcpy(block, buf + off, n);
        }
        if (!all_zero(block)) {
            uint b = alloc_block();
            *slot_of(d, lbn, &single, &top, &mid) = b;
            wblock(b, block);
        }
        lbn++;
    }
    for (struct index *x = &single; x; x = x == &single ? &top
                                         : x == &top    ? &mid
                                                        : NULL)
        if (x->blockno)
            wblock(x->blockno, x->entry);
    d->size = len;
}

// Where the areas go for a file system of `size` blocks (docs/storage.md).
static void
layout(uint size, uint ninodes)
{
    uint nj = size / 32;
    nj = nj < MIN_JOURNAL ? MIN_JOURNAL : nj > MAX_JOURNAL ? MAX_JOURNAL : nj;
    sb.magic = FSMAGIC;
    sb.version = FSVERSION;
    sb.size = size;
    sb.ninodes = ninodes;
    sb.journalstart = 1;
    sb.njournal = nj;
    sb.imapstart = 1 + nj;
    sb.bmapstart = sb.imapstart + (ninodes + BPB - 1) / BPB;
    sb.inodestart = sb.bmapstart + (uint)(((uint64)size + BPB - 1) / BPB);
    sb.datastart = sb.inodestart + (ninodes + IPB - 1) / IPB;
    if ((uint64)sb.datastart + 2 > size)
        die("size %u blocks is too small: the metadata takes %u", size,
            sb.datastart);
    next_block = sb.datastart;
}

static const char *
fs_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return *base == '_' ? base + 1 : base;
}

static void
check_names(char **files, int n)
{
    for (int i = 0; i < n; i++) {
        const char *name = fs_name(files[i]);
        if (*name == 0 || strlen(name) > DIRSIZ)
            die("%s: name empty or longer than %d bytes", files[i], DIRSIZ);
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            die("%s: reserved name", files[i]);
        for (int j = 0; j < i; j++)
            if (strcmp(name, fs_name(files[j])) == 0)
                die("%s and %s: duplicate name %s", files[j], files[i],
                    name);
        if (access(files[i], R_OK) != 0)
            die("%s: %s", files[i], strerror(errno));
    }
}

static void
build_image(char **files, int n)
{
    img = open(img_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (img < 0)
        die("%s: %s", img_path, strerror(errno));
    // Sparse: the blocks nobody writes read as zeros.
    if (ftruncate(img, (off_t)sb.size * BSIZE) != 0)
        die("%s: cannot size to %u blocks: %s", img_path, sb.size,
            strerror(errno));
    uint64 nbmap = ((uint64)sb.size + BPB - 1) / BPB;
    bmap = calloc(nbmap, BSIZE);
    imap = calloc(sb.bmapstart - sb.imapstart, BSIZE);
    itable = calloc(sb.datastart - sb.inodestart, BSIZE);
    struct dirent *dir = calloc(n + 2, sizeof(struct dirent));
    if (!bmap || !imap || !itable || !dir)
        die("out of memory");
    for (uint b = 0; b < sb.datastart; b++)
        mark(bmap, b);
    for (uint64 b = sb.size; b < nbmap * BPB; b++) // past the end: never free
        mark(bmap, b);
    mark(imap, 0); // inode 0 marks free directory slots: never handed out
    uint root = alloc_inode(T_DIR);
    dir[0] = (struct dirent){.inum = root, .name = "."};
    dir[1] = (struct dirent){.inum = root, .name = ".."}; // its own parent
    for (int i = 0; i < n; i++) {
        int in = open(files[i], O_RDONLY);
        off_t len = in < 0 ? -1 : lseek(in, 0, SEEK_END);
        if (len < 0)
            die("%s: %s", files[i], strerror(errno));
        uint inum = alloc_inode(T_FILE);
        fill_inode(inum, in, 0, len);
        close(in);
        dir[i + 2].inum = inum;
        strncpy(dir[i + 2].name, fs_name(files[i]), DIRSIZ);
    }
    fill_inode(root, -1, dir, (uint64)(n + 2) * sizeof(struct dirent));
    uchar block[BSIZE] = {0};
    memcpy(block, &sb, sizeof(sb));
    wblock(0, block);
    struct jheader *jh = (struct jheader *)block;
    memset(block, 0, BSIZE);
    jh->magic = JANCHOR; // an empty log: replay starts at transaction 1
    jh->seq = 1;
    wblock(sb.journalstart, block);
    for (uint i = 0; i < sb.bmapstart - sb.imapstart; i++)
        wblock(sb.imapstart + i, imap + (uint64)i * BSIZE);
    for (uint64 i = 0; i < nbmap; i++)
        wblock(sb.bmapstart + i, bmap + i * BSIZE);
    // Only the inode blocks in use; the rest of the table reads as zeros.
    for (uint i = 0; i <= (next_inum - 1) / IPB; i++)
        wblock(sb.inodestart + i, (uchar *)itable + (uint64)i * BSIZE);
    free(dir);
    if (fsync(img) != 0 || close(img) != 0) {
        img = -1;
        unlink(img_path);
        die("%s: %s", img_path, strerror(errno));
    }
}

// N blocks, or N bytes with a K, M or G suffix; usage() on anything else.
static uint64
parse_size(const char *s, uint64 max)
{
    char *end;
    if (s == 0 || *s < '0' || *s > '9')
        usage();
    errno = 0;
    uint64 v = strtoull(s, &end, 10);
    uint64 unit = 0;
    if (*end == 'K' || *end == 'k')
        unit = 1024;
    else if (*end == 'M' || *end == 'm')
        unit = 1 << 20;
    else if (*end == 'G' || *end == 'g')
        unit = 1 << 30;
    if (unit)
        end++;
    if (errno || *end != 0 || v == 0)
        usage();
    if (unit) {
        if (v > (max * BSIZE) / unit)
            die("size %s is too large", s);
        v = v * unit / BSIZE;
    }
    if (v > max)
        die("%s is too large (at most %llu)", s, (unsigned long long)max);
    return v;
}

int
main(int argc, char **argv)
{
    uint64 size = DEFAULT_SIZE, ninodes = 0;
    char **files = calloc(argc, sizeof(char *));
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0)
            size = parse_size(argv[++i], MAX_SIZE);
        else if (strcmp(argv[i], "--inodes") == 0)
            ninodes = parse_size(argv[++i], FS_MAX_INODES + 1);
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            usage();
        else if (img_path == 0)
            img_path = argv[i];
        else
            files[nfiles++] = argv[i];
    }
    if (files == 0 || img_path == 0)
        usage();
    if (size < MIN_SIZE)
        die("size %llu blocks is too small (at least %d)",
            (unsigned long long)size, MIN_SIZE);
    if (ninodes == 0) // one per 16 KiB, within what a dirent can name
        ninodes = size / 4 < 64 ? 64 : size / 4 > FS_MAX_INODES + 1
                                           ? FS_MAX_INODES + 1
                                           : size / 4;
    check_names(files, nfiles);
    layout(size, ninodes);
    build_image(files, nfiles);
    printf("mkfs: %s: %u blocks of 4 KiB (%u journal, %u inode table), "
           "%u inodes, %u data blocks (%u used), %d files\n",
           img_path, sb.size, sb.njournal, sb.datastart - sb.inodestart,
           sb.ninodes, sb.size - sb.datastart, next_block - sb.datastart,
           nfiles);
    free(files);
    return 0;
}
