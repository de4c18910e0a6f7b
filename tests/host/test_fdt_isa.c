// Part of test_fdt (included by test_fdt.c): the ISA reader that decides
// which harts the kernel starts (kernel/hart_isa.c), on strings and on
// StarFive's vendor U-Boot tree, whose hart 0 claims an MMU it lacks.

// riscv,isa strings, the verdict for a hart whose mmu-type says Sv39 (NULL:
// usable; else a word of the reason) and what the parse must have found.
static const struct {
    const char *isa;
    const char *why;
    int sstc, s_ext;
} isa_cases[] = {
    {"rv64imafdc", NULL, 0, 0},
    {"rv64gc", NULL, 0, 0},
    {"RV64GC", NULL, 0, 0},
    {"rv64imafdcsu", NULL, 0, 0},
    {"rv64imafdcbsux_zba_zbb", NULL, 0, 0},
    {"rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc", NULL, 1, 1},
    {"rv64imacu_zba_zbb", "S-mode", 0, 0},
    {"rv64imacu", "S-mode", 0, 0},
    {"rv64imafdcu", "S-mode", 0, 0},
    {"rv64imafdcu_sstc", NULL, 1, 1}, // Sstc needs S-mode: it is there
    {"rv64imac_zicsr_zifencei", "F, D", 0, 0},
    {"rv64imafd", "F, D", 0, 0},
    {"rv64i2p1m2p0a2p1f2p2d2p2c2p0_zicsr2p0", NULL, 0, 0},
    {"rv64imafdc_svpbmt", NULL, 0, 1},
    {"rv64imafdcsvpbmt_sstc", NULL, 1, 1},
    {"rv64imafdcxfoo_sstc", NULL, 1, 1},
    {"rv64imafdc__sstc_", NULL, 1, 1},
    {"rv64imafdczicsr_zifencei", NULL, 0, 0},
    {"rv32imafdc", "RV64", 0, 0},
    {"rv64emafdc", "I, M", 0, 0},
};

static void
test_isa_strings(void)
{
    struct hart_isa isa;
    for (size_t i = 0; i < sizeof isa_cases / sizeof isa_cases[0]; i++) {
        const char *s = isa_cases[i].isa;
        int r = isa_parse_string(s, (uint32)strlen(s) + 1, &isa);
        const char *why = isa_why_unusable(&isa, 1);
        int ok = r == 0 && isa.sstc == isa_cases[i].sstc &&
                 isa.s_ext == isa_cases[i].s_ext &&
                 (isa_cases[i].why == NULL
                      ? why == NULL
                      : why != NULL && strstr(why, isa_cases[i].why) != NULL);
        if (!CHECK(ok))
            printf("    \"%s\": %s\n", s, why ? why : "usable");
    }
    // What a usable string lacks without its MMU.
    isa_parse_string("rv64gc", 7, &isa);
    CHECK(strstr(isa_why_unusable(&isa, 0), "Sv39") != NULL);
    CHECK_EQ(isa.letters & ISA_LETTER('u'), 0);
    // Not ISA strings at all, and a length that cuts one short.
    CHECK_EQ(isa_parse_string("rv128i", 7, &isa), -1);
    CHECK_EQ(isa_parse_string("rv6", 4, &isa), -1);
    CHECK_EQ(isa_parse_string("x86_64", 7, &isa), -1);
    CHECK(isa_why_unusable(&isa, 1) != NULL); // emptied by the failed parse
    CHECK_EQ(isa_parse_string("rv64imafdc_sstc", 10, &isa), 0);
    CHECK(isa.sstc == 0 && isa.letters == 0x112d && !isa_why_unusable(&isa, 1));
}

static void
test_isa_lists(void)
{
    static const char full[] = "i\0m\0a\0f\0d\0c\0zicsr\0zifencei\0svinval";
    static const char no_fencei[] = "i\0m\0a\0f\0d\0c\0zicsr";
    struct hart_isa isa;
    CHECK_EQ(isa_parse_list("rv64i", full, sizeof full, &isa), 0);
    CHECK(isa.s_ext && isa_why_unusable(&isa, 1) == NULL);
    CHECK_EQ(isa_parse_list("RV64I", full, sizeof full - 1, &isa), 0);
    CHECK(isa_why_unusable(&isa, 1) == NULL);
    // Unlike a riscv,isa string, a list names Zifencei or lacks it.
    CHECK_EQ(isa_parse_list("rv64i", no_fencei, sizeof no_fencei, &isa), 0);
    CHECK(strstr(isa_why_unusable(&isa, 1), "Zifencei") != NULL);
    CHECK_EQ(isa_parse_list("rv32i", full, sizeof full, &isa), 0);
    CHECK(strstr(isa_why_unusable(&isa, 1), "RV64") != NULL);
    CHECK_EQ(isa_parse_list("rv64e", full + 2, sizeof full - 2, &isa), 0);
    CHECK(isa_why_unusable(&isa, 1) != NULL);
    CHECK_EQ(isa_parse_list("rv64", full, sizeof full, &isa), -1);
    CHECK_EQ(isa_parse_list("rv64ix", full, sizeof full, &isa), -1);
    CHECK_EQ(isa_parse_list("rv64g", full, sizeof full, &isa), -1);
    CHECK_EQ(isa_parse_list(NULL, full, sizeof full, &isa), -1);
    CHECK_EQ(isa_parse_list("rv64i", "", 0, &isa), 0);
    CHECK(isa_why_unusable(&isa, 1) != NULL);
}

// The tree StarFive's U-Boot passes to booti: hart 0 is the S7 monitor
// core (no S-mode, no MMU) yet says okay and riscv,sv39. Only the U74s
// 1-4 may be started.
static void
test_visionfive2_vendor(void)
{
    BOARD(b, "visionfive2-vendor-uboot.dtb");
    const struct fdt *f = &b.f;
    int cpu0 = fdt_find_path(f, "/cpus/cpu@0");
    int len;
    const char *mmu = fdt_getprop(f, cpu0, "mmu-type", &len);
    // The case this test is about: if the tree changes, say so.
    CHECK(fdt_is_okay(f, cpu0) && mmu != NULL &&
          strcmp(mmu, "riscv,sv39") == 0);
    CHECK(harts_are(&b.m, 5, 0x1e, 0));
    CHECK_STR(b.m.harts[0].isa, "rv64imacu_zba_zbb");
    CHECK(b.m.harts[0].why != NULL && strstr(b.m.harts[0].why, "S-mode"));
    for (int h = 1; h < b.m.nharts; h++)
        CHECK_STR(b.m.harts[h].isa, "rv64imafdcbsux_zba_zbb");
    CHECK(b.m.nmem == 1 && b.m.mem[0].base == 0x40000000 &&
          b.m.mem[0].size == 4 * GIB);
    CHECK_EQ(b.m.timebase_hz, 4000000);
    free(b.blob);
}

// The upstream trees describe the monitor cores correctly; each must be
// turned down for a reason of its own, not by accident.
static void
test_monitor_core_reasons(void)
{
    static const struct {
        const char *dtb, *why;
    } cases[] = {
        {"qemu-sifive-u.dtb", "Sv39"},      // E51: okay, no mmu-type
        {"hifive-unmatched.dtb", "status"}, // S7: disabled
        {"visionfive2.dtb", "status"},      // S7: disabled
    };
    int found = 0;
    for (int i = 0; i < 3; i++) {
        struct board b;
        if (!board_load(&b, cases[i].dtb))
            continue;
        found++;
        const char *why = b.m.nharts > 0 ? b.m.harts[0].why : NULL;
        if (!CHECK(why != NULL && strstr(why, cases[i].why) != NULL))
            printf("    %s hart 0: %s\n", cases[i].dtb, why ? why : "usable");
        for (int h = 1; h < b.m.nharts; h++)
            CHECK(b.m.harts[h].why == NULL);
        free(b.blob);
    }
    if (found == 0)
        SKIP("no trees in the dtb directory");
}
