// exec: replace the current process's image with an ELF file.
#ifndef LAZYOS_EXEC_H
#define LAZYOS_EXEC_H

// argv are kernel strings (NULL-terminated list, at most MAXARG). Returns
// argc (the new image's a0) or -1; on -1 the old image is untouched.
int exec(char *path, char **argv);

#endif
