// The virtio-pci MSI-X baseline (spec §4.1.5.1.2, spec-notes §5) as the interrupt-delivery
// profile of the simulated device — not a whole virtio-pci transport: the common-config
// vector registers (config_msix_vector, queue_msix_vector for QueueSel), the MSI-X Message
// Control word, a per-vector table (address, data, vector control with the mask bit) and the
// Pending Bit Array, in a marked block of the register file (spec/facts/msi-registers.ts).
// Table writes take effect at once, as in QEMU (`msix_table_mmio_write`); the PCI rule is
// that software masks an entry around an update (PCIe r5.0 §6.1.4.5) — the driver's job.

import {
  PCI_MSIX, PCI_MSIX_ENTRY, PCI_MSIX_ENTRY_CTRL_MASKBIT, PCI_MSIX_ENTRY_SIZE, PCI_MSIX_FLAGS_ENABLE, VIRTIO_MSI_NO_VECTOR,
} from '../../../spec/facts/msi-registers.ts';
import { type DeviceMsiVectors, UNMAPPED } from './msi-vectors.ts';
import type { MsiRegisterBlock } from './msi-block.ts';

export class PciMsixBlock implements MsiRegisterBlock {
  constructor(readonly vectors: DeviceMsiVectors) {}

  claims(off: number): boolean {
    return off >= PCI_MSIX.ConfigMsixVector && off < PCI_MSIX.Pba + 4;
  }

  private static encode(entry: number): number {
    return entry === UNMAPPED ? VIRTIO_MSI_NO_VECTOR : entry;
  }

  read(off: number, queueSel: number): number {
    const v = this.vectors;
    if (off === PCI_MSIX.ConfigMsixVector) return PciMsixBlock.encode(v.configEntry); // PCI-DEV-3
    if (off === PCI_MSIX.QueueMsixVector) return PciMsixBlock.encode(v.queueEntry[queueSel] ?? UNMAPPED);
    if (off === PCI_MSIX.MessageControl) return (v.enabled ? PCI_MSIX_FLAGS_ENABLE : 0) | (v.entries.length - 1);
    if (off === PCI_MSIX.Pba) return v.entries.reduce((bits, e, i) => bits | (e.pending && i < 32 ? 1 << i : 0), 0) >>> 0; // first PBA word only
    const t = this.tableSlot(off);
    if (!t) return 0;
    const e = v.entries[t.entry]!;
    switch (t.field) {
      case PCI_MSIX_ENTRY.AddrLow: return e.msg.addrLo;
      case PCI_MSIX_ENTRY.AddrHigh: return e.msg.addrHi;
      case PCI_MSIX_ENTRY.Data: return e.msg.data;
      default: return e.masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0;
    }
  }

  write(off: number, value: number, queueSel: number): void {
    const v = this.vectors;
    if (off === PCI_MSIX.ConfigMsixVector) { v.map('config', -1, this.mapping(value)); return; }
    if (off === PCI_MSIX.QueueMsixVector) { v.map('queue', queueSel, this.mapping(value)); return; }
    if (off === PCI_MSIX.MessageControl) { v.enabled = (value & PCI_MSIX_FLAGS_ENABLE) !== 0; return; }
    const t = this.tableSlot(off);
    if (!t) return;
    const e = v.entries[t.entry]!;
    switch (t.field) {
      case PCI_MSIX_ENTRY.AddrLow: v.commit(t.entry, { ...e.msg, addrLo: value >>> 0 }, false); return;
      case PCI_MSIX_ENTRY.AddrHigh: v.commit(t.entry, { ...e.msg, addrHi: value >>> 0 }, false); return;
      case PCI_MSIX_ENTRY.Data: v.commit(t.entry, { ...e.msg, data: value >>> 0 }, false); return;
      default: v.setMask(t.entry, (value & PCI_MSIX_ENTRY_CTRL_MASKBIT) !== 0); // unmask with PBA set: sent now
    }
  }

  /** A mapping write: a valid entry, or NO_VECTOR — which is also what a failed mapping reads back (PCI-DEV-5). */
  private mapping(value: number): number {
    const entry = value & 0xffff;
    return entry !== VIRTIO_MSI_NO_VECTOR && this.vectors.valid(entry) ? entry : UNMAPPED;
  }

  private tableSlot(off: number): { entry: number; field: number } | undefined {
    const rel = off - PCI_MSIX.Table;
    if (rel < 0) return undefined;
    const entry = Math.floor(rel / PCI_MSIX_ENTRY_SIZE);
    if (entry >= this.vectors.entries.length) return undefined;
    return { entry, field: rel % PCI_MSIX_ENTRY_SIZE };
  }
}
