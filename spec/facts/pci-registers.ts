// virtio-pci modern (§4.1.4): the common configuration structure's field offsets (§4.1.4.3,
// `VIRTIO_PCI_COMMON_*` in virtio_pci.h), the capability types (§4.1.4), and the one register
// window the simulator gives a PCI device: each capability's structure at a fixed offset.

/** `struct virtio_pci_common_cfg` (§4.1.4.3). */
export const PCI_COMMON = {
  device_feature_select: 0,
  device_feature: 4,
  driver_feature_select: 8,
  driver_feature: 12,
  config_msix_vector: 16,
  num_queues: 18,
  device_status: 20,
  config_generation: 21,
  queue_select: 22,
  queue_size: 24,
  queue_msix_vector: 26,
  queue_enable: 28,
  queue_notify_off: 30,
  queue_desc: 32,
  queue_driver: 40,
  queue_device: 48,
} as const;

/** `cfg_type` of a virtio vendor capability (§4.1.4). */
export const PCI_CAP = { COMMON: 1, NOTIFY: 2, ISR: 3, DEVICE: 4, PCI_CFG: 5 } as const;

/** ISR status bits (§4.1.4.5). */
export const PCI_ISR = { QUEUE: 1, CONFIG: 2 } as const;

/**
 * Where the simulator maps a PCI device's structures in its register window (ours, not the
 * spec's: a real device puts each in a BAR the capability names). PCI configuration space
 * (read-only here: the capability list) is mapped too, so the driver finds
 * `notify_off_multiplier` as a real driver does.
 */
export const PCI_WINDOW = { common: 0x000, notify: 0x100, isr: 0x200, device: 0x300, config: 0x400, size: 0x500 } as const;

/** VIRTIO_MSI_NO_VECTOR (§4.1.5.1.2). */
export const VIRTIO_MSI_NO_VECTOR = 0xffff;
