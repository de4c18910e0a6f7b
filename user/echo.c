// echo: prints its arguments separated by spaces and ends with a newline.
#include "kernel/types.h"
#include "user/user.h"

static char out[512];
static int nout;

// Batching into one buffer keeps a short echo to a single write(), so its
// line cannot interleave with another process's output.
static void
put(const char *s, int len)
{
    while (len-- > 0) {
        if (nout == sizeof(out)) {
            write(1, out, nout);
            nout = 0;
        }
        out[nout++] = *s++;
    }
}

int
main(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        put(argv[i], strlen(argv[i]));
        put(i + 1 < argc ? " " : "\n", 1);
    }
    if (argc < 2)
        put("\n", 1);
    if (write(1, out, nout) != nout) {
        fprintf(2, "echo: write error\n");
        return 1;
    }
    return 0;
}
