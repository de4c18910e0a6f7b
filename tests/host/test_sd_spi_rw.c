// Part of test_sd_spi (included by test_sd_spi.c): transfers through the
// registered blk_ops on a working card: single and multi-block commands,
// byte addresses and their 4 GiB limit, and ranges refused up front.

static void
test_single_rw_sdhc(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    uint8 out[SECT], in[SECT];

    if (m == NULL)
        return;
    fill(out, SECT, 1);
    CHECK_EQ(xfer(&c, 5, out, 1, 1), 0);
    CHECK_EQ(last_arg(m, 24), 5);
    CHECK(memcmp(m->mem + 5 * SECT, out, SECT) == 0);
    CHECK_EQ(xfer(&c, 5, in, 1, 0), 0);
    CHECK_EQ(last_arg(m, 17), 5);
    CHECK(memcmp(in, out, SECT) == 0);
    CHECK_EQ(xfer(&c, NSECT - 1, in, 1, 0), 0);
    CHECK(memcmp(in, m->mem + (NSECT - 1) * SECT, SECT) == 0);
    CHECK_EQ(m->bad_data_crc, 0);
    CHECK_EQ(m->crc_errors, 0);
    CHECK_EQ(m->protocol_errors, 0);
    CHECK_EQ(nmessages, 0);
    free_model(m);
}

static void
test_multi_rw_sdhc(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    uint8 *out = malloc(8 * SECT), *in = malloc(8 * SECT);
    uint8 after[SECT];
    int i18;

    if (m == NULL)
        goto done;
    memcpy(after, m->mem + 108 * SECT, SECT);
    fill(out, 8 * SECT, 2);
    CHECK_EQ(xfer(&c, 100, out, 8, 1), 0);
    CHECK_EQ(last_arg(m, 25), 100);
    CHECK(memcmp(m->mem + 100 * SECT, out, 8 * SECT) == 0);
    CHECK(memcmp(m->mem + 108 * SECT, after, SECT) == 0);
    CHECK_EQ(m->ws, W_NONE); // the stop token ended CMD25
    CHECK_EQ(xfer(&c, 100, in, 8, 0), 0);
    i18 = last_cmd(m, 18);
    CHECK(i18 > 0 && m->arg[i18] == 100 && last_cmd(m, 12) == i18 + 1);
    CHECK(memcmp(in, out, 8 * SECT) == 0);
    CHECK_EQ(xfer(&c, 1000, in, 3, 0), 0); // data the card already held
    CHECK(memcmp(in, m->mem + 1000 * SECT, 3 * SECT) == 0);
    CHECK_EQ(xfer(&c, 1000, in, 1, 0), 0); // the card is back in step
    CHECK(memcmp(in, m->mem + 1000 * SECT, SECT) == 0);
    CHECK_EQ(m->bad_data_crc, 0);
    CHECK_EQ(m->crc_errors + m->protocol_errors, 0);
    free_model(m);
done:
    free(out);
    free(in);
}

// SDSC and v1 cards: every data command carries a byte address.
static void
check_byte_addressing(enum kind kind)
{
    struct sd_card c;
    struct model *m = ready_card(kind, &c);
    uint8 out[4 * SECT], in[4 * SECT];

    if (m == NULL)
        return;
    fill(out, sizeof out, 3);
    CHECK_EQ(xfer(&c, 3, out, 1, 1), 0);
    CHECK_EQ(last_arg(m, 24), 3 * SECT);
    CHECK_EQ(xfer(&c, 7, out, 2, 1), 0);
    CHECK_EQ(last_arg(m, 25), 7 * SECT);
    CHECK_EQ(xfer(&c, 3, in, 1, 0), 0);
    CHECK_EQ(last_arg(m, 17), 3 * SECT);
    CHECK(memcmp(in, out, SECT) == 0);
    CHECK_EQ(xfer(&c, 7, in, 2, 0), 0);
    CHECK_EQ(last_arg(m, 18), 7 * SECT);
    CHECK(memcmp(in, out, 2 * SECT) == 0);
    CHECK(memcmp(m->mem + 3 * SECT, out, SECT) == 0);
    CHECK_EQ(xfer(&c, 10, in, 4, 0), 0);
    CHECK_EQ(last_arg(m, 18), 10 * SECT);
    CHECK(memcmp(in, m->mem + 10 * SECT, 4 * SECT) == 0);
    CHECK_EQ(m->crc_errors + m->protocol_errors + m->bad_data_crc, 0);
    free_model(m);
}

static void
test_sdsc_byte_addressing(void)
{
    check_byte_addressing(SDSC);
}

static void
test_v1_byte_addressing(void)
{
    check_byte_addressing(SDV1);
}

static void
test_bad_ranges(void)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    uint8 buf[2 * SECT];
    int n;

    if (m == NULL)
        return;
    n = m->ncmd;
    CHECK_EQ(xfer(&c, NSECT, buf, 1, 0), -1);
    CHECK_EQ(xfer(&c, NSECT - 1, buf, 2, 0), -1);
    CHECK_EQ(xfer(&c, 0, buf, 0, 0), -1);
    CHECK_EQ(xfer(&c, ~0ull, buf, 1, 1), -1);
    CHECK_EQ(xfer(&c, 1, buf, 0xffffffffu, 0), -1);
    CHECK_EQ(m->ncmd, n); // refused before reaching the card
    free_model(m);
}

static void
test_byte_addressing_limit(void)
{
    struct sd_card c;
    struct model *m = new_model(SDSC, F_HUGE_CSD);
    uint8 buf[SECT];

    CHECK_EQ(attach(m, &c), 0);
    CHECK_EQ(disk.nsectors, 1ull << 23); // 4 GiB: the last byte address
    CHECK_EQ(xfer(&c, 7, buf, 1, 0), 0);
    CHECK_EQ(last_arg(m, 17), 7 * SECT);
    CHECK_EQ(xfer(&c, 1ull << 23, buf, 1, 0), -1);
    free_model(m);
}
