// virtio block disks on the virtio-mmio transport, legacy (version 1) and
// modern (version 2): device setup, one split virtqueue, sleeping transfers.
// Knows the virtio spec; hands the kernel a blk_ops and an interrupt handler.
#include "kernel/driver.h"
#include "kernel/klib.h"
#include "kernel/printf.h"
#include "kernel/proc.h"
#include "kernel/spinlock.h"
#include "drivers/virtio.h"

#define VBLK_MAX_DEV 2
#define VBLK_NREQ 8   // requests in flight per disk
#define VBLK_QSIZE 32 // descriptors: 3 per request, a power of two
#define VBLK_PAGE 4096
#define VBLK_SECTOR 512
#define VBLK_MAX_COUNT (0xffffffffU / VBLK_SECTOR) // data length is 32 bits
#define VBLK_RESET_SPINS 1000000

// Request slot i owns descriptors 3i (header), 3i+1 (data), 3i+2 (status)
// for good, so there is no descriptor free list to keep.
struct vblk_req {
    struct virtio_blk_req_hdr hdr; // read by the device
    uint8 status;                  // written by the device
    uint8 busy;                    // a caller owns this slot
    uint8 done;                    // the used ring has handed it back
};

struct vblk {
    uint64 base;          // virtual address of the registers
    struct spinlock lock; // the rings, req[] and used_seen
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    struct virtq_used *used;
    uint16 used_seen; // used->idx up to which completions were handled
    uint64 nsectors;
    struct vblk_req req[VBLK_NREQ];
    char name[8];
};

// Legacy devices take one page number for the whole queue and expect the
// used ring at the next 4 KiB boundary after the descriptors and avail ring.
// kalloc pages are not contiguous, so each disk gets two static pages
// (identity-mapped: their addresses are physical).
static uint8 vblk_rings[VBLK_MAX_DEV][2 * VBLK_PAGE]
    __attribute__((aligned(VBLK_PAGE)));
static struct vblk vblks[VBLK_MAX_DEV];
static int nvblk;

static inline uint32
vblk_reg_read(uint64 base, uint32 off)
{
    return *(volatile uint32 *)(base + off);
}

static inline void
vblk_reg_write(uint64 base, uint32 off, uint32 val)
{
    *(volatile uint32 *)(base + off) = val;
}

static uint32
vblk_read(const struct vblk *d, uint32 off)
{
    return vblk_reg_read(d->base, off);
}

static void
vblk_write(const struct vblk *d, uint32 off, uint32 val)
{
    vblk_reg_write(d->base, off, val);
}

static void
vblk_write64(const struct vblk *d, uint32 off, uint64 val)
{
    vblk_write(d, off, (uint32)val);
    vblk_write(d, off + 4, (uint32)(val >> 32));
}

static void
vblk_set_status(const struct vblk *d, uint32 bits)
{
    vblk_write(d, VIRTIO_MMIO_STATUS, vblk_read(d, VIRTIO_MMIO_STATUS) | bits);
}

// Reset, then steps 2-6 of the init sequence (virtio 1.1 section 3.1.1):
// we take no optional feature, only VERSION_1 which a modern device needs.
static int
vblk_negotiate(const struct vblk *d, uint32 version)
{
    uint32 hi;

    vblk_write(d, VIRTIO_MMIO_STATUS, 0);
    for (int i = 0; i < VBLK_RESET_SPINS; i++)
        if (vblk_read(d, VIRTIO_MMIO_STATUS) == 0)
            break;
    vblk_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
    vblk_set_status(d, VIRTIO_STATUS_DRIVER);

    vblk_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    hi = vblk_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
    vblk_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vblk_write(d, VIRTIO_MMIO_DRIVER_FEATURES, 0);
    vblk_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vblk_write(d, VIRTIO_MMIO_DRIVER_FEATURES,
               version == 2 ? VIRTIO_F_VERSION_1_WORD1 : 0);
    if (version == 1)
        return 0; // legacy devices have no FEATURES_OK handshake
    if ((hi & VIRTIO_F_VERSION_1_WORD1) == 0) {
        printf("%s: modern device without VERSION_1\n", d->name);
        return -1;
    }
    vblk_set_status(d, VIRTIO_STATUS_FEATURES_OK);
    if ((vblk_read(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) == 0) {
        printf("%s: features refused\n", d->name);
        return -1;
    }
    return 0;
}

// Lays queue 0 out in `ring` (descriptors and avail ring in the first page,
// used ring in the second) and tells the device where it is.
static int
vblk_setup_queue(struct vblk *d, uint32 version, uint8 *ring)
{
    vblk_write(d, VIRTIO_MMIO_QUEUE_SEL, 0);
    if (vblk_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX) < VBLK_QSIZE) {
        printf("%s: queue 0 shorter than %d\n", d->name, VBLK_QSIZE);
        return -1;
    }
    memset(ring, 0, 2 * VBLK_PAGE);
    d->desc = (struct virtq_desc *)ring;
    d->avail = (struct virtq_avail *)(ring + VBLK_QSIZE * sizeof(*d->desc));
    d->used = (struct virtq_used *)(ring + VBLK_PAGE);
    d->used_seen = 0;

    vblk_write(d, VIRTIO_MMIO_QUEUE_NUM, VBLK_QSIZE);
    if (version == 1) {
        vblk_write(d, VIRTIO_MMIO_GUEST_PAGE_SIZE, VBLK_PAGE);
        vblk_write(d, VIRTIO_MMIO_QUEUE_ALIGN, VBLK_PAGE);
        vblk_write(d, VIRTIO_MMIO_QUEUE_PFN, (uint64)ring / VBLK_PAGE);
    } else {
        vblk_write64(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint64)d->desc);
        vblk_write64(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint64)d->avail);
        vblk_write64(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint64)d->used);
        vblk_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
    }
    return 0;
}

// Capacity in 512-byte sectors, the first field of the block config space.
// Modern devices may change it between our two reads: retry on a new
// generation. Legacy devices have no generation counter.
static uint64
vblk_capacity(const struct vblk *d, uint32 version)
{
    uint32 gen = 0, lo, hi;
    int tries = 0;

    do {
        if (version == 2)
            gen = vblk_read(d, VIRTIO_MMIO_CONFIG_GENERATION);
        lo = vblk_read(d, VIRTIO_MMIO_CONFIG);
        hi = vblk_read(d, VIRTIO_MMIO_CONFIG + 4);
    } while (version == 2 && ++tries < 16 &&
             gen != vblk_read(d, VIRTIO_MMIO_CONFIG_GENERATION));
    return ((uint64)hi << 32) | lo;
}

// Fills the slot's three descriptors and publishes the chain. Caller holds
// d->lock.
static void
vblk_submit(struct vblk *d, int slot, uint64 sector, void *buf, uint32 count,
            int write)
{
    struct vblk_req *r = &d->req[slot];
    struct virtq_desc *c = &d->desc[3 * slot];
    uint16 head = 3 * slot, idx = d->avail->idx;

    r->hdr.type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
    r->hdr.reserved = 0;
    r->hdr.sector = sector;
    r->status = 0xff; // anything but VIRTIO_BLK_S_OK until the device writes
    r->done = 0;
    c[0] = (struct virtq_desc){(uint64)&r->hdr, sizeof(r->hdr),
                               VIRTQ_DESC_F_NEXT, head + 1};
    c[1] = (struct virtq_desc){
        (uint64)buf, count * VBLK_SECTOR,
        VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE), head + 2};
    c[2] = (struct virtq_desc){(uint64)&r->status, 1, VIRTQ_DESC_F_WRITE, 0};

    d->avail->ring[idx % VBLK_QSIZE] = head;
    // The device may act as soon as it sees idx move, and reads the ring
    // only after a notify: order both.
    __sync_synchronize();
    d->avail->idx = idx + 1;
    __sync_synchronize();
    vblk_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static int
vblk_rw(void *dev, uint64 sector, void *buf, uint32 count, int write)
{
    struct vblk *d = dev;
    struct vblk_req *r = NULL;
    int slot, ok;

    if (count == 0 || count > VBLK_MAX_COUNT || sector >= d->nsectors ||
        count > d->nsectors - sector)
        return -1;
    acquire(&d->lock);
    while (r == NULL) {
        for (slot = 0; slot < VBLK_NREQ && r == NULL; slot++)
            if (!d->req[slot].busy)
                r = &d->req[slot];
        if (r == NULL)
            sleep(d, &d->lock); // woken when any slot frees
    }
    r->busy = 1;
    vblk_submit(d, r - d->req, sector, buf, count, write);
    while (!r->done)
        sleep(r, &d->lock);
    ok = r->status == VIRTIO_BLK_S_OK;
    r->busy = 0;
    wakeup(d);
    release(&d->lock);
    return ok ? 0 : -1;
}

static void
vblk_intr(void *dev)
{
    struct vblk *d = dev;
    struct vblk_req *r;
    uint32 id;

    acquire(&d->lock);
    // Ack before scanning: a completion that lands after the scan raises a
    // new interrupt instead of being missed.
    vblk_write(d, VIRTIO_MMIO_INTERRUPT_ACK,
               vblk_read(d, VIRTIO_MMIO_INTERRUPT_STATUS) &
                   (VIRTIO_INT_USED_RING | VIRTIO_INT_CONFIG));
    while (d->used_seen != *(volatile uint16 *)&d->used->idx) {
        __sync_synchronize(); // the entry and status byte after idx
        id = d->used->ring[d->used_seen % VBLK_QSIZE].id;
        if (id % 3 == 0 && id / 3 < VBLK_NREQ) {
            r = &d->req[id / 3];
            r->done = 1;
            wakeup(r);
        }
        d->used_seen++;
    }
    release(&d->lock);
}

static const struct blk_ops vblk_ops = {
    .rw = vblk_rw,
};

// Brings the device at d->base up to DRIVER_OK, or marks it FAILED.
static int
vblk_start(struct vblk *d, uint32 version, uint8 *ring)
{
    if (vblk_negotiate(d, version) < 0 ||
        vblk_setup_queue(d, version, ring) < 0) {
        vblk_set_status(d, VIRTIO_STATUS_FAILED);
        return -1;
    }
    vblk_set_status(d, VIRTIO_STATUS_DRIVER_OK);
    d->nsectors = vblk_capacity(d, version);
    return 0;
}

static int
vblk_probe(const struct fdt *f, int node)
{
    const char *name = fdt_node_name(f, node);
    struct vblk *d;
    uint64 pa, size, base;
    uint32 id, version;
    int irq = fdt_irq(f, node);

    if (fdt_reg(f, node, 0, &pa, &size) < 0 || irq <= 0) {
        printf("%s: no reg or interrupt\n", name);
        return -1;
    }
    base = kvm_map_device(pa, size);
    if (vblk_reg_read(base, VIRTIO_MMIO_MAGIC) != VIRTIO_MAGIC) {
        printf("%s: not a virtio-mmio device\n", name);
        return -1;
    }
    id = vblk_reg_read(base, VIRTIO_MMIO_DEVICE_ID);
    if (id == 0)
        return -1; // empty slot: QEMU virt has eight, most unused
    version = vblk_reg_read(base, VIRTIO_MMIO_VERSION);
    if (id != VIRTIO_ID_BLOCK || (version != 1 && version != 2) ||
        nvblk == VBLK_MAX_DEV) {
        printf("%s: device %u version %u not used\n", name, id, version);
        return -1;
    }
    d = &vblks[nvblk];
    d->base = base;
    safestrcpy(d->name, "virtio0", sizeof(d->name));
    d->name[6] += nvblk;
    if (vblk_start(d, version, vblk_rings[nvblk]) < 0)
        return -1;
    initlock(&d->lock, d->name);
    // Requests sleep until the completion interrupt: no interrupts, no disk.
    if (irq_register(irq, vblk_intr, d) < 0) {
        printf("%s: no interrupt controller, disk not used\n", name);
        return -1;
    }
    nvblk++;
    blkdev_register(&vblk_ops, d, d->nsectors, d->name);
    return 0;
}

static const char *const vblk_compatible[] = {
    "virtio,mmio",
    NULL,
};

// virtio-mmio block driver; probe offers each disk to the kernel as
// "virtio0", "virtio1". Other virtio device types are left alone.
const struct driver virtio_mmio_blk_driver = {
    .name = "virtio_mmio_blk",
    .compatible = vblk_compatible,
    .probe = vblk_probe,
};
