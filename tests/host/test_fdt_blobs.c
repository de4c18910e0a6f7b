// Part of test_fdt (included by test_fdt.c): hand-built blobs, then the
// same blobs damaged (bad headers, cuts, random bytes, odd tokens). The
// reader must refuse them or read them without stepping outside.

static void
test_header_checks(void)
{
    struct fdt f;
    uint32 size;
    uint8 *blob = fb_base_tree(&size);
    CHECK_EQ(fdt_header_size(blob), size);
    CHECK_EQ(fdt_init(&f, blob), 0);
    CHECK_EQ(exercise(&f), 0);
    // field offset, bad value
    uint32 bad[][2] = {
        {0, 0xd00dfeee},  {20, 15},
        {24, 18},         {8, get32(blob + 8) + 2},
        {4, 39},          {36, 0xfffffff0},
        {32, size},       {16, size - 8},
        {12, 0xfffffff0}, {8, 0xfffffffc},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8 *copy = malloc(size);
        memcpy(copy, blob, size);
        put32(copy + bad[i][0], bad[i][1]);
        if (!CHECK_EQ(fdt_init(&f, copy), -1))
            printf("    header field %u = 0x%x accepted\n", bad[i][0],
                   bad[i][1]);
        free(copy);
    }
    // The same blocks, intact but with the structure block moved off its
    // 4-byte alignment.
    uint8 *shifted = malloc(size + 2);
    memcpy(shifted, blob, get32(blob + 8));
    memcpy(shifted + get32(blob + 8) + 2, blob + get32(blob + 8),
           size - get32(blob + 8));
    put32(shifted + 4, size + 2);
    put32(shifted + 8, get32(blob + 8) + 2);
    CHECK_EQ(fdt_init(&f, shifted), -1);
    free(shifted);
    static struct fb empty; // a structure block with no root node
    uint8 *noroot = fb_finish(&empty, &size);
    CHECK_EQ(fdt_init(&f, noroot), -1);
    free(noroot);
    CHECK_EQ(fdt_header_size(NULL), 0);
    put32(blob, 0xedfe0dd0); // little-endian magic
    CHECK_EQ(fdt_header_size(blob), 0);
    free(blob);
}

// A header claiming more than the loader read: fdt_init cannot know the
// buffer, so fdt_header_size is what a loader must compare first.
static void
test_totalsize_beyond_buffer(void)
{
    struct fdt f;
    uint32 size;
    uint8 *blob = fb_base_tree(&size);
    put32(blob + 4, size + 4096);
    CHECK_EQ(fdt_header_size(blob), size + 4096);
    CHECK(fdt_header_size(blob) > size);
    // Blocks still inside the claim: valid for fdt_init, and all reads stay
    // inside the blocks, so nothing past `size` is touched (ASan).
    CHECK_EQ(fdt_init(&f, blob), 0);
    CHECK_EQ(exercise(&f), 0);
    free(blob);
}

// Cut at every length, totalsize patched to match: always refused.
static void
test_truncated(void)
{
    struct fdt f;
    uint32 size, accepted = 0;
    uint8 *blob = fb_base_tree(&size);
    for (uint32 k = 0; k < size; k++) {
        uint8 *cut = malloc(k < 40 ? 40 : k);
        memcpy(cut, blob, k < 40 ? 40 : k);
        put32(cut + 4, k);
        accepted += fdt_init(&f, cut) == 0;
        free(cut);
    }
    CHECK_EQ(accepted, 0);
    free(blob);
}

// The structure block cut at every token boundary, with the header made
// consistent: fdt_init may accept, but nothing reads past the cut.
static void
sweep_struct_cuts(const uint8 *blob)
{
    int bad = 0;
    for (uint32 keep = 0; keep <= get32(blob + 36); keep += 4) {
        uint32 size;
        struct fdt f;
        uint8 *cut = fb_struct_last(blob, keep, &size);
        if (fdt_init(&f, cut) == 0)
            bad += exercise(&f);
        free(cut);
    }
    CHECK_EQ(bad, 0);
}

static void
test_struct_cuts(void)
{
    uint32 size;
    uint8 *blob = fb_base_tree(&size);
    sweep_struct_cuts(blob);
    free(blob);
    uint8 *real = read_file("qemu-virt.dtb", &size);
    if (real != NULL && CHECK(fdt_header_size(real) == size))
        sweep_struct_cuts(real);
    free(real);
}

// Random byte damage to the structure block (fixed seed, reproducible).
static void
test_fuzz_struct(void)
{
    uint32 size, seed = 12345;
    uint8 *blob = fb_base_tree(&size);
    uint32 off = get32(blob + 8), len = get32(blob + 36);
    int bad = 0;
    for (int iter = 0; iter < 3000; iter++) {
        uint8 *copy = malloc(size);
        struct fdt f;
        memcpy(copy, blob, size);
        for (int k = 0; k < 1 + iter % 4; k++) {
            seed = seed * 1103515245 + 12345;
            copy[off + (seed >> 8) % len] = (uint8)(seed >> 24 & 0x0f);
        }
        if (fdt_init(&f, copy) == 0)
            bad += exercise(&f);
        free(copy);
    }
    CHECK_EQ(bad, 0);
    free(blob);
}

static void
fill_bad_props(struct fb *b)
{
    fb_begin(b, "node");
    fb_cells(b, "first", 1);
    fb_nop(b);
    fb_cells(b, "second", 2);
    fb_u32(b, 3); // a property whose length runs past the block
    fb_u32(b, 0x7ffffff0);
    fb_u32(b, fb_name(b, "huge"));
    fb_cells(b, "after", 3);
    fb_begin(b, "child");
    fb_end(b);
    fb_end(b);
}

static void
test_prop_past_block(void)
{
    struct fdt f;
    struct machine m;
    uint8 *blob = tree_with(fill_bad_props, &f, &m);
    int node = fdt_find_path(&f, "/node"), len;
    CHECK(node != FDT_NONE);
    CHECK_EQ(fdt_getprop_u32(&f, node, "first", 0), 1);
    CHECK_EQ(fdt_getprop_u32(&f, node, "second", 0), 2); // past a NOP
    CHECK_EQ(fdt_getprop(&f, node, "huge", &len), NULL);
    CHECK_EQ(len, -1);
    CHECK_EQ(fdt_getprop(&f, node, "after", &len), NULL); // walk ended
    CHECK_EQ(fdt_first_child(&f, node), FDT_NONE);
    CHECK_EQ(fdt_next_sibling(&f, node), FDT_NONE);
    CHECK_EQ(fdt_next_node(&f, node), FDT_NONE);
    CHECK_EQ(exercise(&f), 0);
    free(blob);
}

static void
fill_odd_tokens(struct fb *b)
{
    fb_nop(b);
    fb_begin(b, "a");
    fb_nop(b);
    fb_cells(b, "x", 7);
    fb_nop(b);
    fb_begin(b, "a1");
    fb_end(b);
    fb_nop(b);
    fb_begin(b, "a2");
    fb_end(b);
    fb_end(b);
    fb_begin(b, "b");
    fb_u32(b, 0x77); // unknown token
    fb_cells(b, "y", 8);
    fb_end(b);
}

static void
test_nop_and_unknown_token(void)
{
    struct fdt f;
    struct machine m;
    uint8 *blob = tree_with(fill_odd_tokens, &f, &m);
    int a = fdt_find_path(&f, "/a"), bnode = fdt_find_path(&f, "/b");
    CHECK_EQ(fdt_getprop_u32(&f, a, "x", 0), 7);
    CHECK_STR(fdt_node_name(&f, fdt_first_child(&f, a)), "a1");
    CHECK_STR(fdt_node_name(&f, fdt_next_sibling(&f, fdt_first_child(&f, a))),
              "a2");
    CHECK_EQ(fdt_next_sibling(&f, a), bnode);
    CHECK_EQ(fdt_getprop(&f, bnode, "y", NULL), NULL);
    CHECK_EQ(fdt_next_node(&f, bnode), FDT_NONE);
    CHECK_EQ(fdt_next_sibling(&f, bnode), FDT_NONE);
    free(blob);
}

// Offsets that are not nodes: a property token, and a BEGIN_NODE token
// hidden inside a property value.
static void
test_offsets_not_nodes(void)
{
    static const uint8 fake[] = {0, 0, 0, 1, 'x', 0, 0, 0, 0, 0, 0, 2};
    struct fb b = {0};
    struct fdt f;
    uint32 size;
    fb_begin(&b, "");
    fb_prop(&b, "fake", fake, sizeof fake);
    fb_begin(&b, "child");
    fb_end(&b);
    fb_begin(&b, "child2");
    fb_end(&b);
    fb_end(&b);
    uint8 *blob = fb_finish(&b, &size);
    CHECK_EQ(fdt_init(&f, blob), 0);
    const uint8 *v = fdt_getprop(&f, fdt_root(&f), "fake", NULL);
    int hidden = v ? (int)(v - f.structs) : 0, prop = hidden - 12;
    CHECK_STR(fdt_node_name(&f, hidden), "x"); // it does look like a node
    CHECK_EQ(fdt_parent(&f, hidden), FDT_NONE);
    CHECK_STR(fdt_node_name(&f, prop), "");
    CHECK_EQ(fdt_first_child(&f, prop), FDT_NONE);
    CHECK_EQ(fdt_next_sibling(&f, prop), FDT_NONE);
    CHECK_EQ(fdt_parent(&f, prop), FDT_NONE);
    CHECK_EQ(fdt_getprop(&f, prop, "fake", NULL), NULL);
    CHECK_EQ(fdt_next_sibling(&f, -8), FDT_NONE);
    CHECK_EQ(fdt_parent(&f, fdt_find_path(&f, "/child")), fdt_root(&f));
    free(blob);
}
