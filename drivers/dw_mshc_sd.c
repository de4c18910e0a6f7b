// SD memory card identification behind the DesignWare MSHC: power-up,
// address, capacity and bus width, spoken through dw_mshc.c's command path.
// Knows the SD protocol; registers only via dwm_cmd() and dwm_write().
#include "kernel/klib.h"
#include "drivers/dw_mshc.h"

// CMD0, CMD8 and CMD55+ACMD41 at 400 kHz on a 1-bit bus. Returns the
// card's spec version: 2 if it answers CMD8, 1 if it stays silent.
int
dwm_power_up(struct dwm *d)
{
    uint32 r = 0, ocr = 0, arg;
    int version = 2;

    if (dwm_set_clock(d, SD_INIT_HZ) < 0)
        return -1;
    dwm_write(d, DWM_CTYPE, 0);
    if (dwm_cmd(d, 0, 0, CMD_INIT, NULL) < 0)
        return -1;
    if (dwm_cmd(d, 8, SD_CMD8_ARG, R_SHORT, &r) < 0) {
        if ((d->ints & INT_RTO) == 0)
            return -1;
        d->why = NULL; // v1 cards do not know CMD8
        version = 1;
    } else if ((r & 0xfff) != SD_CMD8_ARG) {
        return dwm_fail(d, "bad CMD8 echo (voltage not supported?)");
    }
    arg = SD_OCR_WINDOW | (version == 2 ? SD_OCR_CCS : 0);
    for (int i = 0; i < DWM_ACMD41_TRIES && (ocr & SD_OCR_DONE) == 0; i++) {
        if (dwm_cmd(d, 55, 0, R_SHORT, NULL) < 0 ||
            dwm_cmd(d, 41, arg, R_NOCRC, &ocr) < 0) {
            if (d->ints & INT_RTO)
                d->why = NULL; // silence: say what it means
            return dwm_fail(d, "no card");
        }
    }
    if ((ocr & SD_OCR_DONE) == 0)
        return dwm_fail(d, "card never finished power-up (ACMD41)");
    d->block_addr = version == 2 && (ocr & SD_OCR_CCS);
    return version;
}

// Bits [hi:lo] of the 128-bit CSD; csd[0] is RESP0, bits 31:0.
static uint32
dwm_csd_bits(const uint32 *csd, int hi, int lo)
{
    uint32 v = 0;

    for (int b = hi; b >= lo; b--)
        v = (v << 1) | ((csd[b / 32] >> (b % 32)) & 1);
    return v;
}

// CMD2 (the CID, unused), CMD3 for the card's address, and the capacity
// from CMD9's CSD (version 1.0 or 2.0) into d->nsectors.
int
dwm_identify(struct dwm *d)
{
    uint32 csd[4];
    uint64 bytes = 0;

    if (dwm_cmd(d, 2, 0, R_LONG, csd) < 0 || dwm_cmd(d, 3, 0, R_SHORT, csd) < 0)
        return -1;
    d->rca = csd[0] >> 16;
    if (d->rca == 0)
        return dwm_fail(d, "card gave address 0 (CMD3)");
    if (dwm_cmd(d, 9, d->rca << 16, R_LONG, csd) < 0)
        return -1;
    // v1: (C_SIZE+1) * 2^(C_SIZE_MULT+2) blocks of 2^READ_BL_LEN bytes;
    // v2: (C_SIZE+1) * 512 KiB.
    if (dwm_csd_bits(csd, 127, 126) == 0)
        bytes = (uint64)(dwm_csd_bits(csd, 73, 62) + 1)
                << (dwm_csd_bits(csd, 49, 47) + 2 + dwm_csd_bits(csd, 83, 80));
    else if (dwm_csd_bits(csd, 127, 126) == 1)
        bytes = (uint64)(dwm_csd_bits(csd, 69, 48) + 1) << 19;
    // Byte addresses are 32 bits: an SDSC card claiming more (only an
    // invalid READ_BL_LEN can) is cut to what it can be asked for.
    if (!d->block_addr && bytes > 0x100000000UL)
        bytes = 0x100000000UL;
    d->nsectors = bytes / SD_SECTOR;
    return d->nsectors ? 0 : dwm_fail(d, "unknown CSD layout");
}

// CMD7 into the transfer state, the bus width, 512-byte blocks, speed.
int
dwm_select(struct dwm *d)
{
    if (dwm_cmd(d, 7, d->rca << 16, R_SHORT, NULL) < 0 || dwm_wait_busy(d) < 0)
        return -1;
    if (d->wide) {
        if (dwm_cmd(d, 55, d->rca << 16, R_SHORT, NULL) < 0 ||
            dwm_cmd_r1(d, 6, SD_ACMD6_4BIT, R_SHORT) < 0)
            return -1;
        dwm_write(d, DWM_CTYPE, 1);
    }
    if (!d->block_addr && dwm_cmd_r1(d, 16, SD_SECTOR, R_SHORT) < 0)
        return -1;
    return dwm_set_clock(d, SD_FAST_HZ);
}

// The card's kind as SD cards are sold: v1 and byte-addressed cards are
// SDSC; block-addressed ones above 32 GiB are SDXC.
const char *
dwm_card_kind(const struct dwm *d)
{
    if (!d->block_addr)
        return "SDSC";
    return d->nsectors > (32UL << 30) / SD_SECTOR ? "SDXC" : "SDHC";
}
