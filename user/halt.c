// halt [STATUS]: powers the machine off; STATUS (default 0) becomes QEMU's
// exit code where the platform can pass it on.
#include "kernel/types.h"
#include "user/user.h"

// Accepts an optional '-' and at least one digit, nothing else.
static int
is_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == 0)
        return 0;
    for (; *s != 0; s++) {
        if (*s < '0' || *s > '9')
            return 0;
    }
    return 1;
}

int
main(int argc, char *argv[])
{
    int status = 0;

    if (argc > 2 || (argc == 2 && !is_number(argv[1]))) {
        fprintf(2, "usage: halt [STATUS]\n");
        return 1;
    }
    if (argc == 2)
        status = atoi(argv[1]);
    halt(status);
    // Only reached when the kernel refused.
    fprintf(2, "halt: failed\n");
    return 1;
}
