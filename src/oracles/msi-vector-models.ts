// The device's vectors as the msi-vector statechart sees them (models/msi-vector.machine.ts),
// fed from the device's notes: each vector's committed message, mask and pending bit. What
// the statechart rejects — a send while masked, a send of anything but the committed
// message — and what it still owes at the end (an unmask with the pending bit set, never
// sent) are P-ROUTE violations of the device.

import type { SnapshotFrom } from 'xstate';
import { initialTransition } from 'xstate';
import { hasObligation, memoStepper, msiVectorMachine, type MsiVectorEvent } from '../../models/index.ts';
import type { NoteData } from '../kernel/index.ts';
import type { MsiMessage } from '../../spec/facts/msi-message.ts';

type Snapshot = SnapshotFrom<typeof msiVectorMachine>;

export interface VectorFault {
  readonly entry: number;
  readonly event: MsiVectorEvent;
  readonly state: string;
  readonly committed: MsiMessage;
}

export class MsiVectorModels {
  private readonly vectors = new Map<number, Snapshot>();
  private masked = false;
  private readonly step = memoStepper(msiVectorMachine);
  /** The vector the device is about to send for (its `dev.msiSend` note precedes the message). */
  sending: number | undefined;

  private get(entry: number): Snapshot {
    let s = this.vectors.get(entry);
    if (!s) {
      [s] = initialTransition(msiVectorMachine, { maskedAtReset: this.masked });
      this.vectors.set(entry, s);
    }
    return s;
  }

  /** Piecewise changes of an unmasked vector so far (the PCI update rule's undefined case). */
  unsafeUpdates(entry: number): number {
    return this.vectors.get(entry)?.context.unsafeUpdates ?? 0;
  }

  /** Feed a device note; returns a fault when the statechart rejects the event. */
  onNote(name: string, d: NoteData): VectorFault | undefined {
    switch (name) {
      case 'dev.msiReset': {
        // A reset (§2.4) returns every vector the device has used to its reset state (the
        // statechart's dev.reset); a change of reset profile starts the models afresh.
        const masked = d.masked === true;
        if (masked !== this.masked) {
          this.masked = masked;
          this.vectors.clear();
          return undefined;
        }
        for (const [entry, s] of this.vectors) this.vectors.set(entry, this.step(s, { type: 'dev.reset' }).snapshot);
        return undefined;
      }
      case 'dev.msiCommit':
        return this.feed(Number(d.entry), { type: 'dev.commit', addrLo: Number(d.addrLo), addrHi: Number(d.addrHi), data: Number(d.data), whole: d.whole === true });
      case 'dev.msiMask': return this.feed(Number(d.entry), { type: d.masked === true ? 'dev.mask' : 'dev.unmask' });
      case 'dev.msiPending': return this.feed(Number(d.entry), { type: 'dev.fire' });
      case 'dev.msiSend': this.sending = Number(d.entry); return undefined;
      default: return undefined;
    }
  }

  /** The message just sent, for the vector the device named. */
  onSend(msg: MsiMessage): VectorFault | undefined {
    const entry = this.sending;
    this.sending = undefined;
    return entry === undefined ? undefined : this.feed(entry, { type: 'dev.send', ...msg });
  }

  private feed(entry: number, event: MsiVectorEvent): VectorFault | undefined {
    const before = this.get(entry);
    const { snapshot, accepted } = this.step(before, event);
    this.vectors.set(entry, snapshot);
    if (accepted) return undefined;
    const c = before.context;
    return { entry, event, state: String(before.value), committed: { addrLo: c.addrLo, addrHi: c.addrHi, data: c.data } };
  }

  /** Vectors still owing a send (unmasked with the pending bit set) at the end. */
  owing(): number[] {
    return [...this.vectors].filter(([, s]) => hasObligation(s)).map(([e]) => e);
  }
}
