// Part of test_sd_spi (included by test_sd_spi.c): the model's own CRCs,
// then bringing up each kind of card: the command sequence, the clock
// rates, the names given, and a reset the card misses at first.

// The model's CRCs against published values, before trusting the model.
static void
test_model_crcs(void)
{
    uint8 cmd0[5] = {0x40, 0, 0, 0, 0}, cmd8[5] = {0x48, 0, 0, 0x01, 0xaa};
    uint8 cmd17[5] = {0x51, 0, 0, 0, 0}, ones[SECT];

    memset(ones, 0xff, sizeof ones);
    CHECK_EQ(model_crc7(cmd0, 5) << 1 | 1, 0x95);
    CHECK_EQ(model_crc7(cmd8, 5) << 1 | 1, 0x87);
    CHECK_EQ(model_crc7(cmd17, 5) << 1 | 1, 0x55);
    CHECK_EQ(model_crc16(ones, SECT), 0x7fa1);
}

static void
test_init_sdhc(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    int i41;

    if (m == NULL)
        return;
    CHECK_EQ(disk.nsectors, NSECT);
    CHECK(disk.dev == &c);
    CHECK(strncmp(disk.name, "sd", 2) == 0 && disk.name[2] >= '0');
    CHECK_EQ(c.block_addr, 1);
    CHECK(m->clocks_before_select >= 74);
    CHECK_EQ(m->cmd[0], 0);
    CHECK_EQ(m->cmd[1], 8);
    CHECK_EQ(m->arg[1], 0x1aa);
    i41 = last_cmd(m, 41);
    CHECK(i41 > 0 && (m->arg[i41] & HCS) && m->cmd[i41 - 1] == 55);
    CHECK(last_cmd(m, 58) > i41);
    CHECK_EQ(count_cmd(m, 16), 0); // block-addressed cards need no CMD16
    CHECK(last_cmd(m, 9) > 0);
    CHECK_EQ(m->crc_errors, 0);
    CHECK_EQ(m->protocol_errors, 0);
    CHECK_EQ(nmessages, 1); // the one line saying what was found
    free_model(m);
}

static void
test_init_sdsc(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDSC, &c);
    int i16;

    if (m == NULL)
        return;
    CHECK_EQ(disk.nsectors, NSECT); // CSD 1.0 with 1024-byte READ_BL_LEN
    CHECK_EQ(c.block_addr, 0);
    i16 = last_cmd(m, 16);
    CHECK(i16 > last_cmd(m, 58) && m->arg[i16] == SECT);
    CHECK_EQ(m->crc_errors, 0);
    free_model(m);
}

static void
test_init_v1(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDV1, &c);
    int i41;

    if (m == NULL)
        return;
    CHECK_EQ(disk.nsectors, NSECT); // CSD 1.0 with 512-byte READ_BL_LEN
    CHECK_EQ(c.block_addr, 0);
    i41 = last_cmd(m, 41);
    CHECK(i41 > 0 && (m->arg[i41] & HCS) == 0);
    CHECK_EQ(count_cmd(m, 58), 0);
    CHECK_EQ(last_arg(m, 16), SECT);
    CHECK_EQ(m->crc_errors, 0);
    free_model(m);
}

static void
test_init_speeds(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDSC, &c);
    int slow = 1;

    if (m == NULL)
        return;
    for (int i = 0; i < m->ncmd; i++)
        slow &= m->cmd_speed[i] > 0 && m->cmd_speed[i] <= 400000;
    CHECK(slow);
    CHECK(m->speed > 400000 && m->speed <= 25000000);
    free_model(m);
}

static void
test_names_distinct(void)
{
    struct sd_card a, b;
    struct model *ma = ready_card(SDHC, &a), *mb = ready_card(SDHC, &b);

    if (ma && mb)
        CHECK(strcmp(a.name, b.name) != 0);
    if (ma)
        free_model(ma);
    if (mb)
        free_model(mb);
}

static void
test_cmd0_retried(void)
{
    struct sd_card c;
    struct model *m = new_model(SDHC, F_CMD0_TWICE);

    CHECK_EQ(attach(m, &c), 0);
    CHECK_EQ(count_cmd(m, 0), 2);
    CHECK_EQ(disk.nsectors, NSECT);
    free_model(m);
}
