// Directory and name tests: mkdir/chdir/unlink rules, deep trees, reading
// struct dirent, DIRSIZ truncation, MAXPATH, link counts. Uses ut.h only.
#include "ut.h"

#define DIR_DEPTH 20

static char pathbuf[MAXPATH + 80];

// Scans directory path for name; returns the entry's inum (0 if absent)
// and counts live entries in *live when live is not 0.
static int
dir_lookup(const char *path, const char *name, int *live)
{
    struct dirent de;
    int fd = open(path, O_RDONLY), inum = 0, n;

    UT_CHECK(fd >= 0);
    if (live)
        *live = 0;
    while ((n = read(fd, &de, sizeof(de))) == sizeof(de)) {
        if (de.inum == 0)
            continue;
        if (live)
            (*live)++;
        if (strncmp(de.name, name, DIRSIZ) == 0)
            inum = de.inum;
    }
    UT_EQ(n, 0);
    close(fd);
    return inum;
}

static void
dir_basic(void)
{
    struct stat st;

    unlink("utd/f");
    unlink("utd");
    UT_EQ(mkdir("utd"), 0);
    UT_EQ(mkdir("utd"), -1);
    UT_EQ(chdir("utd"), 0);
    ut_write_file("f", "in", 2);
    UT_EQ(chdir(".."), 0);
    UT_EQ(stat("utd/f", &st), 0);
    UT_EQ(st.size, 2);
    UT_EQ(stat("utd", &st), 0);
    UT_EQ(st.type, T_DIR);
    UT_EQ(unlink("utd"), -1);
    UT_EQ(unlink("utd/f"), 0);
    UT_EQ(unlink("utd"), 0);
    UT_EQ(chdir("utd"), -1);
}

static void
dir_errors(void)
{
    ut_write_file("utd_file", "x", 1);
    UT_EQ(mkdir("utd_none/sub"), -1);
    UT_EQ(mkdir("utd_file/sub"), -1);
    UT_EQ(mkdir("utd_file"), -1);
    UT_EQ(mkdir(""), -1);
    UT_EQ(chdir("utd_none"), -1);
    UT_EQ(chdir("utd_file"), -1);
    UT_EQ(open("utd_file/x", O_CREATE | O_RDWR), -1);
    UT_EQ(open("", O_CREATE | O_RDWR), -1);
    UT_EQ(unlink(""), -1);
    UT_EQ(unlink("utd_none"), -1);
    UT_EQ(unlink("."), -1);
    UT_EQ(unlink(".."), -1);
    UT_EQ(unlink("/"), -1);
    UT_EQ(unlink("utd_file"), 0);
}

// Directories open read-only; nothing writes them through a descriptor.
static void
dir_open_modes(void)
{
    int fd;

    mkdir("utd_om");
    UT_EQ(open("utd_om", O_WRONLY), -1);
    UT_EQ(open("utd_om", O_RDWR), -1);
    UT_EQ(open("utd_om", O_CREATE | O_RDWR), -1);
    UT_EQ(open("utd_om", O_CREATE), -1);
    fd = open("utd_om", O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(write(fd, "x", 1), -1);
    close(fd);
    UT_EQ(unlink("utd_om"), 0);
}

// "/.." is "/" and "." names the current directory.
static void
dir_dots(void)
{
    struct stat st;

    UT_EQ(chdir("/"), 0);
    UT_EQ(stat(".", &st), 0);
    UT_EQ(st.ino, ROOTINO);
    UT_EQ(stat("..", &st), 0);
    UT_EQ(st.ino, ROOTINO);
    UT_EQ(chdir(".."), 0);
    UT_EQ(stat(".", &st), 0);
    UT_EQ(st.ino, ROOTINO);
    UT_EQ(stat("/./../.", &st), 0);
    UT_EQ(st.ino, ROOTINO);
}

// Builds "utdeep/d/d/..." with depth d's below the top into pathbuf.
static char *
dir_deep_path(int depth, const char *leaf)
{
    strcpy(pathbuf, "utdeep");
    for (int i = 0; i < depth; i++)
        strcpy(pathbuf + strlen(pathbuf), "/d");
    if (leaf) {
        strcpy(pathbuf + strlen(pathbuf), "/");
        strcpy(pathbuf + strlen(pathbuf), leaf);
    }
    return pathbuf;
}

static void
dir_deep(void)
{
    struct stat top, here;
    char c;
    int fd;

    UT_EQ(stat(".", &top), 0);
    UT_EQ(mkdir("utdeep"), 0);
    UT_EQ(chdir("utdeep"), 0);
    for (int i = 0; i < DIR_DEPTH; i++) {
        UT_EQ(mkdir("d"), 0);
        UT_EQ(chdir("d"), 0);
    }
    ut_write_file("leaf", "L", 1);
    for (int i = 0; i <= DIR_DEPTH; i++)
        UT_EQ(chdir(".."), 0);
    UT_EQ(stat(".", &here), 0);
    UT_EQ(here.ino, top.ino);
    fd = open(dir_deep_path(DIR_DEPTH, "leaf"), O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(read(fd, &c, 1), 1);
    UT_EQ(c, 'L');
    close(fd);
    UT_EQ(unlink("utdeep"), -1);
    UT_EQ(unlink(dir_deep_path(DIR_DEPTH, "leaf")), 0);
    for (int i = DIR_DEPTH; i >= 0; i--)
        UT_EQ(unlink(dir_deep_path(i, 0)), 0);
}

// read() on a directory yields struct dirent records, "." and ".." first.
static void
dir_entries(void)
{
    struct stat st, fst;
    struct dirent de;
    int fd, live;

    mkdir("utd_ent");
    ut_write_file("utd_ent/alpha", "a", 1);
    ut_write_file("utd_ent/beta", "b", 1);
    fd = open("utd_ent", O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(fstat(fd, &st), 0);
    UT_EQ(st.size % sizeof(struct dirent), 0);
    UT_EQ(read(fd, &de, sizeof(de)), sizeof(de));
    UT_EQ(strcmp(de.name, "."), 0);
    UT_EQ(de.inum, st.ino);
    UT_EQ(read(fd, &de, sizeof(de)), sizeof(de));
    UT_EQ(strcmp(de.name, ".."), 0);
    close(fd);
    UT_EQ(stat("utd_ent/beta", &fst), 0);
    UT_EQ(dir_lookup("utd_ent", "beta", &live), fst.ino);
    UT_EQ(live, 4);
    UT_EQ(unlink("utd_ent/alpha"), 0);
    UT_EQ(dir_lookup("utd_ent", "alpha", &live), 0);
    UT_EQ(live, 3);
    UT_EQ(unlink("utd_ent/beta"), 0);
    UT_EQ(unlink("utd_ent"), 0);
}

// Names are cut to DIRSIZ bytes: the long and the cut name are one file.
static void
dir_long_name(void)
{
    static const char longname[] = "utd_abcdefghijklmnopqrstuvwxyz";
    struct stat a, b;
    char cut[DIRSIZ + 1];

    memmove(cut, longname, DIRSIZ);
    cut[DIRSIZ] = 0;
    unlink(cut);
    ut_write_file(longname, "n", 1);
    UT_EQ(stat(longname, &a), 0);
    UT_EQ(stat(cut, &b), 0);
    UT_EQ(a.ino, b.ino);
    UT_EQ(dir_lookup(".", cut, 0), a.ino);
    // A different long name with the same first DIRSIZ bytes collides.
    UT_EQ(mkdir("utd_abcdefghijk_other"), -1);
    UT_EQ(unlink(longname), 0);
    UT_EQ(stat(cut, &b), -1);
}

// Path names up to MAXPATH-1 bytes work; longer ones fail with -1 even
// when the name they spell exists ("////" collapses to one separator).
static char *
dir_padded_path(int len)
{
    int pad = len - 1 - 6;

    pathbuf[0] = '.';
    memset(pathbuf + 1, '/', pad);
    strcpy(pathbuf + 1 + pad, "utd_pl");
    return pathbuf;
}

static void
dir_maxpath(void)
{
    int fd;

    ut_write_file("utd_pl", "p", 1);
    fd = open(dir_padded_path(MAXPATH - 1), O_RDONLY);
    UT_EQ(strlen(pathbuf), MAXPATH - 1);
    UT_CHECK(fd >= 0);
    close(fd);
    UT_EQ(open(dir_padded_path(MAXPATH), O_RDONLY), -1);
    UT_EQ(open(dir_padded_path(MAXPATH + 70), O_RDONLY), -1);
    UT_EQ(unlink(dir_padded_path(MAXPATH + 1)), -1);
    UT_EQ(chdir(dir_padded_path(MAXPATH + 1)), -1);
    UT_EQ(mkdir(dir_padded_path(MAXPATH + 1)), -1);
    UT_EQ(link("utd_pl", dir_padded_path(MAXPATH + 1)), -1);
    UT_EQ(unlink(dir_padded_path(MAXPATH - 1)), 0);
}

static int
dir_nlink(const char *path)
{
    struct stat st;

    UT_EQ(stat(path, &st), 0);
    return st.nlink;
}

static void
dir_links(void)
{
    char buf[4];
    int fd;

    unlink("utd_lb");
    ut_write_file("utd_la", "ln", 2);
    UT_EQ(dir_nlink("utd_la"), 1);
    UT_EQ(link("utd_la", "utd_lb"), 0);
    UT_EQ(dir_nlink("utd_la"), 2);
    UT_EQ(link("utd_la", "utd_lb"), -1);
    UT_EQ(link("utd_none", "utd_lc"), -1);
    UT_EQ(link("utd_la", "utd_none/x"), -1);
    UT_EQ(dir_nlink("utd_la"), 2);
    UT_EQ(link(".", "utd_ld"), -1);
    UT_EQ(link("utd_la", ""), -1);
    UT_EQ(unlink("utd_la"), 0);
    UT_EQ(dir_nlink("utd_lb"), 1);
    fd = open("utd_lb", O_RDONLY);
    UT_CHECK(fd >= 0);
    UT_EQ(read(fd, buf, sizeof(buf)), 2);
    UT_EQ(memcmp(buf, "ln", 2), 0);
    close(fd);
    UT_EQ(unlink("utd_lb"), 0);
}

// Many files in one directory; the slots are all given back.
static void
dir_many(void)
{
    char name[] = "utd_many/f00";
    int live;

    mkdir("utd_many");
    for (int i = 0; i < 100; i++) {
        name[10] = '0' + i / 10;
        name[11] = '0' + i % 10;
        ut_write_file(name, name, sizeof(name));
    }
    UT_CHECK(dir_lookup("utd_many", "f57", &live) != 0);
    UT_EQ(live, 102);
    for (int i = 0; i < 100; i++) {
        name[10] = '0' + i / 10;
        name[11] = '0' + i % 10;
        UT_EQ(unlink(name), 0);
    }
    UT_EQ(dir_lookup("utd_many", "f57", &live), 0);
    UT_EQ(live, 2);
    UT_EQ(unlink("utd_many"), 0);
}

// A removed directory that is still someone's cwd takes no new names:
// otherwise its files would be unreachable and leak on disk for good.
static void
dir_removed_cwd(void)
{
    UT_EQ(mkdir("utd_gone"), 0);
    UT_EQ(chdir("utd_gone"), 0);
    UT_EQ(unlink("../utd_gone"), 0);
    UT_EQ(mkdir("x"), -1);
    UT_EQ(open("f", O_CREATE | O_RDWR), -1);
    UT_EQ(mknod("n", 1, 0), -1);
    UT_EQ(link("/usertests", "l"), -1);
    UT_EQ(chdir("/"), 0);
}

const struct ut_test ut_dir_tests[] = {
    {"dir_basic", dir_basic, 0},
    {"dir_errors", dir_errors, 0},
    {"dir_open_modes", dir_open_modes, 0},
    {"dir_dots", dir_dots, 0},
    {"dir_deep", dir_deep, 0},
    {"dir_entries", dir_entries, 0},
    {"dir_long_name", dir_long_name, 0},
    {"dir_maxpath", dir_maxpath, 0},
    {"dir_links", dir_links, 0},
    {"dir_many", dir_many, 1},
    {"dir_removed_cwd", dir_removed_cwd, 0},
    {0, 0, 0},
};
