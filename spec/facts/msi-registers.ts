// Register blocks of the interrupt-delivery profiles that are not in the spec today.
//
// EXPERIMENTAL — the 2020 virtio-mmio MSI proposal (spec-patch v2 2020-01-21, kernel v2
// 2020-02-10; spec-notes §6.3). Its block began at 0x0c0, which virtio 1.2 has since given
// to QueueReset, and its feature bit was 40, now VIRTIO_F_RING_RESET. Here the block is
// shifted by +0x10 (0x0d0–0x0ec, still below ConfigGeneration at 0x0fc) and the feature is
// experimental bit 49. Neither number is in any spec; they only keep the model runnable.
//
// pci-msix — the virtio-pci MSI-X baseline (spec §4.1.4.3, §4.1.5.1.2; spec-notes §5) as an
// interrupt-delivery profile of the simulated device: config_msix_vector, queue_msix_vector
// (for the queue QueueSel names), the MSI-X Message Control word, the table (16 bytes per
// entry) and the Pending Bit Array, in a marked block above the MMIO window.

/**
 * Interrupt-delivery profiles besides the classic line: the 2020 MMIO proposal as posted
 * (live registers, no masking), its two fixes (latched on CONFIGURE; mask around updates),
 * and the virtio-pci MSI-X baseline.
 */
export type MsiProfile = 'mmio-msi-2020' | 'mmio-msi-latched' | 'mmio-msi-masked' | 'pci-msix';

/** VIRTIO_F_EXPERIMENTAL_MMIO_MSI: the 2020 proposal's VIRTIO_F_MMIO_MSI (40), moved. EXPERIMENTAL. @public */
export const VIRTIO_F_EXPERIMENTAL_MMIO_MSI = 49;

/** The 2020 MMIO MSI block, each offset = the proposal's + 0x10. EXPERIMENTAL. @public */
export const MMIO_MSI = {
  MsiVecNum: 0x0d0, // R: vectors the device supports (proposal 0x0c0)
  MsiState: 0x0d4, // R: enabled / sharing (proposal 0x0c4)
  MsiCmd: 0x0d8, // W: command (proposal 0x0c8)
  MsiVecSel: 0x0e0, // W: the vector MsiAddr*, MsiData and vector commands apply to (proposal 0x0d0)
  MsiAddrLow: 0x0e4, // W (proposal 0x0d4)
  MsiAddrHigh: 0x0e8, // W (proposal 0x0d8)
  MsiData: 0x0ec, // W (proposal 0x0dc)
} as const;

/** MsiCmd values (§6.3). */
export const MMIO_MSI_CMD = {
  ENABLE: 0x1,
  DISABLE: 0x2,
  CONFIGURE: 0x3,
  MASK: 0x4,
  UNMASK: 0x5,
  MAP_CONFIG: 0x6,
  MAP_QUEUE: 0x7,
} as const;

/** MsiState bits as kernel v2's uapi has them (the spec patch put them at bits 0/1: unresolved, §6.3). */
export const MMIO_MSI_STATE = { ENABLED: 0x8000_0000, SHARING: 0x4000_0000 } as const;

/** VIRTIO_MMIO_MSI_NO_VECTOR: the event raises no interrupt (32-bit). */
export const MMIO_MSI_NO_VECTOR = 0xffffffff;

/** The pci-msix profile's block (marked: not an MMIO register file of any spec). */
export const PCI_MSIX = {
  ConfigMsixVector: 0x1000, // common cfg offset 16 (le16; a 32-bit access here)
  QueueMsixVector: 0x1004, // common cfg offset 26, for the queue QueueSel names
  MessageControl: 0x1008, // MSI-X capability: bit 15 enable, bit 14 function mask, 10:0 table size − 1
  Table: 0x1100, // entry n at Table + 16n: +0 address low, +4 address high, +8 data, +12 vector control
  Pba: 0x1800, // pending bits, 32 per word
} as const;

export const PCI_MSIX_ENTRY_SIZE = 16;
export const PCI_MSIX_ENTRY = { AddrLow: 0, AddrHigh: 4, Data: 8, VectorCtrl: 12 } as const;
export const PCI_MSIX_ENTRY_CTRL_MASKBIT = 1;
export const PCI_MSIX_FLAGS_ENABLE = 1 << 15;
/** VIRTIO_MSI_NO_VECTOR (§4.1.5.1.2): the event is unmapped. */
export const VIRTIO_MSI_NO_VECTOR = 0xffff;

/** Names of the MSI blocks' registers for traces (`MsiVecSel`, `msix[1].data`), or undefined. */
export function msiRegisterName(offset: number): string | undefined {
  for (const [name, off] of Object.entries(MMIO_MSI)) if (off === offset) return name;
  for (const [name, off] of Object.entries(PCI_MSIX)) if (off === offset && name !== 'Table') return name;
  const rel = offset - PCI_MSIX.Table;
  if (rel >= 0 && offset < PCI_MSIX.Pba) {
    const field = Object.entries(PCI_MSIX_ENTRY).find(([, f]) => f === rel % PCI_MSIX_ENTRY_SIZE)?.[0] ?? `+${rel % PCI_MSIX_ENTRY_SIZE}`;
    return `msix[${Math.floor(rel / PCI_MSIX_ENTRY_SIZE)}].${field}`;
  }
  return undefined;
}
