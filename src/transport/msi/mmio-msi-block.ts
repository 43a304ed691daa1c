// The 2020 virtio-mmio MSI register block (spec-notes §6.3, EXPERIMENTAL offsets in
// spec/facts/msi-registers.ts), sharing mode: MsiVecSel selects the vector that MsiAddrLow/
// High, MsiData and the vector commands apply to — one selector and one set of address/data
// registers for the whole device. The proposal never said when address/data take effect
// (§6.5.1), so that is the profile's choice:
//  - 'live' (mmio-msi-2020, mmio-msi-masked): a write changes the selected vector's message at once;
//  - 'latched' (mmio-msi-latched): writes are staged, CONFIGURE commits them to the selected vector.

import { MMIO_MSI, MMIO_MSI_CMD, MMIO_MSI_NO_VECTOR, MMIO_MSI_STATE } from '../../../spec/facts/msi-registers.ts';
import type { MsiMessage } from '../../../spec/facts/msi-message.ts';
import { type DeviceMsiVectors, UNMAPPED } from './msi-vectors.ts';
import type { MsiRegisterBlock } from './msi-block.ts';

export class MmioMsiBlock implements MsiRegisterBlock {
  /** MsiVecSel: one per device, shared by every CPU that programs a vector (§6.5.2). */
  private vecSel = 0;
  /** The address/data registers (latched: staged until CONFIGURE). */
  private staged: { addrLo: number; addrHi: number; data: number } = { addrLo: 0, addrHi: 0, data: 0 };

  constructor(readonly vectors: DeviceMsiVectors, private readonly commit: 'live' | 'latched') {}

  claims(off: number): boolean {
    return off >= MMIO_MSI.MsiVecNum && off <= MMIO_MSI.MsiData;
  }

  read(off: number): number {
    switch (off) {
      case MMIO_MSI.MsiVecNum: return this.vectors.entries.length;
      case MMIO_MSI.MsiState: return (this.vectors.enabled ? MMIO_MSI_STATE.ENABLED : 0) | MMIO_MSI_STATE.SHARING;
      default: return 0; // write-only
    }
  }

  write(off: number, value: number, queueSel: number): void {
    switch (off) {
      case MMIO_MSI.MsiVecSel: this.vecSel = value >>> 0; return;
      case MMIO_MSI.MsiAddrLow: this.set({ addrLo: value >>> 0 }); return;
      case MMIO_MSI.MsiAddrHigh: this.set({ addrHi: value >>> 0 }); return;
      case MMIO_MSI.MsiData: this.set({ data: value >>> 0 }); return;
      case MMIO_MSI.MsiCmd: this.command(value, queueSel); return;
      default: return;
    }
  }

  /** An address/data write: live, it is the selected vector's message now — a half-written pair included. */
  private set(part: Partial<MsiMessage>): void {
    this.staged = { ...this.staged, ...part };
    if (this.commit !== 'live') return;
    const e = this.vectors.entries[this.vecSel];
    if (e) this.vectors.commit(this.vecSel, { ...e.msg, ...part }, false);
  }

  private command(cmd: number, queueSel: number): void {
    const sel = this.vecSel;
    const v = this.vectors;
    switch (cmd) {
      case MMIO_MSI_CMD.ENABLE: v.enabled = true; return;
      case MMIO_MSI_CMD.DISABLE: v.enabled = false; return;
      case MMIO_MSI_CMD.CONFIGURE: if (this.commit === 'latched' && v.valid(sel)) v.commit(sel, { ...this.staged }, true); return;
      case MMIO_MSI_CMD.MASK: v.setMask(sel, true); return;
      case MMIO_MSI_CMD.UNMASK: v.setMask(sel, false); return;
      case MMIO_MSI_CMD.MAP_CONFIG: v.map('config', -1, this.entryOf(sel)); return;
      case MMIO_MSI_CMD.MAP_QUEUE: v.map('queue', queueSel, this.entryOf(sel)); return;
      default: return;
    }
  }

  /** MsiVecSel as a mapping target: NO_VECTOR (or an absent vector) unmaps. */
  private entryOf(sel: number): number {
    return sel === MMIO_MSI_NO_VECTOR || !this.vectors.valid(sel) ? UNMAPPED : sel;
  }
}
