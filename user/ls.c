// ls: for each path (default "."), lists a directory's entries, or the file
// itself, as "name type inode size" like xv6's ls.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static void
show(const char *name, const struct stat *st)
{
    printf("%-14s %d %u %lu\n", name, st->type, st->ino, st->size);
}

// Lists the entries of the open directory fd, named dir; 0 or -1.
static int
list_dir(int fd, const char *dir)
{
    static char path[MAXPATH];
    struct dirent de;
    struct stat st;
    int len = strlen(dir);
    int status = 0;

    if (len + 1 + DIRSIZ + 1 > (int)sizeof(path)) {
        fprintf(2, "ls: path too long: %s\n", dir);
        return -1;
    }
    strcpy(path, dir);
    path[len++] = '/';
    while (read(fd, &de, sizeof(de)) == sizeof(de)) {
        if (de.inum == 0)
            continue;
        // Names that fill all DIRSIZ bytes carry no NUL.
        memmove(path + len, de.name, DIRSIZ);
        path[len + DIRSIZ] = 0;
        if (stat(path, &st) < 0) {
            fprintf(2, "ls: cannot stat %s\n", path);
            status = -1;
            continue;
        }
        show(path + len, &st);
    }
    return status;
}

// Lists one command-line path; 0 or -1 after reporting.
static int
ls(const char *path)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    int r = 0;

    if (fd < 0) {
        fprintf(2, "ls: cannot open %s\n", path);
        return -1;
    }
    if (fstat(fd, &st) < 0) {
        fprintf(2, "ls: cannot stat %s\n", path);
        r = -1;
    } else if (st.type == T_DIR) {
        r = list_dir(fd, path);
    } else {
        show(path, &st);
    }
    close(fd);
    return r;
}

int
main(int argc, char *argv[])
{
    int status = 0;

    if (argc < 2)
        return ls(".") < 0;
    for (int i = 1; i < argc; i++) {
        if (ls(argv[i]) < 0)
            status = 1;
    }
    return status;
}
