// Part of test_dw_mshc (included by test_dw_mshc.c): faults. Attaches that
// must fail (no card, a card that will not answer right, a controller we
// cannot drive), then transfers the card or controller breaks.

// An attach that must fail with one message naming `why`, no disk.
static void
check_attach_fails(enum kind kind, enum fault fault, const struct slot *s,
                   const char *why)
{
    new_model(kind, fault);
    if (s == &sd4 || s == NULL)
        model->cdetect = s == NULL; // NULL: CDETECT says empty, no cd-gpios
    if (CHECK_EQ(attach_slot(s ? s : &sd4), -1)) {
        CHECK_EQ(disk.calls, 0);
        CHECK_EQ(nmessages, 1);
        if (!CHECK(strstr(last_msg, why) != NULL))
            printf("  message was: %s", last_msg);
    }
}

static void
test_no_card(void)
{
    check_attach_fails(SDHC, F_ABSENT, &sd4, "no card");
    CHECK(model->ncmd <= 4);
    model_clean();
    done();
}

// CDETECT says "empty" and the node names no other way to know: the card
// is asked anyway (the VF2 wires detect to a GPIO), and the log says so.
static void
test_card_detect_ignored(void)
{
    struct slot s = sd4;

    s.cd = NULL;
    new_model(SDHC, F_NONE);
    model->cdetect = 1;
    if (CHECK_EQ(attach_slot(&s), 0)) {
        CHECK_EQ(disk.calls, 1);
        CHECK_EQ(nmessages, 1);
        CHECK(strstr(last_msg, "CDETECT read empty") != NULL);
        model_clean();
    }
    done();
}

// The same slot really empty: the time-outs decide, in one message that
// says what was tried and what CDETECT said.
static void
test_card_detect_empty(void)
{
    struct slot s = sd4;

    s.cd = NULL;
    new_model(SDHC, F_ABSENT);
    model->cdetect = 1;
    if (CHECK_EQ(attach_slot(&s), -1)) {
        CHECK_EQ(disk.calls, 0);
        CHECK_EQ(nmessages, 1);
        CHECK(strstr(last_msg, "no card") != NULL);
        CHECK(strstr(last_msg, "CDETECT also reads empty") != NULL);
        CHECK(model->ncmd >= 1 && model->ncmd <= 4); // asked, then gave up
    }
    done();
}

static void
test_card_detect_gpio(void)
{
    struct slot s = sd4;

    s.cd = "cd-gpios";
    new_model(SDHC, F_NONE);
    model->cdetect = 1;
    CHECK_EQ(attach_slot(&s), 0);
    model_clean();
    done();
}

static void
test_acmd41_never_ready(void)
{
    check_attach_fails(SDHC, F_ACMD41_NEVER, &sd4, "ACMD41");
    CHECK_EQ(count_cmd(41), DWM_ACMD41_TRIES);
    done();
}

static void
test_cmd8_bad_echo(void)
{
    check_attach_fails(SDHC, F_BAD_ECHO, &sd4, "CMD8");
    done();
}

static void
test_clock_update_stuck(void)
{
    check_attach_fails(SDHC, F_CLK_STUCK, &sd4, "clock update");
    CHECK_EQ(model->ncmd, 0);
    CHECK(model->ticks <= DWM_SPINS + 100);
    done();
}

static void
test_fifo_width_refused(void)
{
    for (uint32 w = 0; w <= 2; w += 2) {
        new_model(SDHC, F_NONE);
        model->hcon = w << 7;
        if (CHECK_EQ(attach_slot(&sd4), -1)) {
            CHECK(strstr(last_msg, w ? "64-bit" : "16-bit") != NULL);
            CHECK_EQ(model->ncmd, 0);
        }
        done();
    }
}

// A transfer of `count` sectors at 20 that must fail with one message
// naming `why`, within bounds; unless the card stays busy forever, the
// same transfer must then work: driver and card are back in step.
static void
check_rw_fault(enum fault fault, int block, uint32 count, int write,
               const char *why)
{
    uint8 *buf = malloc(count * SECT), *old = malloc(count * SECT);
    long ticks;

    if (!ready_card(SDHC))
        goto out;
    fill(buf, count * SECT, 4);
    memcpy(old, model->mem + 20 * SECT, count * SECT);
    model->fault = fault;
    model->fault_block = block;
    ticks = model->ticks;
    CHECK_EQ(xfer(20, buf, count, write), -1);
    CHECK(model->ticks - ticks < 3 * DWM_DATA_SPINS + 100000);
    CHECK_EQ(nmessages, 1);
    if (!CHECK(strstr(last_msg, why) != NULL))
        printf("  message was: %s", last_msg);
    if (fault == F_WRITE_CRC && block >= 0) {
        CHECK(memcmp(model->mem + 20 * SECT, buf, block * SECT) == 0);
        CHECK(memcmp(model->mem + (20 + block) * SECT, old + block * SECT,
                     SECT) == 0);
    }
    if (fault == F_BUSY_FOREVER) { // still busy: fails before a command
        int n = model->ncmd;
        CHECK_EQ(xfer(20, buf, count, write), -1);
        CHECK(strstr(last_msg, "busy") != NULL);
        CHECK_EQ(count_cmd(24) + count_cmd(25), 1);
        CHECK(model->ncmd - n <= 1); // the CMD12 of the recovery at most
    } else {
        model->fault = F_NONE;
        CHECK_EQ(xfer(20, buf, count, write), 0);
        CHECK(memcmp(buf, model->mem + 20 * SECT, count * SECT) == 0);
        model_clean();
    }
out:
    done();
    free(buf);
    free(old);
}

static void
test_read_crc_error(void)
{
    check_rw_fault(F_READ_CRC, -1, 1, 0, "CRC");
}

static void
test_multi_read_crc_error(void)
{
    check_rw_fault(F_READ_CRC, 2, 4, 0, "CRC");
}

static void
test_read_timeout(void)
{
    check_rw_fault(F_READ_TIMEOUT, -1, 1, 0, "timeout");
}

static void
test_multi_read_timeout(void)
{
    check_rw_fault(F_READ_TIMEOUT, -1, 3, 0, "timeout");
}

static void
test_read_card_error(void)
{
    check_rw_fault(F_ECC, -1, 2, 0, "card reported an error");
}

static void
test_write_crc_error(void)
{
    check_rw_fault(F_WRITE_CRC, 1, 3, 1, "CRC");
}

static void
test_write_busy_forever(void)
{
    check_rw_fault(F_BUSY_FOREVER, -1, 1, 1, "busy");
}
