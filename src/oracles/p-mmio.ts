// P-MMIO: the driver's register accesses follow the virtio-mmio register table (§4.2.2.2):
// aligned 32-bit accesses below the config space, natural-width aligned ones in it
// (MMIO-DRV-2); no write to a read-only and no read of a write-only register (MMIO-DRV-1);
// a QueueSize no larger than the QueueSizeMax it read for that queue (MMIO-DRV-7); QueueSize
// and the queue address registers left alone while the queue's QueueReady is 1 (MMIO-DRV-8);
// a queue stopped (QueueReady 0) read back before the driver writes QueueSel or QueueReady
// again, or ends (MMIO-DRV-9).
// The probe (mmio-probe-rules.ts): MagicValue and Version first, then DeviceID, and a window
// to ignore left alone (MMIO-DRV-3, -4, -5, -13); no shared memory registers (MMIO-DRV-14).
// The device side: MagicValue reads "virt" (MMIO-DEV-1), Version the layout's version
// (MMIO-DEV-2). Fed by `drv.mmio` (every register access the driver issues) and the
// driver's probe notes (an error reported for a placeholder). Driver
// rules: not judged when the guest side is a harness (`judgeDriver` false).

import type { Oracle, OracleContext, OracleRun, Violation } from './types.ts';
import type { ProtocolEvent } from './decode.ts';
import { MMIO, MMIO_EXPERIMENTAL_LINES, MMIO_LEGACY, MMIO_MAGIC } from '../../spec/facts/mmio-registers.ts';
import { MmioProbeRules } from './mmio-probe-rules.ts';

/** Register names by offset, built once (names are for messages only). */
const NAMES: ReadonlyMap<number, string> = new Map(Object.entries({ ...MMIO, ...MMIO_LEGACY, ...MMIO_EXPERIMENTAL_LINES }).map(([n, o]) => [o, n]));
const name = (off: number): string => NAMES.get(off) ?? `0x${off.toString(16)}`;

/** Read-only registers of §4.2.2 (and the experimental per-line status). */
const READ_ONLY: ReadonlySet<number> = new Set([
  MMIO.MagicValue, MMIO.Version, MMIO.DeviceID, MMIO.VendorID, MMIO.DeviceFeatures, MMIO.QueueSizeMax,
  MMIO.InterruptStatus, MMIO.SHMLenLow, MMIO.SHMLenHigh, MMIO.SHMBaseLow, MMIO.SHMBaseHigh, MMIO.ConfigGeneration,
  MMIO_EXPERIMENTAL_LINES.LineInterruptStatus,
]);

/** Write-only registers of §4.2.2 and §4.2.4 (legacy). */
const WRITE_ONLY: ReadonlySet<number> = new Set([
  MMIO.DeviceFeaturesSel, MMIO.DriverFeatures, MMIO.DriverFeaturesSel, MMIO.QueueSel, MMIO.QueueSize, MMIO.QueueNotify,
  MMIO.InterruptACK, MMIO.QueueDescLow, MMIO.QueueDescHigh, MMIO.QueueDriverLow, MMIO.QueueDriverHigh,
  MMIO.QueueDeviceLow, MMIO.QueueDeviceHigh, MMIO.SHMSel, MMIO_LEGACY.GuestPageSize, MMIO_LEGACY.QueueAlign,
  MMIO_EXPERIMENTAL_LINES.LineInterruptACK,
]);

/** Registers a Version 2 driver must not write while the selected queue's QueueReady is 1 (MMIO-DRV-8). */
const QUEUE_SETUP: ReadonlySet<number> = new Set([
  MMIO.QueueSize, MMIO.QueueDescLow, MMIO.QueueDescHigh, MMIO.QueueDriverLow, MMIO.QueueDriverHigh, MMIO.QueueDeviceLow, MMIO.QueueDeviceHigh,
]);

const MAX_VIOLATIONS = 8;

class MmioRun implements OracleRun {
  readonly violations: Violation[] = [];
  private queueSel = 0;
  private readonly ready = new Set<number>();
  private readonly sizeMax = new Map<number, number>();
  /** A queue stop (QueueReady 0) not yet read back (MMIO-DRV-9). */
  private stopping: { q: number; at: number } | undefined;
  private readonly probe = new MmioProbeRules((ids, at, summary, explanation) => this.failAll(ids, at, summary, explanation));
  /** The Version the device in the window must read (MMIO-DEV-2): the run's layout, or the other layout's device. */
  private readonly deviceVersion: number;

  constructor(private readonly ctx: OracleContext) {
    this.deviceVersion = ctx.mmioSlot === 'version3' ? 3 : ctx.mmioVersion;
  }

  private fail(requirement: string, at: number, summary: string, explanation: string): void {
    this.failAll([requirement], at, summary, explanation);
  }

  private failAll(requirements: string[], at: number, summary: string, explanation: string): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push({ property: 'P-MMIO', requirements, at, summary, explanation });
  }

  onEvent(ev: ProtocolEvent, at: number): void {
    if (ev.t === 'note') {
      if (this.ctx.judgeDriver) this.probe.onProbeNote(ev.name, ev.data, at);
      return;
    }
    if (ev.t !== 'drv.mmio') return;
    const { off, size, write, value } = ev;
    // An empty window (no device decodes it) reads 0: there is no device to judge, only the driver (MMIO-DRV-3).
    if (!write && off === MMIO.MagicValue && value !== MMIO_MAGIC && this.ctx.mmioSlot !== 'empty') {
      this.fail('MMIO-DEV-1', at, `MagicValue read 0x${(value >>> 0).toString(16)}, not 0x${MMIO_MAGIC.toString(16)} ("virt")`,
        `Let the driver read MagicValue. Then a virtio-mmio device must answer 0x74726976, "virt" in little-endian (MMIO-DEV-1). However it answered 0x${(value >>> 0).toString(16)}.`);
    }
    if (!write && off === MMIO.Version && value !== this.deviceVersion && this.ctx.mmioSlot !== 'empty') {
      const v = this.deviceVersion;
      this.fail('MMIO-DEV-2', at, `Version read ${value} on a Version ${v} device`,
        `Let the device implement the Version ${v} register layout${v === 2 ? ' (a modern device)' : ''}. Then Version must read ${v} (MMIO-DEV-2). However it read ${value}.`);
    }
    // (The queue state below is tracked from a judged driver's writes only.)
    if (this.ctx.judgeDriver && !write && off === MMIO.QueueReady && this.ctx.mmioVersion === 2 && value !== 0 && !this.ready.has(this.queueSel)) {
      this.fail('MMIO-DEV-4', at, `QueueReady of vq${this.queueSel} read ${value}, but the driver has not enabled it since the reset`,
        `Let the driver reset the device (Status 0) or stop vq${this.queueSel} (QueueReady 0). Then QueueReady reads 0 until the driver writes 1 (§4.2.2.1: a reset clears every queue's QueueReady, MMIO-DEV-4). However it read ${value}: the driver takes the queue for one still in use.`);
    }
    if (!this.ctx.judgeDriver) return;
    this.probe.onAccess(off, write, value, at, name);
    if (off < MMIO.Config) {
      if (size !== 4 || off % 4 !== 0) {
        this.fail('MMIO-DRV-2', at, `driver ${write ? 'wrote' : 'read'} ${name(off)} with a ${size}-byte access (control registers take aligned 32-bit accesses only)`,
          `Let ${name(off)} be a control register (offset 0x${off.toString(16)}, below the config space at 0x100). Then the driver must access it with an aligned 32-bit access (MMIO-DRV-2). However it made a ${size}-byte ${write ? 'write' : 'read'}.`);
      }
    } else if (off % size !== 0) {
      this.fail('MMIO-DRV-2', at, `driver made a misaligned ${size}-byte ${write ? 'write' : 'read'} of ${name(off)}`,
        `Let the access be in device config space. Then it must be naturally aligned for its width (MMIO-DRV-2). However offset 0x${off.toString(16)} is not a multiple of ${size}.`);
    }
    if (write && READ_ONLY.has(off)) {
      this.fail('MMIO-DRV-1', at, `driver wrote ${name(off)}, a read-only register`,
        `Let ${name(off)} be read-only in the register table (§4.2.2). Then the driver must not write it (MMIO-DRV-1). However it wrote 0x${(value >>> 0).toString(16)} there.`);
    }
    if (!write && WRITE_ONLY.has(off)) {
      this.fail('MMIO-DRV-1', at, `driver read ${name(off)}, a write-only register`,
        `Let ${name(off)} be write-only in the register table (§4.2.2). Then the driver must not read it (MMIO-DRV-1). However it did.`);
    }
    if (!write) {
      if (off === MMIO.QueueSizeMax) this.sizeMax.set(this.queueSel, value);
      else if (off === MMIO.QueueReady && this.stopping?.q === this.queueSel) this.stopping = undefined; // the read-back
      return;
    }
    const q = this.queueSel;
    if (this.stopping && (off === MMIO.QueueSel || off === MMIO.QueueReady)) this.unsynchronisedStop(at, `wrote ${name(off)}`);
    if (this.ctx.mmioVersion === 2 && off === MMIO.QueueReady && value === 0) this.stopping = { q, at };
    if (off === MMIO.QueueSize) {
      const max = this.sizeMax.get(q);
      if (max !== undefined && value > max) {
        this.fail('MMIO-DRV-7', at, `driver wrote QueueSize ${value} for vq${q}, whose QueueSizeMax read ${max}`,
          `Let vq${q}'s QueueSizeMax read ${max}. Then the driver must write a QueueSize no larger (MMIO-DRV-7). However it wrote ${value}.`);
      }
    }
    if (this.ctx.mmioVersion === 2 && this.ready.has(q) && QUEUE_SETUP.has(off)) {
      this.fail('MMIO-DRV-8', at, `driver wrote ${name(off)} of vq${q} while its QueueReady is 1`,
        `Let vq${q} be enabled (QueueReady written 1, not since written 0 nor reset). Then the driver must leave QueueSize and the queue address registers alone (MMIO-DRV-8). However it wrote ${name(off)}.`);
    }
    switch (off) {
      case MMIO.QueueSel: this.queueSel = value; return;
      case MMIO.QueueReady: if (value === 1) this.ready.add(q); else this.ready.delete(q); return;
      case MMIO.Status: if (value === 0) { this.ready.clear(); this.sizeMax.clear(); } return;
      default: return;
    }
  }

  /** MMIO-DRV-9: a QueueReady 0 write not read back before the driver moves on to another queue register write, or ends. */
  private unsynchronisedStop(at: number, next: string): void {
    const { q, at: wroteAt } = this.stopping!;
    this.stopping = undefined;
    this.fail('MMIO-DRV-9', at, `driver stopped vq${q} (QueueReady 0 at #${wroteAt}) without reading QueueReady back`,
      `Let the driver write 0 to vq${q}'s QueueReady (#${wroteAt}). Then it must read QueueReady back to synchronise with the device before relying on the queue being stopped (MMIO-DRV-9; Linux vm_del_vq). However it ${next} first.`);
  }

  finish(_end: ProtocolEvent, at: number): void {
    if (this.stopping && this.ctx.judgeDriver) this.unsynchronisedStop(at, 'ended the run');
  }
}

export const mmioOracle: Oracle = {
  property: 'P-MMIO',
  description: 'MagicValue and Version read right (MMIO-DEV-1, -2); the driver probes MagicValue and Version, then DeviceID, and leaves a wrong, unknown-version or placeholder window alone, silently for a placeholder (MMIO-DRV-3, -4, -5, -13); it accesses registers as the virtio-mmio table says: 32-bit aligned, no write to read-only, no read of write-only, QueueSize ≤ QueueSizeMax, no queue set-up while QueueReady, no shared memory registers (MMIO-DRV-1, -2, -7, -8, -14)',
  events: ['drv.mmio', 'note'],
  notes: ['drv.probeIgnored', 'drv.probeFailed'],
  start: (ctx) => new MmioRun(ctx),
};
