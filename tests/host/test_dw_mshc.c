// The test_dw_mshc program: host tests of drivers/dw_mshc.c against the
// register and SD card model of dw_model.h: commands, responses, clocks,
// the FIFO window and its timing, faults. Usage: test_dw_mshc [DTB_DIR].
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttest.h"
#include "kernel/driver.h"
#include "drivers/dw_mshc.h"
#include "kernel_stubs.h"
#include "dw_model.h"
#include "dw_slot.h"

extern const struct driver dw_mshc_driver;

static const char *dtb_dir = "../shared/dtb";

// DIR/name in a heap buffer, or NULL if unreadable.
static uint8 *
read_dtb(const char *name)
{
    char path[512];
    FILE *fp;
    long n;
    uint8 *buf = NULL;

    snprintf(path, sizeof path, "%s/%s", dtb_dir, name);
    if ((fp = fopen(path, "rb")) == NULL)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0) {
        rewind(fp);
        buf = malloc(n);
        if (fread(buf, 1, n, fp) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(fp);
    return buf;
}

// ---- fixtures ----

static struct dwm dev;
static struct fdt tree;
static uint8 *blob;

// Attaches the model to `node` of the loaded tree as the kernel would.
static int
attach(int node)
{
    int r;

    memset(&dev, 0, sizeof dev);
    memset(&disk, 0, sizeof disk);
    dev.io = &model_ops;
    dev.base = BASE;
    nmessages = 0;
    capturing = 1;
    r = dwm_attach(&dev, &tree, node);
    capturing = 0;
    return r;
}

// Loads `b` (freed by done()) and returns the node at `path`.
static int
load(uint8 *b, const char *path)
{
    blob = b;
    if (b == NULL || fdt_init(&tree, b) < 0)
        return FDT_NONE;
    return fdt_find_path(&tree, path);
}

static int
attach_slot(const struct slot *s)
{
    int node = load(slot_tree(s), "/mmc@16020000");

    return CHECK(node != FDT_NONE) ? attach(node) : -2;
}

static void
done(void)
{
    free(blob);
    blob = NULL;
    if (model)
        free_model();
}

// A transfer through the registered blk_ops, as the kernel makes it.
static int
xfer(uint64 sector, void *buf, uint32 count, int write)
{
    int r, before = nacquires;

    nmessages = 0;
    capturing = 1;
    r = disk.ops->rw(disk.dev, sector, buf, count, write);
    capturing = 0;
    if (dev.lock.locked || (r == 0 && nacquires != before + 1)) {
        printf("  lock left held or not taken\n");
        ht_cur.failed_checks++;
    }
    return r;
}

// Index of the last logged command idx, or -1.
static int
last_cmd(int idx)
{
    for (int i = model->ncmd - 1; i >= 0; i--)
        if (model->cmd[i] == idx)
            return i;
    return -1;
}

static uint32
last_arg(int idx)
{
    int i = last_cmd(idx);

    return i < 0 ? 0xffffffff : model->arg[i];
}

static int
count_cmd(int idx)
{
    int n = 0;

    for (int i = 0; i < model->ncmd; i++)
        n += model->cmd[i] == idx;
    return n;
}

// No rule of the controller or card was broken.
static int
model_clean(void)
{
    if (model->errors == 0)
        return 1;
    printf("  model: %d error(s), first: %s\n", model->errors,
           model->first_error);
    return ht_fail(__FILE__, __LINE__, "the driver broke a model rule");
}

// Attaches a card on the 4-bit synthetic slot: 1, or 0 (checks failed).
static int
ready_card(enum kind kind)
{
    new_model(kind, F_NONE);
    if (!CHECK_EQ(attach_slot(&sd4), 0) || !CHECK_EQ(disk.calls, 1))
        return 0;
    return model_clean();
}

// The tests are included, not linked: hosttest.h keeps the running test's
// verdict in a static, one per translation unit, so a check failing in a
// separately compiled file would never reach ht_run below.
#include "test_dw_mshc_attach.c"
#include "test_dw_mshc_rw.c"
#include "test_dw_mshc_faults.c"

int
main(int argc, char **argv)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_driver_table),
        HT_TEST(test_probe_maps_reg),
        HT_TEST(test_vf2_tree),
        HT_TEST(test_vf2_vendor_tree),
        HT_TEST(test_vf2_emmc_slot_empty),
        HT_TEST(test_ident_sdhc),
        HT_TEST(test_ident_sdsc),
        HT_TEST(test_ident_v1),
        HT_TEST(test_one_bit_slot),
        HT_TEST(test_ciu_clock_frequency),
        HT_TEST(test_ciu_assigned_rate),
        HT_TEST(test_ciu_assumed),
        HT_TEST(test_rw_single),
        HT_TEST(test_rw_multi),
        HT_TEST(test_rw_split),
        HT_TEST(test_sdsc_byte_addresses),
        HT_TEST(test_bad_ranges),
        HT_TEST(test_no_card),
        HT_TEST(test_card_detect_ignored),
        HT_TEST(test_card_detect_empty),
        HT_TEST(test_card_detect_gpio),
        HT_TEST(test_acmd41_never_ready),
        HT_TEST(test_cmd8_bad_echo),
        HT_TEST(test_clock_update_stuck),
        HT_TEST(test_fifo_width_refused),
        HT_TEST(test_read_crc_error),
        HT_TEST(test_multi_read_crc_error),
        HT_TEST(test_read_timeout),
        HT_TEST(test_multi_read_timeout),
        HT_TEST(test_read_card_error),
        HT_TEST(test_write_crc_error),
        HT_TEST(test_write_busy_forever),
        HT_TEST(test_fifo_offset),
        HT_TEST(test_uboot_leftovers),
        HT_TEST(test_cold_controller),
    };

    if (argc > 1)
        dtb_dir = argv[1];
    return HT_RUN(tests);
}
