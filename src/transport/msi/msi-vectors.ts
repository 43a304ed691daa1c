// The device side of message-signalled interrupts, common to every profile: a table of
// vectors (each a message, a mask bit and a pending bit, after QEMU hw/pci/msix.c), the
// event → vector mapping (config, one per queue), and `raise`, which QEMU's `msix_notify`
// is: a masked vector sets its pending bit and sends nothing; unmasking it with the bit set
// sends once, to the message current at unmask time (`msix_handle_mask_update`, spec-notes §5.3).
// How the driver reaches this state — live, staged or masked register writes — is the
// register block's business (mmio-msi-block.ts, pci-msix-block.ts).

import type { World } from '../../kernel/index.ts';
import { note } from '../../kernel/index.ts';
import type { LocalApics } from '../../platform/local-apic.ts';
import type { MsiMessage } from '../../../spec/facts/msi-message.ts';

export type { MsiProfile } from '../../../spec/facts/msi-registers.ts';

/** An unmapped event (both NO_VECTOR encodings, 0xffff and 0xffffffff, read back per profile). */
export const UNMAPPED = -1;

export interface MsiEntry {
  /** The message the device sends (committed). */
  msg: MsiMessage;
  masked: boolean;
  pending: boolean;
  /** What the pending bit holds: a used-buffer event (for the trace's metrics), else a config change only. */
  pendingVring: boolean;
}

const ZERO: MsiMessage = { addrLo: 0, addrHi: 0, data: 0 };

export class DeviceMsiVectors {
  /** MSI on (MsiCmd ENABLE / MSI-X Enable): InterruptStatus and the line are not used (§6.3, PCI-DRV-4). */
  enabled = false;
  readonly entries: MsiEntry[];
  configEntry = UNMAPPED;
  readonly queueEntry: number[];

  /**
   * `resetEntry`: where every event points after reset — UNMAPPED (PCI-DEV-4), or entry 0 in
   * BZ-KVT-02. `maskedAtReset`: PCI masks every entry at reset (QEMU `msix_reset`).
   */
  constructor(
    private readonly world: World,
    private readonly apic: LocalApics,
    count: number,
    queueCount: number,
    private readonly opts: { readonly resetEntry: number; readonly maskedAtReset: boolean },
  ) {
    this.entries = Array.from({ length: count }, () => ({ msg: ZERO, masked: opts.maskedAtReset, pending: false, pendingVring: false }));
    this.queueEntry = new Array(queueCount).fill(opts.resetEntry);
    this.configEntry = opts.resetEntry;
  }

  private emit(name: string, data: Record<string, number | string | boolean>): void {
    this.world.emit(this.world.current, note(name, data));
  }

  /** A valid entry number (for mapping writes): else the mapping fails and reads NO_VECTOR (PCI-DEV-5). */
  valid(entry: number): boolean {
    return entry >= 0 && entry < this.entries.length;
  }

  /** An event happened (inside the device's locked section): `msix_notify` on its entry. */
  raise(kind: 'vring' | 'config', queue: number): void {
    const entry = kind === 'config' ? this.configEntry : this.queueEntry[queue] ?? UNMAPPED;
    if (entry === UNMAPPED) {
      this.emit('dev.msiNoVector', { kind, q: queue }); // PCI-DEV-6/7: no interrupt for an unmapped event
      return;
    }
    const e = this.entries[entry]!;
    if (e.masked) {
      e.pending = true; // PBA: remembered, sent on unmask
      e.pendingVring ||= kind === 'vring';
      this.emit('dev.msiPending', { entry, kind, q: queue });
      return;
    }
    this.send(entry, `dev.msi_${kind}`, kind === 'vring');
  }

  /** `vring`: the message carries a used-buffer event (a config-only message is no used-buffer interrupt in the metrics). */
  private send(entry: number, site: string, vring: boolean): void {
    const m = this.entries[entry]!.msg;
    this.emit('dev.msiSend', { entry, vring });
    this.apic.send(m.addrLo, m.addrHi, m.data, site);
  }

  /** The message an entry sends changes: `whole` — all of it at once (a commit), else one live word. */
  commit(entry: number, msg: MsiMessage, whole: boolean): void {
    const e = this.entries[entry];
    if (!e) return;
    e.msg = msg;
    this.emit('dev.msiCommit', { entry, addrLo: msg.addrLo, addrHi: msg.addrHi, data: msg.data, whole });
  }

  /** Mask or unmask; unmasking with the pending bit set sends now, to the current message. */
  setMask(entry: number, masked: boolean): void {
    const e = this.entries[entry];
    if (!e || e.masked === masked) return;
    e.masked = masked;
    this.emit('dev.msiMask', { entry, masked });
    if (!masked && e.pending) {
      e.pending = false;
      this.send(entry, 'dev.msi_unmask_pending', e.pendingVring);
      e.pendingVring = false;
    }
  }

  map(kind: 'config' | 'queue', queue: number, entry: number): void {
    if (kind === 'config') this.configEntry = entry;
    else if (queue >= 0 && queue < this.queueEntry.length) this.queueEntry[queue] = entry;
    this.emit('dev.msiMap', { kind, q: queue, entry });
  }

  reset(): void {
    this.emit('dev.msiReset', { masked: this.opts.maskedAtReset, vectors: this.entries.length });
    this.enabled = false;
    for (const e of this.entries) { e.msg = ZERO; e.masked = this.opts.maskedAtReset; e.pending = false; e.pendingVring = false; }
    this.queueEntry.fill(this.opts.resetEntry);
    this.configEntry = this.opts.resetEntry;
  }
}
