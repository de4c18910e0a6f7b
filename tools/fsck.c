// fsck: checks a lazyfs image on the host, or prints a file or directory
// of it. Knows only the on-disk format (kernel/fs.h, docs/storage.md).
//
//   fsck IMAGE [--replay]        check; prints each problem, then
//                                "fsck: clean" or "fsck: N problems"
//   fsck IMAGE --dump PATH       writes the file at PATH to stdout
//   fsck IMAGE --ls PATH         lists a directory: inum type size name
//
// A committed journal transaction is applied in memory before anything is
// read, so fsck sees what the kernel will after its mount; --replay also
// writes it to the image, as the kernel's mount does. Exit status: 0 when
// clean, 1 on damage, 2 on bad usage.
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/types.h"
#include "kernel/fs.h"
#define stat lazyos_stat
#include "kernel/stat.h"
#undef stat
#include "tools/fsck.h"

struct image im;

void
problem(const char *fmt, ...)
{
    va_list ap;
    printf("fsck: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    im.problems++;
}

static void
fatal(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fsck: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

void *
xcalloc(uint64 n, uint64 size)
{
    void *p = calloc(n ? n : 1, size);
    if (p == 0)
        fatal("out of memory");
    return p;
}

// Block bno as the kernel will see it: the journal's copy if a committed
// transaction holds one.
void
rblock(uint bno, void *buf)
{
    uint64 where = bno;
    for (uint i = 0; i < im.jcount; i++)
        if (im.jhome[i] == bno)
            where = im.jwhere[i]; // the last copy wins
    if (pread(im.fd, buf, BSIZE, (off_t)where * BSIZE) != BSIZE)
        fatal("read of block %u failed", bno);
}

static void
wblock(uint64 bno, const void *buf)
{
    if (pwrite(im.fd, buf, BSIZE, (off_t)bno * BSIZE) != BSIZE)
        fatal("write of block %llu failed: %s", (unsigned long long)bno,
              strerror(errno));
}

// jtx_sum's reader: copy i of the transaction at log block *pos.
static int
read_copy(void *pos, uint i, void *buf)
{
    uint first = im.sb.journalstart + 1;
    off_t at = (off_t)(first + *(uint *)pos + 1 + i) * BSIZE;
    return pread(im.fd, buf, BSIZE, at) == BSIZE ? 0 : -1;
}

// The transaction at log block pos, if it is whole and numbered seq: its
// header in *hdr, its count returned; -1 otherwise.
static int
read_tx(uint pos, uint64 seq, struct jheader *hdr)
{
    uint logsize = im.sb.njournal - 1, first = im.sb.journalstart + 1;
    uchar buf[BSIZE];
    if (pos + 1 > logsize ||
        pread(im.fd, hdr, BSIZE, (off_t)(first + pos) * BSIZE) != BSIZE)
        return -1;
    if (!jtx_header_ok(hdr, seq, pos, logsize))
        return -1;
    return jtx_sum(hdr, read_copy, &pos, buf) == hdr->sum ? (int)hdr->count
                                                            : -1;
}

// Adds home -> journal block to the overlay (later transactions win:
// rblock takes the last match).
static void
overlay(uint home, uint where)
{
    if (home == 0 || home >= im.sb.size)
        fatal("journal names block %u outside the file system", home);
    im.jhome = realloc(im.jhome, (im.jcount + 1) * sizeof(uint));
    im.jwhere = realloc(im.jwhere, (im.jcount + 1) * sizeof(uint));
    if (!im.jhome || !im.jwhere)
        fatal("out of memory");
    im.jhome[im.jcount] = home;
    im.jwhere[im.jcount++] = where;
}

// Reads the anchor and every whole transaction after it into the overlay;
// with replay, copies them home and moves the anchor past them, as the
// kernel's mount does.
static void
load_journal(int replay)
{
    uchar buf[BSIZE];
    struct jheader *jh = (struct jheader *)buf;
    static struct jheader hdr;
    if (pread(im.fd, buf, BSIZE, (off_t)im.sb.journalstart * BSIZE) != BSIZE)
        fatal("cannot read the journal anchor");
    if (jh->magic != JANCHOR) {
        problem("journal anchor: bad magic %x", jh->magic);
        return;
    }
    uint64 seq = jh->seq;
    int count, ntx = 0;
    for (uint pos = 0; (count = read_tx(pos, seq, &hdr)) >= 0; seq++) {
        for (int i = 0; i < count; i++)
            overlay(hdr.home[i], im.sb.journalstart + 2 + pos + i);
        pos += 1 + count;
        ntx++;
    }
    if (ntx == 0)
        return;
    // stderr: --dump output must stay the file alone.
    fprintf(stderr, "fsck: journal holds %d committed transactions%s\n", ntx,
            replay ? ": replaying" : "");
    if (!replay)
        return;
    uchar copy[BSIZE];
    for (uint i = 0; i < im.jcount; i++) {
        if (pread(im.fd, copy, BSIZE, (off_t)im.jwhere[i] * BSIZE) != BSIZE)
            fatal("cannot read the journal");
        wblock(im.jhome[i], copy);
    }
    im.jcount = 0;
    jh->seq = seq;
    wblock(im.sb.journalstart, buf);
    if (fsync(im.fd) != 0)
        fatal("fsync: %s", strerror(errno));
}

static void
open_image(const char *path, int writable)
{
    im.fd = open(path, writable ? O_RDWR : O_RDONLY);
    if (im.fd < 0)
        fatal("%s: %s", path, strerror(errno));
    struct stat st;
    uchar buf[BSIZE];
    if (fstat(im.fd, &st) != 0 || pread(im.fd, buf, BSIZE, 0) != BSIZE)
        fatal("%s: cannot read the superblock", path);
    memcpy(&im.sb, buf, sizeof(im.sb));
    if (im.sb.magic != FSMAGIC)
        fatal("%s: bad magic %x: not a lazyfs image", path, im.sb.magic);
    if (im.sb.version != FSVERSION)
        fatal("%s: format version %u, not %u", path, im.sb.version,
              FSVERSION);
    if ((uint64)st.st_size < (uint64)im.sb.size * BSIZE)
        fatal("%s: image holds %llu bytes, the superblock says %u blocks",
              path, (unsigned long long)st.st_size, im.sb.size);
    check_layout();
}

static void usage(void) __attribute__((noreturn));
static void
usage(void)
{
    fprintf(stderr, "usage: fsck IMAGE [--replay | --dump PATH | --ls PATH]\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    const char *path = 0, *dump = 0, *ls = 0;
    int replay = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--replay") == 0)
            replay = 1;
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            dump = argv[++i];
        else if (strcmp(argv[i], "--ls") == 0 && i + 1 < argc)
            ls = argv[++i];
        else if (argv[i][0] == '-' || path)
            usage();
        else
            path = argv[i];
    }
    if (path == 0 || (dump && ls) || (replay && (dump || ls)))
        usage();
    open_image(path, replay);
    load_journal(replay);
    if (dump || ls)
        return show_path(dump ? dump : ls, dump != 0) < 0 ? 1 : 0;
    check_all();
    if (im.problems) {
        printf("fsck: %d problems\n", im.problems);
        return 1;
    }
    printf("fsck: clean\n");
    return 0;
}
