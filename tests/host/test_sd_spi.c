// The test_sd_spi program: host tests of drivers/sd_spi.c against the SD
// card model of sd_model.h, a byte-level state machine behind the xfer op:
// initialisation, transfers, addressing and faults.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "kernel/driver.h"
#include "drivers/sd_spi.h"
#include "kernel_stubs.h"
#include "sd_model.h"

// ---- fixtures ----

static int
attach(struct model *m, struct sd_card *c)
{
    int r;

    memset(c, 0, sizeof(*c));
    memset(&disk, 0, sizeof(disk));
    nmessages = 0;
    capturing = 1;
    r = sd_spi_attach(c, &model_ops, m);
    capturing = 0;
    return r;
}

// A transfer through the registered blk_ops, as the kernel makes it.
static int
xfer(struct sd_card *c, uint64 sector, void *buf, uint32 count, int write)
{
    int r, before = nacquires;

    nmessages = 0;
    capturing = 1;
    r = disk.ops->rw(c, sector, buf, count, write);
    capturing = 0;
    if (c->lock.locked || (r == 0 && nacquires != before + 1)) {
        printf("  lock left held or not taken\n");
        ht_cur.failed_checks++;
    }
    return r;
}

// Index of the last logged command `cmd`, or -1.
static int
last_cmd(const struct model *m, int cmd)
{
    for (int i = m->ncmd - 1; i >= 0; i--)
        if (m->cmd[i] == cmd)
            return i;
    return -1;
}

// Argument of the last command `cmd`; a value no test expects if none.
static uint32
last_arg(const struct model *m, int cmd)
{
    int i = last_cmd(m, cmd);

    return i >= 0 ? m->arg[i] : 0xdeadbeef;
}

// A model card of `kind`, attached; NULL (after failing a check) if not.
static struct model *
ready_card(enum kind kind, struct sd_card *c)
{
    struct model *m = new_model(kind, F_NONE);

    if (!CHECK_EQ(attach(m, c), 0) || !CHECK_EQ(disk.calls, 1)) {
        free_model(m);
        return NULL;
    }
    return m;
}

// The tests are included, not linked: hosttest.h keeps the running test's
// verdict in a static, one per translation unit, so a check failing in a
// separately compiled file would never reach ht_run below.
#include "test_sd_spi_init.c"
#include "test_sd_spi_rw.c"
#include "test_sd_spi_faults.c"

int
main(void)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_model_crcs),
        HT_TEST(test_init_sdhc),
        HT_TEST(test_init_sdsc),
        HT_TEST(test_init_v1),
        HT_TEST(test_init_speeds),
        HT_TEST(test_names_distinct),
        HT_TEST(test_single_rw_sdhc),
        HT_TEST(test_multi_rw_sdhc),
        HT_TEST(test_sdsc_byte_addressing),
        HT_TEST(test_v1_byte_addressing),
        HT_TEST(test_bad_ranges),
        HT_TEST(test_cmd0_retried),
        HT_TEST(test_byte_addressing_limit),
        HT_TEST(test_card_absent),
        HT_TEST(test_acmd41_never_ready),
        HT_TEST(test_cmd8_bad_echo),
        HT_TEST(test_cmd8_voltage_refused),
        HT_TEST(test_read_crc_error),
        HT_TEST(test_multi_read_crc_error),
        HT_TEST(test_read_error_token),
        HT_TEST(test_write_error_response),
        HT_TEST(test_write_crc_response),
        HT_TEST(test_multi_write_error_midway),
        HT_TEST(test_busy_forever),
        HT_TEST(test_multi_write_busy_forever),
    };

    return HT_RUN(tests);
}
