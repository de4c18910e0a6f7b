// fsbench: what the file system costs, in guest instructions (rdinstret).
// One step per run (`fsbench write 64`, `fsbench read 64`, `fsbench create
// 1000`, `fsbench ls`, `fsbench unlink 1000`) so the host can time each one.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "user/bench.h"

#define CHUNK (64 * 1024)
#define BIGFILE "fsbench.dat"
#define SMALLDIR "fsbench.d"

static void
report(const char *name, uint64 total, uint64 count, const char *unit)
{
    printf("bench %s %lu instructions/%s\n", name, total / count, unit);
}

static void
fail(const char *what)
{
    printf("fsbench: %s failed\n", what);
    exit(1);
}

// Sequential write (or read) of mib MiB in 64 KiB calls.
static void
sequential(int mib, int writing)
{
    char *buf = malloc(CHUNK);
    int fd = writing ? open(BIGFILE, O_CREATE | O_TRUNC | O_WRONLY)
                     : open(BIGFILE, O_RDONLY);
    if (buf == 0 || fd < 0)
        fail("open");
    memset(buf, 'x', CHUNK);
    uint64 t0 = instret();
    for (int i = 0; i < mib * (1024 * 1024 / CHUNK); i++) {
        int n = writing ? write(fd, buf, CHUNK) : read(fd, buf, CHUNK);
        if (n != CHUNK)
            fail(writing ? "write" : "read");
    }
    close(fd);
    uint64 t = instret() - t0;
    report(writing ? "fs_seq_write" : "fs_seq_read", t, mib * 1024, "KiB");
}

static void
small_name(char *name, int i)
{
    strcpy(name, SMALLDIR "/f");
    int n = strlen(name);
    name[n] = '0' + i / 1000 % 10;
    name[n + 1] = '0' + i / 100 % 10;
    name[n + 2] = '0' + i / 10 % 10;
    name[n + 3] = '0' + i % 10;
    name[n + 4] = 0;
}

// create + write 100 bytes + close, count times, in a fresh directory.
static void
create_files(int count)
{
    char name[32], data[100];
    memset(data, 'y', sizeof(data));
    mkdir(SMALLDIR);
    uint64 t0 = instret();
    for (int i = 0; i < count; i++) {
        small_name(name, i);
        int fd = open(name, O_CREATE | O_WRONLY);
        if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
            fail("create");
        close(fd);
    }
    report("fs_create_small", instret() - t0, count, "file");
}

// Reads every entry of the directory, as ls does, without printing.
static void
list_dir(void)
{
    struct dirent de;
    int fd = open(SMALLDIR, O_RDONLY), used = 0;
    if (fd < 0)
        fail("open dir");
    uint64 t0 = instret();
    while (read(fd, &de, sizeof(de)) == sizeof(de))
        if (de.inum)
            used++;
    uint64 t = instret() - t0;
    close(fd);
    if (used == 0)
        fail("list");
    report("fs_list_dir", t, used, "entry");
}

static void
unlink_files(int count)
{
    char name[32];
    uint64 t0 = instret();
    for (int i = 0; i < count; i++) {
        small_name(name, i);
        if (unlink(name) < 0)
            fail("unlink");
    }
    report("fs_unlink_small", instret() - t0, count, "file");
    unlink(SMALLDIR);
    unlink(BIGFILE);
}

int
main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        printf("usage: fsbench write|read MIB | create|unlink N | ls\n");
        exit(1);
    }
    int n = argc == 3 ? atoi(argv[2]) : 0;
    if (strcmp(argv[1], "write") == 0 && n > 0)
        sequential(n, 1);
    else if (strcmp(argv[1], "read") == 0 && n > 0)
        sequential(n, 0);
    else if (strcmp(argv[1], "create") == 0 && n > 0)
        create_files(n);
    else if (strcmp(argv[1], "unlink") == 0 && n > 0)
        unlink_files(n);
    else if (strcmp(argv[1], "ls") == 0)
        list_dir();
    else {
        printf("usage: fsbench write|read MIB | create|unlink N | ls\n");
        exit(1);
    }
    return 0;
}
