// machine_dump: prints what the kernel reads from a device tree file
// (kernel/fdt_machine.c): memory banks and harts, one per line, for the
// smoke tests that doctor a tree and check the kernel's view of it.
// Usage: machine_dump FILE.dtb; exit 1 if the kernel would refuse it.
#include <stdio.h>
#include <stdlib.h>

#include "kernel/machine.h"

int
main(int argc, char **argv)
{
    static uint8 blob[1 << 20];
    struct fdt f;
    struct machine m;
    FILE *fp;

    if (argc != 2 || (fp = fopen(argv[1], "rb")) == NULL) {
        fprintf(stderr, "usage: machine_dump FILE.dtb\n");
        return 2;
    }
    if (fread(blob, 1, sizeof blob, fp) == 0 || fdt_init(&f, blob) < 0 ||
        machine_from_fdt(&f, &m) < 0) {
        fclose(fp);
        printf("refused\n");
        return 1;
    }
    fclose(fp);
    for (int i = 0; i < m.nmem; i++)
        printf("mem 0x%lx 0x%lx\n", m.mem[i].base, m.mem[i].size);
    for (int i = 0; i < m.nharts; i++)
        printf("hart %u usable %d\n", m.harts[i].hartid, m.harts[i].usable);
    return 0;
}
