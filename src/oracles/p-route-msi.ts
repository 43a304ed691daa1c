// P-ROUTE for message-signalled interrupts (spec-notes §5, §6.3–6.5; PCI-DEV-4/6/7,
// MMIO-MSI-DEV-1..3, MMIO-MSI-DRV-1): judged at the send, not only by the lost interrupt a
// misroute may cause later.
//  - A message sent is one the driver fully programmed for some vector: while an update is
//    under way the old or the new message, never a mix of their address and data (torn).
//  - It serves an event that asked for it: when the device's last decisions owe an
//    interrupt (a used-buffer verdict on vq q, `vring_need_event`/flags as the device read
//    them; a configuration change), the message sent is the one of a vector such an event is
//    mapped to. A send for an event whose vector is NO_VECTOR is reported as such.
//  - A message the platform drops (no handler owns its (cpu, vector)) is a misdelivery.
//  - With MSI on, the driver neither reads InterruptStatus nor writes InterruptACK (MMIO-MSI-DRV-2, PCI-DRV-4).
//  - The device keeps its own vectors as the msi-vector statechart says: a send is the
//    vector's committed message and never while masked; an unmask with the pending bit set
//    sends once (judged from the device's notes, msi-vector-models.ts).
// The driver's intent is what it notes (`drv.msiProgram` begin/end, `drv.msiMap`); the device's
// decisions are read from the ring traffic, as P-IRQ-MUST reads them.

import { vringNeedEvent } from '../../spec/formulas.ts';
import { VIRTQ_AVAIL_F_NO_INTERRUPT } from '../../spec/facts/split-ring-layout.ts';
import { type MsiMessage, msiEqual, msiText } from '../../spec/facts/msi-message.ts';
import type { Oracle, OracleContext, OracleRun, SharedViews, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';
import type { RingView } from './ring-view.ts';
import { MsiVectorModels, type VectorFault } from './msi-vector-models.ts';

interface Route {
  committed: MsiMessage | undefined;
  inflight: MsiMessage | undefined;
  /** Messages this vector had before (for the explanation: a stale message is a lost update). */
  readonly superseded: MsiMessage[];
}

/** An event the device owes an interrupt for: a queue, or the configuration (−1). */
const CONFIG = -1;
const eventName = (ev: number): string => (ev === CONFIG ? 'the config change' : `vq${ev}`);

class RouteRun implements OracleRun {
  readonly violations: Violation[] = [];
  private on = false;
  private readonly routes = new Map<number, Route>();
  /** Event (queue, or CONFIG) → vector entry, as the driver mapped it; absent = NO_VECTOR. */
  private readonly mapping = new Map<number, number>();
  /** Events the device's decisions owe an interrupt, and where each was decided. */
  private readonly owed = new Map<number, number>();
  private readonly published = new Map<number, number>();
  private readonly checked = new Map<number, number>();
  private lastSendReported = -1;
  private lastSend: { at: number; msg: MsiMessage } | undefined;
  private readonly vectors = new MsiVectorModels();

  constructor(private readonly rings: RingView) {}

  private report(at: number, requirements: string[], summary: string, explanation: string): void {
    if (this.violations.length < 8) this.violations.push({ property: 'P-ROUTE', requirements, at, summary, explanation });
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    switch (ev.t) {
      case 'drv.writeStatus':
        if (ev.value === 0) { this.on = false; this.routes.clear(); this.mapping.clear(); } // reset: every event unmapped (PCI-DEV-4)
        return;
      case 'mem.store': this.onPublish(ev.side, ev.value); return;
      case 'mem.load': this.onDecision(ev.side, ev.value, at); return;
      case 'drv.readIsr': case 'drv.ack':
        // MMIO-MSI-DRV-2 / PCI-DRV-4: with MSI on, the handler neither reads nor acks InterruptStatus.
        if (this.on) this.report(at, ['MMIO-MSI-DRV-2', 'PCI-DRV-4'], `the driver ${ev.t === 'drv.ack' ? 'wrote InterruptACK' : 'read InterruptStatus'} with MSI enabled`,
          'Let MSI be enabled. Then the device signals by message and does not set InterruptStatus, and the driver must not touch it (the read has side effects on PCI). However it did.');
        return;
      case 'msi.send': this.onSend({ addrLo: ev.addr % 0x1_0000_0000, addrHi: Math.floor(ev.addr / 0x1_0000_0000), data: ev.data }, at); return;
      case 'note': this.onNote(ev.name, ev.data, at); return;
      default: return;
    }
  }

  private onNote(name: string, d: Readonly<Record<string, number | string | boolean>>, at: number): void {
    if (name.startsWith('dev.msi')) this.deviceFault(this.vectors.onNote(name, d), at);
    switch (name) {
      case 'drv.msiEnabled': this.on = true; return;
      case 'drv.msiMap': this.mapping.set(d.kind === 'config' ? CONFIG : Number(d.q), Number(d.entry)); return;
      case 'drv.msiProgram': {
        const entry = Number(d.entry);
        const msg = { addrLo: Number(d.addrLo), addrHi: Number(d.addrHi), data: Number(d.data) };
        const r = this.routes.get(entry) ?? { committed: undefined, inflight: undefined, superseded: [] };
        if (d.phase === 'begin') r.inflight = msg;
        else { if (r.committed) r.superseded.push(r.committed); r.committed = msg; r.inflight = undefined; }
        this.routes.set(entry, r);
        return;
      }
      case 'dev.configChange': if (!this.owed.has(CONFIG)) this.owed.set(CONFIG, at); return;
      case 'dev.reset': this.owed.clear(); this.published.clear(); this.checked.clear(); return;
      case 'apic.spuriousVector':
        if (this.lastSend && this.lastSendReported === this.lastSend.at) return; // already judged at its send
        this.report(at, ['MMIO-MSI-DRV-1'], `an interrupt message went to no handler (${String(d.reason)})`,
          'Let a vector be programmed and its (cpu, vector) registered by the driver. Then every message the device sends lands on a handler. ' +
          'However the local APIC found none: the interrupt is lost (a spurious APIC vector).');
        return;
      default: return;
    }
  }

  /** The device publishes used entries on a queue (its used.idx store). */
  private onPublish(side: string, value: number): void {
    const f = this.rings.current;
    if (side !== 'dev' || !f || f.field !== 'usedIdx') return;
    this.published.set(f.q, value);
  }

  /** The device reads used_event (EVENT_IDX) or avail.flags after publishing: its notify verdict. */
  private onDecision(side: string, value: number, at: number): void {
    const f = this.rings.current;
    if (side !== 'dev' || !f) return;
    const eventIdx = this.rings.eventIdx;
    if (f.field !== (eventIdx ? 'usedEvent' : 'availFlags')) return;
    const rings = this.rings.queues.get(f.q);
    const idx = this.published.get(f.q) ?? 0;
    const old = this.checked.get(f.q) ?? 0;
    if (!rings || idx === old) return;
    this.checked.set(f.q, idx);
    const needs = eventIdx ? vringNeedEvent(value, idx, old, rings.width) : (value & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
    if (needs && !this.owed.has(f.q)) this.owed.set(f.q, at);
  }

  /** Entries whose programmed message (old or new) this is. */
  private entriesOf(msg: MsiMessage): number[] {
    const out: number[] = [];
    for (const [entry, r] of this.routes) {
      if ((r.committed && msiEqual(r.committed, msg)) || (r.inflight && msiEqual(r.inflight, msg))) out.push(entry);
    }
    return out;
  }

  private routeText(entry: number): string {
    const r = this.routes.get(entry);
    if (!r) return `vector ${entry}: never programmed`;
    return `vector ${entry}: ${r.committed ? msiText(r.committed) : 'unprogrammed'}${r.inflight ? ` → ${msiText(r.inflight)} under way` : ''}`;
  }

  /** The device broke its own vector's rules (the statechart rejected the event). */
  private deviceFault(f: VectorFault | undefined, at: number): void {
    if (!f) return;
    const what = f.event.type === 'dev.send'
      ? (f.state === 'masked' ? `sent vector ${f.entry}'s message while it was masked` : `sent ${msiText(f.event)} for vector ${f.entry}, whose message is ${msiText(f.committed)}`)
      : `${f.event.type} on vector ${f.entry} in state ${f.state}`;
    this.report(at, ['MMIO-MSI-DEV-3'], `the device ${what}`,
      `Let vector ${f.entry} be ${f.state} with message ${msiText(f.committed)}. Then a masked vector only sets its pending bit, and a send is the committed message (QEMU msix_notify, spec-notes §5.3). ` +
      `However the device did ${f.event.type}.`);
  }

  private onSend(msg: MsiMessage, at: number): void {
    const entry = this.vectors.sending;
    this.deviceFault(this.vectors.onSend(msg), at);
    this.lastSend = { at, msg };
    if (!this.on) {
      this.lastSendReported = at;
      this.report(at, ['MMIO-MSI-DEV-1'], `MSI ${msiText(msg)} sent before the driver enabled MSI`,
        'Let the driver not (yet) have enabled MSI. Then the device signals through InterruptStatus and its line. However it sent a message.');
      return;
    }
    const entries = this.entriesOf(msg);
    const owed = [...this.owed.keys()];
    if (entries.length === 0) {
      this.lastSendReported = at;
      const routes = [...this.routes.keys()].sort((a, b) => a - b).map((e) => this.routeText(e)).join('; ');
      const stale = [...this.routes].find(([, r]) => r.superseded.some((m) => msiEqual(m, msg)));
      if (stale) {
        this.report(at, ['MMIO-MSI-DRV-1', 'PCI-DEV-2'], `stale MSI message ${msiText(msg)}: vector ${stale[0]}'s old message, after the driver finished replacing it`,
          `Let the driver's vectors be: ${routes}. Then, once an update has ended, the device sends the new message only. ` +
          `However it sent ${msiText(msg)}, the message vector ${stale[0]} had before: the update never reached that vector — ` +
          'another CPU moved the shared selector (MsiVecSel) between this update\'s selector write and its data writes, so they landed on another vector (spec-notes §6.5.2).');
        return;
      }
      this.report(at, ['MMIO-MSI-DRV-1', 'PCI-DEV-2'], `torn MSI message ${msiText(msg)}: not a message the driver programmed for any vector`,
        `Let the driver's vectors be: ${routes}. Then the device may send, for each vector, its programmed message — the old one or, ` +
        `once under way, the new one. However it sent ${msiText(msg)} (address 0x${msg.addrLo.toString(16)}, data 0x${msg.data.toString(16)}), ` +
        'a mix of address and data no update ever wrote as a whole: the interrupt goes to a CPU or vector no handler expects (spec-notes §6.5).' +
        (entry !== undefined && this.vectors.unsafeUpdates(entry) > 0
          ? ` The device sent it for vector ${entry}, whose address/data were changed word by word while it was unmasked (${this.vectors.unsafeUpdates(entry)} such writes so far; PCIe §6.1.4.5 leaves that undefined).` : ''));
      return;
    }
    const served = owed.filter((e) => this.mapping.has(e) && entries.includes(this.mapping.get(e)!));
    if (owed.length > 0 && served.length === 0) {
      this.lastSendReported = at;
      const unmapped = owed.filter((e) => !this.mapping.has(e));
      const owedText = owed.map((e) => `${eventName(e)} (decided at #${this.owed.get(e)}, ${this.mapping.has(e) ? `vector ${this.mapping.get(e)}` : 'NO_VECTOR'})`).join(', ');
      const sentFor = [...this.mapping].filter(([, entry]) => entries.includes(entry)).map(([e]) => eventName(e)).join(', ') || 'no event';
      if (unmapped.length > 0) {
        this.report(at, unmapped.includes(CONFIG) ? ['PCI-DEV-7', 'PCI-DEV-4', 'MMIO-MSI-DEV-2'] : ['PCI-DEV-6', 'PCI-DEV-4', 'MMIO-MSI-DEV-2'],
          `NO_VECTOR fired: ${unmapped.map(eventName).join(', ')} is unmapped but the device sent vector ${entries.join('/')}'s message (${sentFor}'s)`,
          `Let the device owe an interrupt for ${owedText}. Then an event mapped to NO_VECTOR raises no interrupt at all. ` +
          `However the device sent ${msiText(msg)}, the message of vector ${entries.join('/')}, whose handler serves ${sentFor}: it will take the event for one of its own.`);
      } else {
        this.report(at, ['PCI-DRV-7', 'MMIO-MSI-DEV-3'], `misrouted interrupt: owed for ${owed.map(eventName).join(', ')}, sent on vector ${entries.join('/')} (${sentFor})`,
          `Let the device owe an interrupt for ${owedText}. Then it must send the message of the vector that event is mapped to. ` +
          `However it sent ${msiText(msg)}, vector ${entries.join('/')}'s message, whose handler serves only ${sentFor}: the owed event is not seen (its used buffers wait for another interrupt).`);
      }
    }
    for (const e of served) this.owed.delete(e);
  }

  finish(end: ProtocolEvent, at: number): void {
    if (end.t !== 'quiescent') return;
    for (const entry of this.vectors.owing()) {
      this.report(at, ['MMIO-MSI-DEV-3'], `vector ${entry} was unmasked with its pending bit set and never sent (lost interrupt)`,
        `Let an event hit vector ${entry} while it was masked: its pending bit is set. Then unmasking it sends the message once (msix_handle_mask_update). However the run went quiet without that send.`);
    }
  }
}

export const routeMsiOracle: Oracle = {
  property: 'P-ROUTE',
  description: 'an MSI goes to the vector mapped for the event that owed it, with a message the driver fully programmed; NO_VECTOR never fires',
  events: ['drv.writeStatus', 'drv.readIsr', 'drv.ack', 'mem.store', 'mem.load', 'msi.send', 'note'],
  notes: ['dev.msiReset', 'dev.msiCommit', 'dev.msiMask', 'dev.msiPending', 'dev.msiSend', 'dev.msiMap', 'dev.msiNoVector',
    'drv.msiEnabled', 'drv.msiMap', 'drv.msiProgram', 'dev.configChange', 'dev.reset', 'apic.spuriousVector'],
  memory: 'ring-fields',
  start: (_ctx: OracleContext, shared: SharedViews) => new RouteRun(shared.rings),
};
