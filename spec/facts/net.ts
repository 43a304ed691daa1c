// virtio-net multiqueue facts (§5.1.2 virtqueues, §5.1.4 config layout, §5.1.9.5 control
// queue, §5.1.9.5.6 automatic receive steering). Linux: include/uapi/linux/virtio_net.h.

/** Device configuration offsets (§5.1.4; `struct virtio_net_config`). */
export const NET_CONFIG = {
  mac: 0,
  /** le16; LINK_UP = 1, ANNOUNCE = 2 (present with VIRTIO_NET_F_STATUS). */
  status: 6,
  /** le16 (present with MQ or RSS). */
  maxVirtqueuePairs: 8,
  /** le16 (present with VIRTIO_NET_F_MTU): 68..65535 (Linux MIN_MTU = ETH_MIN_MTU, §5.1.4.1). */
  mtu: 10,
} as const;

/** The smallest mtu a device offering VIRTIO_NET_F_MTU may advise (Linux virtnet_validate clears MTU below it). */
export const NET_MIN_MTU = 68;

/** Control queue command classes and commands (§5.1.9.5). */
export const VIRTIO_NET_CTRL_MQ = 4;
export const VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET = 0;
export const VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN = 1;
export const VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX = 0x8000;
/** The `ack` byte the device writes (§5.1.9.5). */
export const VIRTIO_NET_OK = 0;
export const VIRTIO_NET_ERR = 1;

/**
 * The command buffer as this suite lays it out: `u8 class; u8 command; le16 virtqueue_pairs;
 * u8 ack` in one buffer (Linux uses three descriptors: header, data, status; the layout of the
 * bytes is the same). Byte offsets within the buffer.
 */
export const CTRL_CMD = { class: 0, command: 1, data: 2, ack: 4, size: 8 } as const;

/** Virtqueue numbering (§5.1.2): receiveq k+1 = 2k, transmitq k+1 = 2k+1, controlq = 2N. */
export const rxq2vq = (pair: number): number => 2 * pair;
export const txq2vq = (pair: number): number => 2 * pair + 1;
export const vq2pair = (vq: number): number => vq >> 1;
export const isTxVq = (vq: number): boolean => (vq & 1) === 1;
/** N = max_virtqueue_pairs with MQ (or RSS) negotiated, else 1; the control queue follows the last pair. */
export const ctrlVqIndex = (mqNegotiated: boolean, maxPairs: number): number => 2 * (mqNegotiated ? maxPairs : 1);
