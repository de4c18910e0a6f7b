// virtio facts for drivers: the virtio-mmio register map (legacy version 1
// and modern version 2), status and feature bits, split-ring layout, block
// request format. Definitions only; no code.
#ifndef LAZYOS_VIRTIO_H
#define LAZYOS_VIRTIO_H

#include "kernel/types.h"

// virtio-mmio registers (virtio 1.1 section 4.2.2; legacy 4.2.4).
#define VIRTIO_MMIO_MAGIC 0x000     // reads VIRTIO_MAGIC
#define VIRTIO_MMIO_VERSION 0x004   // 1 legacy, 2 modern
#define VIRTIO_MMIO_DEVICE_ID 0x008 // 0: no device in this slot
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028 // legacy
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c // legacy
#define VIRTIO_MMIO_QUEUE_PFN 0x040   // legacy
#define VIRTIO_MMIO_QUEUE_READY 0x044 // modern
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080 // modern, each with _HIGH at +4
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc // modern
#define VIRTIO_MMIO_CONFIG 0x100            // device-specific configuration

#define VIRTIO_MAGIC 0x74726976 // "virt", little-endian
#define VIRTIO_ID_BLOCK 2

// Device status bits.
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED 128

// Feature bit 32, VIRTIO_F_VERSION_1, as bit 0 of feature word 1.
#define VIRTIO_F_VERSION_1_WORD1 (1U << 0)

// InterruptStatus / InterruptACK bits.
#define VIRTIO_INT_USED_RING 1
#define VIRTIO_INT_CONFIG 2

// Split virtqueue (section 2.6): descriptor table, driver ("avail") ring,
// device ("used") ring. All fields little-endian, as is RISC-V.
struct virtq_desc {
    uint64 addr; // physical address of the buffer
    uint32 len;
    uint16 flags;
    uint16 next; // valid with VIRTQ_DESC_F_NEXT
};
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2 // the device writes this buffer

struct virtq_avail {
    uint16 flags;
    uint16 idx;    // where the driver puts its next entry (free-running)
    uint16 ring[]; // queue-size heads, then used_event (unused here)
};

struct virtq_used_elem {
    uint32 id;  // head of the finished chain
    uint32 len; // bytes the device wrote
};

struct virtq_used {
    uint16 flags;
    uint16 idx; // where the device puts its next entry (free-running)
    struct virtq_used_elem ring[];
};

// Block requests (section 5.2.6): this header, the data, one status byte.
#define VIRTIO_BLK_T_IN 0  // read from the disk
#define VIRTIO_BLK_T_OUT 1 // write to the disk
#define VIRTIO_BLK_S_OK 0

struct virtio_blk_req_hdr {
    uint32 type;
    uint32 reserved;
    uint64 sector; // in 512-byte units whatever the device's block size
};

#endif
