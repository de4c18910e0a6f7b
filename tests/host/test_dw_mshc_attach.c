// Part of test_dw_mshc (included by test_dw_mshc.c): attaching to working
// cards: the driver table, the real VF2 slots, identification of each card
// kind, bus width, the ciu clock, and controllers left warm or cold.

static void
test_driver_table(void)
{
    static const char *want[] = {"starfive,jh7110-mmc", "snps,dw-mshc",
                                 "starfive,jh7110-sdio"};
    int n = 0;

    CHECK_STR(dw_mshc_driver.name, "dw_mshc");
    for (const char *const *c = dw_mshc_driver.compatible; *c; c++, n++)
        CHECK(n < 3 && strcmp(*c, want[n]) == 0);
    CHECK_EQ(n, 3);
}

// The kernel's path: probe maps reg and reads the registers itself. With
// plain memory saying "64-bit FIFO" it must refuse before touching any.
static void
test_probe_maps_reg(void)
{
    int node = load(read_dtb("visionfive2.dtb"), "/soc/mmc@16020000");

    if (blob == NULL)
        SKIP("visionfive2.dtb not found");
    if (!CHECK(node != FDT_NONE))
        goto out;
    memset(plain_regs, 0, sizeof plain_regs);
    plain_regs[DWM_HCON / 4] = 2 << 7;
    plain_regs[DWM_CTRL / 4] = CTRL_USE_IDMAC;
    nmessages = 0;
    capturing = 1;
    CHECK_EQ(dw_mshc_driver.probe(&tree, node), -1);
    capturing = 0;
    CHECK_EQ(mapped_pa, 0x16020000);
    CHECK_EQ(mapped_size, 0x10000);
    CHECK_EQ(nmessages, 1);
    CHECK(strstr(last_msg, "64-bit FIFO") != NULL);
    CHECK_EQ(plain_regs[DWM_CTRL / 4], CTRL_USE_IDMAC);
    CHECK_EQ(plain_regs[DWM_CMD / 4], 0);
out:
    done();
}

// The SD slot of the real VisionFive 2 tree: 4-bit, ciu 50 MHz assigned in
// the node, card detect by GPIO (CDETECT says nothing), FIFO by VERID.
static void
test_vf2_tree(void)
{
    int node = load(read_dtb("visionfive2.dtb"), "/soc/mmc@16020000");
    uint8 out[SECT], in[SECT];

    if (blob == NULL)
        SKIP("visionfive2.dtb not found");
    new_model(SDHC, F_NONE);
    model->cdetect = 1; // the slot's CDETECT pin is not wired
    if (!CHECK(node != FDT_NONE) || !CHECK_EQ(attach(node), 0))
        goto out;
    CHECK_EQ(disk.calls, 1);
    CHECK_STR(disk.name, "mmc0");
    CHECK_EQ(disk.nsectors, NSECT);
    CHECK_EQ(dev.ciu_hz, 50000000);
    CHECK_EQ(model->hz[0], 50000000 / 126); // divider 63: 396.8 kHz
    CHECK_EQ(card_hz(), 25000000);
    CHECK_EQ(*reg(DWM_CTYPE), 1);
    CHECK(model->wide);
    CHECK_EQ(last_arg(6), 2);
    // The boot log line: card type, size, bus and the clock really set.
    CHECK(strstr(last_msg, "mmc0: SDHC card (SD v2)") != NULL);
    CHECK(strstr(last_msg, "4-bit bus, clock 25000 kHz") != NULL);
    fill(out, SECT, 5);
    CHECK_EQ(xfer(77, out, 1, 1), 0);
    CHECK_EQ(xfer(77, in, 1, 0), 0);
    CHECK(memcmp(in, out, SECT) == 0);
    CHECK(memcmp(model->mem + 77 * SECT, out, SECT) == 0);
    model_clean();
out:
    done();
}

// The SD slot of the vendor U-Boot's own tree, which a plain booti hands
// over: "snps,dw-mshc", no cd-gpios, no broken-cd, and CDETECT not wired
// (reads "empty"). The card must still be found.
static void
test_vf2_vendor_tree(void)
{
    int node =
        load(read_dtb("visionfive2-vendor-uboot.dtb"), "/soc/sdio1@16020000");

    if (blob == NULL)
        SKIP("visionfive2-vendor-uboot.dtb not found");
    new_model(SDHC, F_NONE);
    model->cdetect = 1;
    if (!CHECK(node != FDT_NONE) || !CHECK_EQ(attach(node), 0))
        goto out;
    CHECK_EQ(disk.calls, 1);
    CHECK_EQ(disk.nsectors, NSECT);
    CHECK_EQ(dev.ciu_hz, 50000000); // assigned-clock-rates
    CHECK_EQ(card_hz(), 25000000);
    CHECK(model->wide);
    CHECK(strstr(last_msg, "CDETECT read empty") != NULL);
    model_clean();
out:
    done();
}

// The eMMC slot (bus-width 8, non-removable) with nothing in it: one
// message, -1, no hang.
static void
test_vf2_emmc_slot_empty(void)
{
    int node = load(read_dtb("visionfive2.dtb"), "/soc/mmc@16010000");

    if (blob == NULL)
        SKIP("visionfive2.dtb not found");
    new_model(SDHC, F_ABSENT);
    model->cdetect = 1;
    if (CHECK(node != FDT_NONE)) {
        CHECK_EQ(attach(node), -1);
        CHECK_EQ(disk.calls, 0);
        CHECK_EQ(nmessages, 1);
        CHECK(strstr(last_msg, "no card") != NULL);
        CHECK(model->ncmd <= 4); // CMD0, CMD8, CMD55: then it gave up
        model_clean();
    }
    done();
}

static void
test_ident_sdhc(void)
{
    static const uint8 order[] = {0,  8, 55, 41, 55, 41, 55,
                                  41, 2, 3,  9,  7,  55, 6};
    int n = sizeof order;

    if (ready_card(SDHC)) {
        CHECK_EQ(model->ncmd, n);
        for (int i = 0; i < n && i < model->ncmd; i++)
            CHECK_EQ(model->cmd[i], order[i]);
        CHECK(model->flags[0] & CMD_INIT);
        CHECK((model->flags[0] & CMD_RESP) == 0);
        CHECK_EQ(model->arg[1], 0x1aa);
        CHECK_EQ(model->arg[3], 0x40300000); // HCS and 3.2-3.4 V
        CHECK((model->flags[3] & CMD_CRC) == 0);
        CHECK(model->flags[8] & CMD_LONG);
        CHECK(model->flags[10] & CMD_LONG);
        CHECK_EQ(model->arg[10], CARD_RCA << 16);
        CHECK_EQ(model->arg[11], CARD_RCA << 16);
        CHECK_EQ(model->arg[12], CARD_RCA << 16);
        for (int i = 0; i < 11; i++)
            CHECK(model->hz[i] <= 400000 && model->hz[i] >= 100000);
        CHECK_EQ(dev.block_addr, 1);
        CHECK_EQ(disk.nsectors, NSECT);
        CHECK_EQ(model->st, S_TRAN);
        CHECK_EQ(card_hz(), 25000000);
    }
    done();
}

static void
test_ident_sdsc(void)
{
    if (ready_card(SDSC)) {
        CHECK_EQ(dev.block_addr, 0);
        CHECK_EQ(disk.nsectors, NSECT); // CSD 1.0 arithmetic
        CHECK_EQ(last_arg(16), SECT);
        CHECK(last_cmd(16) > last_cmd(7));
        CHECK_EQ(last_arg(41), 0x40300000); // a v2 card: HCS asked
    }
    done();
}

static void
test_ident_v1(void)
{
    if (ready_card(SDV1)) {
        CHECK_EQ(dev.block_addr, 0);
        CHECK_EQ(last_arg(41), 0x00300000); // no HCS for a v1 card
        CHECK_EQ(count_cmd(8), 1);
        CHECK_EQ(disk.nsectors, NSECT);
        CHECK_EQ(last_arg(16), SECT);
    }
    done();
}

static void
test_one_bit_slot(void)
{
    struct slot s = sd4;
    uint8 buf[2 * SECT];

    s.bus_width = 0;
    new_model(SDHC, F_NONE);
    if (CHECK_EQ(attach_slot(&s), 0)) {
        CHECK_EQ(count_cmd(6), 0);
        CHECK_EQ(*reg(DWM_CTYPE), 0);
        CHECK_EQ(xfer(9, buf, 2, 0), 0);
        CHECK(memcmp(buf, model->mem + 9 * SECT, 2 * SECT) == 0);
        model_clean();
    }
    done();
}

// ciu from the node: clock-frequency, the rate assigned to ciu, or 50 MHz
// when the only assigned clock is another one. The model's ciu runs at the
// rate the tree states, so the dividers show which rate the driver used.
static void
check_ciu(uint32 freq, uint32 cell, uint32 rate, uint32 real, uint32 init_hz,
          uint32 fast_hz)
{
    struct slot s = sd4;

    s.clock_frequency = freq;
    s.assigned_cell = cell;
    s.assigned_rate = rate;
    new_model(SDHC, F_NONE);
    model->ciu_hz = real;
    if (CHECK_EQ(attach_slot(&s), 0)) {
        CHECK_EQ(model->hz[0], init_hz);
        CHECK_EQ(card_hz(), fast_hz);
        model_clean();
    }
    done();
}

static void
test_ciu_clock_frequency(void)
{
    check_ciu(100000000, 0, 0, 100000000, 400000, 25000000);
}

static void
test_ciu_assigned_rate(void)
{
    check_ciu(0, 2, 24000000, 24000000, 400000, 24000000);
}

static void
test_ciu_assumed(void)
{
    check_ciu(0, 1, 24000000, 50000000, 396825, 25000000); // biu assigned
    check_ciu(0, 0, 0, 50000000, 396825, 25000000);
}

static void
test_uboot_leftovers(void)
{
    uint8 out[3 * SECT], in[3 * SECT];

    new_model(SDHC, F_NONE);
    uboot_leftovers();
    if (CHECK_EQ(attach_slot(&sd4), 0)) {
        CHECK_EQ(*reg(DWM_CTRL) &
                     (CTRL_USE_IDMAC | CTRL_DMA_ENABLE | CTRL_INT_ENABLE),
                 0);
        CHECK_EQ(*reg(DWM_BMOD) & BMOD_DE, 0);
        CHECK_EQ(*reg(DWM_INTMASK), 0);
        CHECK(model->flags[0] & CMD_INIT);
        CHECK_EQ(model->cmd[0], 0);
        CHECK_EQ(last_arg(7), CARD_RCA << 16); // not U-Boot's address
        fill(out, sizeof out, 8);
        CHECK_EQ(xfer(40, out, 3, 1), 0);
        CHECK_EQ(xfer(40, in, 3, 0), 0);
        CHECK(memcmp(in, out, sizeof in) == 0);
        CHECK_EQ(model->dma_used, 0);
        model_clean();
    }
    done();
}

// Nothing set up: card power off, clock off. The driver powers the slot.
static void
test_cold_controller(void)
{
    new_model(SDSC, F_NONE);
    *reg(DWM_PWREN) = 0;
    if (CHECK_EQ(attach_slot(&sd4), 0)) {
        CHECK_EQ(*reg(DWM_PWREN) & 1, 1);
        CHECK_EQ(model->pwren_writes, 1);
        model_clean();
    }
    done();
}
