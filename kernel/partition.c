// Partition tables, read just far enough to find our file system: the GPT
// header and entries (UEFI spec, ch. 5) and the MBR's four primary entries.
// Pure logic over a sector reader, so host tests run it on image files.
#include "types.h"
#include "partition.h"

#define SECTOR 512

const uint8 lazyos_fs_guid[16] = {0xae, 0x0a, 0xcc, 0xf1, 0xe9, 0x49,
                                  0x70, 0x42, 0x9f, 0xd2, 0x36, 0x89,
                                  0x17, 0x06, 0x5d, 0x54};

static uint64
le(const uint8 *p, int bytes)
{
    uint64 v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static int
same_guid(const uint8 *a, const uint8 *b)
{
    for (int i = 0; i < 16; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static int
zero_guid(const uint8 *a)
{
    static const uint8 zero[16];
    return same_guid(a, zero);
}

// GPT: entries follow the header at its partition-entry LBA.
static int
find_gpt(sector_reader_t read, void *ctx, uint64 nsectors, uint8 *buf,
         uint64 *start, uint64 *len)
{
    uint64 lba = le(buf + 72, 8);
    uint32 count = le(buf + 80, 4), esize = le(buf + 84, 4);
    if (esize < 128 || esize > SECTOR || SECTOR % esize != 0 || count > 1024)
        return -1;
    uint64 best_start = 0, best_end = 0;
    int found_ours = 0;
    for (uint32 i = 0; i < count && !found_ours; i++) {
        uint32 per = SECTOR / esize;
        if (i % per == 0 && read(ctx, lba + i / per, buf, 1) < 0)
            return -1;
        const uint8 *e = buf + (i % per) * esize;
        if (zero_guid(e))
            continue;
        uint64 first = le(e + 32, 8), last = le(e + 40, 8);
        if (last < first || last >= nsectors)
            continue;
        found_ours = same_guid(e, lazyos_fs_guid);
        best_start = first; // ours, or else the last used one so far
        best_end = last + 1;
    }
    if (best_end == 0)
        return -1;
    *start = best_start;
    *len = best_end - best_start;
    return 0;
}

// MBR: the last used primary partition (type 0 = unused).
static int
find_mbr(const uint8 *mbr, uint64 nsectors, uint64 *start, uint64 *len)
{
    int found = -1;
    for (int i = 0; i < 4; i++) {
        const uint8 *e = mbr + 446 + 16 * i;
        uint64 first = le(e + 8, 4), n = le(e + 12, 4);
        if (e[4] == 0 || n == 0 || first + n > nsectors)
            continue;
        *start = first;
        *len = n;
        found = 0;
    }
    return found;
}

int
partition_find_fs(sector_reader_t read, void *ctx, uint64 nsectors,
                  uint8 *scratch, uint64 *start, uint64 *len)
{
    if (read(ctx, 1, scratch, 1) < 0)
        return -1;
    if (le(scratch, 8) == 0x5452415020494645UL) // "EFI PART"
        return find_gpt(read, ctx, nsectors, scratch, start, len);
    if (read(ctx, 0, scratch, 1) < 0)
        return -1;
    if (scratch[510] == 0x55 && scratch[511] == 0xAA &&
        find_mbr(scratch, nsectors, start, len) == 0)
        return 0;
    *start = 0; // no table: the disk is the file system (make qemu's fs.img)
    *len = nsectors;
    return 0;
}
