// Part of test_dw_mshc (included by test_dw_mshc.c): transfers through the
// registered blk_ops on a working card: single, multi and split commands,
// byte addresses, refused ranges and the FIFO window's place.

static void
test_rw_single(void)
{
    uint8 out[SECT], in[SECT];

    if (ready_card(SDHC)) {
        fill(out, SECT, 1);
        CHECK_EQ(xfer(5, out, 1, 1), 0);
        CHECK_EQ(last_arg(24), 5);
        CHECK((model->flags[last_cmd(24)] & CMD_AUTO_STOP) == 0);
        CHECK(memcmp(model->mem + 5 * SECT, out, SECT) == 0);
        CHECK_EQ(xfer(5, in, 1, 0), 0);
        CHECK_EQ(last_arg(17), 5);
        CHECK(memcmp(in, out, SECT) == 0);
        CHECK_EQ(xfer(NSECT - 1, in, 1, 0), 0);
        CHECK(memcmp(in, model->mem + (NSECT - 1) * SECT, SECT) == 0);
        CHECK_EQ(nmessages, 0);
        model_clean();
    }
    done();
}

static void
test_rw_multi(void)
{
    uint8 *out = malloc(8 * SECT), *in = malloc(8 * SECT), after[SECT];

    if (ready_card(SDHC)) {
        memcpy(after, model->mem + 108 * SECT, SECT);
        fill(out, 8 * SECT, 2);
        CHECK_EQ(xfer(100, out + 0, 8, 1), 0);
        CHECK_EQ(last_arg(25), 100);
        CHECK(model->flags[last_cmd(25)] & CMD_AUTO_STOP);
        CHECK(memcmp(model->mem + 100 * SECT, out, 8 * SECT) == 0);
        CHECK(memcmp(model->mem + 108 * SECT, after, SECT) == 0);
        CHECK_EQ(xfer(100, in, 8, 0), 0);
        CHECK_EQ(last_arg(18), 100);
        CHECK(memcmp(in, out, 8 * SECT) == 0);
        CHECK_EQ(xfer(1000, in + 1, 3, 0), 0); // an odd buffer address
        CHECK(memcmp(in + 1, model->mem + 1000 * SECT, 3 * SECT) == 0);
        CHECK_EQ(model->st, S_TRAN);
        model_clean();
    }
    done();
    free(out);
    free(in);
}

// More than DWM_MAX_BLOCKS sectors go as several commands.
static void
test_rw_split(void)
{
    uint32 n = DWM_MAX_BLOCKS + 44;
    uint8 *out = malloc(n * SECT), *in = malloc(n * SECT);

    if (ready_card(SDHC)) {
        fill(out, n * SECT, 6);
        CHECK_EQ(xfer(10, out, n, 1), 0);
        CHECK_EQ(count_cmd(25), 2);
        CHECK_EQ(last_arg(25), 10 + DWM_MAX_BLOCKS);
        CHECK_EQ(xfer(10, in, n, 0), 0);
        CHECK(memcmp(in, out, n * SECT) == 0);
        CHECK(memcmp(model->mem + 10 * SECT, out, n * SECT) == 0);
        model_clean();
    }
    done();
    free(out);
    free(in);
}

static void
test_sdsc_byte_addresses(void)
{
    uint8 out[4 * SECT], in[4 * SECT];

    if (ready_card(SDSC)) {
        fill(out, sizeof out, 3);
        CHECK_EQ(xfer(3, out, 1, 1), 0);
        CHECK_EQ(last_arg(24), 3 * SECT);
        CHECK_EQ(xfer(7, out, 4, 1), 0);
        CHECK_EQ(last_arg(25), 7 * SECT);
        CHECK_EQ(xfer(7, in, 4, 0), 0);
        CHECK_EQ(last_arg(18), 7 * SECT);
        CHECK(memcmp(in, out, sizeof in) == 0);
        CHECK_EQ(xfer(3, in, 1, 0), 0);
        CHECK_EQ(last_arg(17), 3 * SECT);
        CHECK(memcmp(in, out, SECT) == 0);
        model_clean();
    }
    done();
}

static void
test_bad_ranges(void)
{
    uint8 buf[2 * SECT];
    int n;

    if (ready_card(SDHC)) {
        n = model->ncmd;
        CHECK_EQ(xfer(NSECT, buf, 1, 0), -1);
        CHECK_EQ(xfer(NSECT - 1, buf, 2, 0), -1);
        CHECK_EQ(xfer(0, buf, 0, 0), -1);
        CHECK_EQ(xfer(~0ull, buf, 1, 1), -1);
        CHECK_EQ(xfer(1, buf, 0xffffffffu, 0), -1);
        CHECK_EQ(model->ncmd, n); // refused before reaching the card
    }
    done();
}

// FIFO window by VERID, and data-addr overriding it.
static void
check_fifo_at(uint32 verid, uint32 data_addr, uint32 expect)
{
    struct slot s = sd4;
    uint8 buf[2 * SECT];

    s.data_addr = data_addr;
    new_model(SDHC, F_NONE);
    model->verid = verid;
    model->data_off = expect;
    if (CHECK_EQ(attach_slot(&s), 0)) {
        CHECK_EQ(dev.fifo, expect);
        CHECK_EQ(xfer(30, buf, 2, 0), 0);
        CHECK(memcmp(buf, model->mem + 30 * SECT, 2 * SECT) == 0);
        CHECK_EQ(xfer(30, buf, 2, 1), 0);
        model_clean();
    }
    done();
}

static void
test_fifo_offset(void)
{
    check_fifo_at(VERID_OLD, ~0U, 0x100);
    check_fifo_at(0x5342240a, ~0U, 0x200); // 2.40a itself
    check_fifo_at(VERID_NEW, ~0U, 0x200);
    check_fifo_at(VERID_NEW, 0, 0x200); // data-addr = 0: no override
    check_fifo_at(VERID_OLD, 0x200, 0x200);
}
