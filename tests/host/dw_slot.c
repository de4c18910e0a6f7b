// Builds the dw_mshc host test's slot trees (see dw_slot.h): a structure
// block and a strings block written cell by cell, then framed as a blob.
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dw_slot.h"

// A structure block and strings block being written, then framed.
static struct tree {
    uint8 st[2048];
    int nst;
    char strings[512];
    int nstrings;
} tb;

static void
tb_word(uint32 v)
{
    uint8 b[4] = {v >> 24, v >> 16, v >> 8, v};

    memcpy(tb.st + tb.nst, b, 4);
    tb.nst += 4;
}

static void
tb_raw(const void *p, int n)
{
    memcpy(tb.st + tb.nst, p, n);
    tb.nst += n;
    while (tb.nst % 4)
        tb.st[tb.nst++] = 0;
}

static void
tb_node(const char *name)
{
    tb_word(1);
    tb_raw(name, strlen(name) + 1);
}

static void
tb_prop(const char *name, const void *val, int len)
{
    tb_word(3);
    tb_word(len);
    tb_word(tb.nstrings);
    strcpy(tb.strings + tb.nstrings, name);
    tb.nstrings += strlen(name) + 1;
    tb_raw(val, len);
}

// A property of n big-endian cells.
static void
tb_cells(const char *name, int n, ...)
{
    uint8 v[64];
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        uint32 c = va_arg(ap, uint32);
        uint8 b[4] = {c >> 24, c >> 16, c >> 8, c};
        memcpy(v + 4 * i, b, 4);
    }
    va_end(ap);
    tb_prop(name, v, 4 * n);
}

static uint8 *
tb_finish(void)
{
    int total = 40 + 16 + tb.nst + 4 + tb.nstrings;
    uint8 *blob = calloc(1, total);
    uint32 hdr[10] = {0xd00dfeed, total, 56, 56 + tb.nst + 4, 40,
                      17,         16,    0,  tb.nstrings,     tb.nst + 4};

    tb_word(9); // FDT_END
    for (int i = 0; i < 10; i++) {
        uint8 b[4] = {hdr[i] >> 24, hdr[i] >> 16, hdr[i] >> 8, hdr[i]};
        memcpy(blob + 4 * i, b, 4);
    }
    memcpy(blob + 56, tb.st, tb.nst);
    memcpy(blob + 56 + tb.nst, tb.strings, tb.nstrings);
    return blob;
}

uint8 *
slot_tree(const struct slot *s)
{
    static const char names[] = "biu\0ciu";

    memset(&tb, 0, sizeof tb);
    tb_node("");
    tb_cells("#address-cells", 1, 2);
    tb_cells("#size-cells", 1, 2);
    tb_node("clk");
    tb_cells("phandle", 1, 1);
    tb_cells("#clock-cells", 1, 1);
    tb_word(2);
    tb_node("mmc@16020000");
    tb_prop("compatible", s->compatible, strlen(s->compatible) + 1);
    tb_cells("reg", 4, 0, 0x16020000, 0, 0x10000);
    tb_cells("clocks", 4, 1, 1, 1, 2);
    tb_prop("clock-names", names, sizeof names);
    if (s->bus_width)
        tb_cells("bus-width", 1, s->bus_width);
    if (s->cd && strcmp(s->cd, "cd-gpios") == 0)
        tb_cells(s->cd, 3, 1, 41, 1);
    else if (s->cd)
        tb_prop(s->cd, "", 0);
    if (s->clock_frequency)
        tb_cells("clock-frequency", 1, s->clock_frequency);
    if (s->assigned_rate) {
        tb_cells("assigned-clocks", 2, 1, s->assigned_cell);
        tb_cells("assigned-clock-rates", 1, s->assigned_rate);
    }
    if (s->data_addr != ~0U)
        tb_cells("data-addr", 1, s->data_addr);
    tb_word(2);
    tb_word(2);
    return tb_finish();
}

const struct slot sd4 = {"snps,dw-mshc", 4, "broken-cd", 0, 0, 0, ~0U};
