// crashload: the write-heavy workload of the crash test (tests/crash/).
// `crashload DIR SEED` makes DIR, then runs operations on a few names in
// it until killed, printing "begin K OP NAME SIZE" before operation K and
// "done K ok|fail" after it, so a checker knows what must be on the disk.
// File contents follow from (K, size): see pattern().
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define NAMES 12
#define CHUNK 8192

static char buf[CHUNK];
static uint rng;

static uint
next(void)
{
    rng = rng * 1103515245 + 12345;
    return rng >> 8;
}

// Byte i of the file written by operation k.
static char
pattern(uint k, uint i)
{
    return (char)(k * 131 + i * 7 + (i >> 9));
}

static int
write_file(const char *path, uint k, uint size)
{
    int fd = open(path, O_CREATE | O_TRUNC | O_WRONLY);
    if (fd < 0)
        return -1;
    for (uint off = 0; off < size; off += CHUNK) {
        uint n = size - off < CHUNK ? size - off : CHUNK;
        for (uint i = 0; i < n; i++)
            buf[i] = pattern(k, off + i);
        if (write(fd, buf, n) != (int)n) {
            close(fd);
            return -1;
        }
    }
    close(fd);
    return 0;
}

// Sizes: mostly small files, some that span several transactions.
static uint
pick_size(void)
{
    uint r = next() % 100;
    if (r < 60)
        return next() % 3000;
    if (r < 95)
        return next() % 100000;
    return 200000 + next() % 1000000;
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(2, "usage: crashload DIR SEED\n");
        exit(1);
    }
    rng = atoi(argv[2]);
    if (mkdir(argv[1]) < 0 || chdir(argv[1]) < 0) {
        fprintf(2, "crashload: cannot make %s\n", argv[1]);
        exit(1);
    }
    printf("crashload: running\n");
    for (uint k = 1;; k++) {
        char name[4] = {'f', 'a' + next() % NAMES, 0, 0};
        uint op = next() % 10, size = 0;
        const char *what = op < 6 ? "write" : op < 9 ? "unlink" : "mkdir";
        if (op == 9)
            name[0] = 'd';
        if (op < 6)
            size = pick_size();
        printf("begin %d %s %s %d\n", k, what, name, size);
        int r = op < 6   ? write_file(name, k, size)
                : op < 9 ? unlink(name)
                         : mkdir(name);
        printf("done %d %s\n", k, r == 0 ? "ok" : "fail");
    }
}
