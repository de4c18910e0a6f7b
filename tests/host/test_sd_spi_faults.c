// Part of test_sd_spi (included by test_sd_spi.c): faults. Inits that must
// fail with one message saying why, then reads and writes the card breaks,
// each followed by a clean retry to show driver and card are in step.

// An init that must fail with one message naming `why`, without hanging.
static void
check_init_fails(enum kind kind, enum fault fault, const char *why)
{
    struct sd_card c;
    struct model *m = new_model(kind, fault);

    CHECK_EQ(attach(m, &c), -1);
    CHECK_EQ(disk.calls, 0);
    CHECK_EQ(nmessages, 1);
    if (!CHECK(strstr(last_msg, why) != NULL))
        printf("  message was: %s", last_msg);
    if (fault == F_ACMD41_NEVER)
        CHECK(m->acmd41s > 100 && m->acmd41s <= 10000);
    free_model(m);
}

static void
test_card_absent(void)
{
    check_init_fails(SDHC, F_ABSENT, "no card");
}

static void
test_acmd41_never_ready(void)
{
    check_init_fails(SDHC, F_ACMD41_NEVER, "ACMD41");
}

static void
test_cmd8_bad_echo(void)
{
    check_init_fails(SDSC, F_BAD_ECHO, "CMD8");
}

static void
test_cmd8_voltage_refused(void)
{
    check_init_fails(SDHC, F_NO_VOLTAGE, "voltage");
}

// A transfer of `count` sectors at 20 that must fail with one message
// naming `why`. Unless the card is left stuck (busy forever inside CMD25),
// clearing the fault must then let the same transfer work: the driver and
// the card are back in step.
static void
check_rw_fault(enum fault fault, int block, uint32 count, int write,
               const char *why)
{
    struct sd_card c;
    struct model *m = ready_card(SDHC, &c);
    uint8 *buf = malloc(count * SECT), *old = malloc(count * SECT);
    int bad = block > 0 ? block : 0;

    if (m == NULL)
        goto done;
    fill(buf, count * SECT, 4);
    memcpy(old, m->mem + 20 * SECT, count * SECT);
    m->fault = fault;
    m->fault_block = block;
    CHECK_EQ(xfer(&c, 20, buf, count, write), -1);
    CHECK_EQ(nmessages, 1);
    if (!CHECK(strstr(last_msg, why) != NULL))
        printf("  message was: %s", last_msg);
    if (write) // blocks before the bad one were written
        CHECK(memcmp(m->mem + 20 * SECT, buf, bad * SECT) == 0);
    if (fault == F_WRITE_ERR || fault == F_WRITE_CRC) // the bad one was not
        CHECK(memcmp(m->mem + (20 + bad) * SECT, old + bad * SECT, SECT) == 0);
    if (count > 1 && !write)
        CHECK(last_cmd(m, 12) > last_cmd(m, 18)); // stopped
    if (fault == F_BUSY_FOREVER && count > 1)
        goto out;
    m->fault = F_NONE;
    m->busy = 0;
    CHECK_EQ(xfer(&c, 20, buf, count, write), 0);
    if (!write)
        CHECK(memcmp(buf, m->mem + 20 * SECT, count * SECT) == 0);
    CHECK_EQ(m->protocol_errors, 0);
out:
    free_model(m);
done:
    free(buf);
    free(old);
}

static void
test_read_crc_error(void)
{
    check_rw_fault(F_READ_CRC, -1, 1, 0, "CRC16");
}

static void
test_multi_read_crc_error(void)
{
    check_rw_fault(F_READ_CRC, 2, 4, 0, "CRC16");
}

static void
test_read_error_token(void)
{
    check_rw_fault(F_READ_TOKEN, -1, 1, 0, "error token");
}

static void
test_write_error_response(void)
{
    check_rw_fault(F_WRITE_ERR, -1, 1, 1, "write error");
}

static void
test_write_crc_response(void)
{
    check_rw_fault(F_WRITE_CRC, -1, 1, 1, "CRC error");
}

static void
test_multi_write_error_midway(void)
{
    check_rw_fault(F_WRITE_ERR, 1, 4, 1, "write error");
}

static void
test_busy_forever(void)
{
    check_rw_fault(F_BUSY_FOREVER, -1, 1, 1, "busy");
}

static void
test_multi_write_busy_forever(void)
{
    check_rw_fault(F_BUSY_FOREVER, -1, 3, 1, "busy");
}
