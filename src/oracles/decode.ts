// Decode raw trace records into protocol events: register accesses become status,
// feature, queue and interrupt events (by offset, §4.2.2 / §4.2.4); memory becomes
// committed writes (a TSO store counts when it is flushed); device notes pass through.
// Loads and issued stores are kept too, attributed to a side by their site's prefix
// ('dev.' / 'drv.'): the suppression oracles judge what each side read before it decided.

import { type KernelRecord, type NoteData, rmwNewValue } from '../kernel/index.ts';
import { MMIO, MMIO_EXPERIMENTAL_LINES, MMIO_LEGACY } from '../../spec/facts/mmio-registers.ts';
import { PCI_COMMON } from '../../spec/facts/pci-registers.ts';
import { decodePciRead, decodePciWrite } from './decode-pci.ts';

/** Which side of the protocol performed an access (from its site: `dev.…`, `drv.…`). */
export type Side = 'dev' | 'drv' | 'other';

export function sideOf(site: string): Side {
  // site.startsWith('dev.') / ('drv.'), by character (this runs for every load and store).
  if (site.charCodeAt(0) !== 100 || site.charCodeAt(3) !== 46) return 'other';
  const c1 = site.charCodeAt(1);
  const c2 = site.charCodeAt(2);
  if (c1 === 101 && c2 === 118) return 'dev';
  return c1 === 114 && c2 === 118 ? 'drv' : 'other';
}

export type ProtocolEvent =
  | { readonly t: 'drv.writeStatus'; readonly value: number }
  | { readonly t: 'drv.readStatus'; readonly value: number }
  | { readonly t: 'drv.kick'; readonly queue: number }
  | { readonly t: 'drv.selectDeviceFeatures'; readonly sel: number }
  | { readonly t: 'drv.readDeviceFeatures'; readonly value: number }
  | { readonly t: 'drv.selectDriverFeatures'; readonly sel: number }
  | { readonly t: 'drv.writeDriverFeatures'; readonly value: number }
  | { readonly t: 'drv.queueSetup'; readonly queue: number }
  | { readonly t: 'drv.writeConfig'; readonly off: number }
  /** A read of device configuration space (offset from its start). */
  | { readonly t: 'drv.readConfig'; readonly off: number; readonly size: number; readonly value: number }
  /** A read of ConfigGeneration (§4.2.2): the driver's config-consistency loop (§2.5.1). */
  | { readonly t: 'drv.readGeneration'; readonly value: number }
  | { readonly t: 'drv.ack'; readonly value: number }
  | { readonly t: 'drv.readIsr'; readonly value: number }
  /** The EXPERIMENTAL per-line status/ACK registers of the multi-line proposal (packed, 2 bits per line). */
  | { readonly t: 'drv.readLineIsr'; readonly value: number }
  | { readonly t: 'drv.lineAck'; readonly value: number }
  /** Any register access by the driver, as issued (width and offset), with the value written or read. */
  | { readonly t: 'drv.mmio'; readonly write: boolean; readonly off: number; readonly size: number; readonly value: number }
  | { readonly t: 'mem.commit'; readonly addr: number; readonly size: number; readonly value: number }
  /**
   * A 16-bit load by `side` and the value it returned (from memory or its own store buffer).
   * Only 16-bit accesses are passed on: the ring fields judged by access (idx, flags,
   * used_event, avail_event) are all 16-bit, and the rest is most of the traffic.
   */
  | { readonly t: 'mem.load'; readonly side: Side; readonly addr: number; readonly size: number; readonly value: number }
  /** A 16-bit store as issued by `side` (under TSO it becomes visible later, at its `mem.commit`). */
  | { readonly t: 'mem.store'; readonly side: Side; readonly addr: number; readonly size: number; readonly value: number }
  | { readonly t: 'irq.set'; readonly line: number; readonly level: 0 | 1 }
  /** A vCPU (process `proc`) enters / leaves the handler of `line`. */
  | { readonly t: 'irq.enter'; readonly line: number; readonly proc: number }
  | { readonly t: 'irq.exit'; readonly line: number; readonly proc: number }
  /** A message-signalled interrupt as the device sent it (address: the 64-bit address as one number). */
  | { readonly t: 'msi.send'; readonly addr: number; readonly data: number }
  | { readonly t: 'note'; readonly name: string; readonly data: NoteData }
  | { readonly t: 'step'; readonly step: number }
  | { readonly t: 'quiescent' }
  | { readonly t: 'budget'; readonly step: number }
  | { readonly t: 'fault'; readonly proc: number; readonly message: string };

/** Every kind of protocol event (for oracles that read them all). */
export const EVENT_KINDS: readonly ProtocolEvent['t'][] = [
  'drv.writeStatus', 'drv.readStatus', 'drv.kick', 'drv.selectDeviceFeatures', 'drv.readDeviceFeatures', 'drv.selectDriverFeatures',
  'drv.writeDriverFeatures', 'drv.queueSetup', 'drv.writeConfig', 'drv.readConfig', 'drv.readGeneration', 'drv.ack', 'drv.readIsr', 'drv.readLineIsr', 'drv.lineAck', 'drv.mmio', 'mem.commit', 'mem.load', 'mem.store',
  'irq.set', 'irq.enter', 'irq.exit', 'msi.send', 'note', 'step', 'quiescent', 'budget', 'fault',
];

/**
 * Calls `emit` for the protocol events of each record, in order; a `step` event marks
 * the boundary after each kernel step that did more than memory traffic (invariants that
 * hold between atomic steps are checked there). The frequent events (`step`, `mem.*`, `note`) are scratch objects
 * reused between calls: an oracle copies what it keeps.
 */
export function decodeRecords(
  records: readonly KernelRecord[],
  opts: { readonly mmioVersion: 1 | 2; readonly buffered: boolean; readonly transport?: 'mmio' | 'pci' | undefined },
  emit: (ev: ProtocolEvent, at: number) => void,
): void {
  recordDecoder(opts, emit)(records, 0);
}

/**
 * The same decoding in batches, for runs and traces too long to keep: call the result with
 * each batch of records in order and the index of its first record. (Batches, not single
 * records: the loop stays inside one function, which is what keeps the checker fast.)
 */
export function recordDecoder(
  opts: { readonly mmioVersion: 1 | 2; readonly buffered: boolean; readonly transport?: 'mmio' | 'pci' | undefined },
  emit: (ev: ProtocolEvent, at: number) => void,
): (records: readonly KernelRecord[], base: number) => void {
  let queueSel = 0;
  const pci = opts.transport === 'pci';
  let step = -1;
  let control = false;
  const stepEv = { t: 'step' as const, step: 0 };
  const commit = { t: 'mem.commit' as const, addr: 0, size: 0, value: 0 };
  const noteEv: { t: 'note'; name: string; data: NoteData } = { t: 'note', name: '', data: {} };
  const access: { t: 'mem.load' | 'mem.store'; side: Side; addr: number; size: number; value: number } = { t: 'mem.load', side: 'other', addr: 0, size: 0, value: 0 };
  const emitAccess = (t: 'mem.load' | 'mem.store', site: string, addr: number, size: number, value: number, at: number) => {
    access.t = t; access.side = sideOf(site); access.addr = addr; access.size = size; access.value = value;
    emit(access, at);
  };
  const emitCommit = (addr: number, size: number, value: number, at: number) => {
    commit.addr = addr; commit.size = size; commit.value = value;
    emit(commit, at);
  };
  return (records, base) => {
    for (let k = 0; k < records.length; k++) {
      const r = records[k]!;
      const i = base + k;
      // Records come in six shapes, so `r.kind` is a megamorphic load: read it once, and
      // `step` where the shape is known (each of these three loads sees at most four shapes).
      const kind = r.kind;
      const rStep = kind === 'effect' ? r.step : kind === 'flush' ? r.step : r.step;
      if (rStep !== step) {
        // Only after steps that did more than memory traffic: nothing a step-boundary
        // invariant reads (lines, InterruptStatus, registers) changes in the others.
        if (step >= 0 && control) { stepEv.step = step; emit(stepEv, i); }
        step = rStep;
        control = false;
      }
      switch (kind) {
        case 'effect': {
          const e = r.effect;
          if (e.kind !== 'load' && e.kind !== 'store' && e.kind !== 'fence') control = true;
          switch (e.kind) {
            case 'load':
              if (e.size === 2 && r.result !== undefined) emitAccess('mem.load', e.site, e.addr, e.size, r.result, i);
              break;
            case 'store':
              if (e.size === 2) emitAccess('mem.store', e.site, e.addr, e.size, e.value, i);
              if (!opts.buffered) emitCommit(e.addr, e.size, e.value, i);
              break;
            case 'rmw':
              if (r.result !== undefined) emitCommit(e.addr, e.size, rmwNewValue(e, r.result), i);
              break;
            case 'mmioWrite': {
              if (pci) { // PCI hook: the virtio-pci window (decode-pci.ts)
                if (e.off === PCI_COMMON.queue_select) queueSel = e.value;
                const ev = decodePciWrite(e.off, e.value, queueSel);
                if (ev) emit(ev, i);
                break;
              }
              if (e.off === MMIO.QueueSel) queueSel = e.value;
              emit({ t: 'drv.mmio', write: true, off: e.off, size: e.size, value: e.value }, i);
              const ev = decodeWrite(e.off, e.value, queueSel, opts.mmioVersion);
              if (ev) emit(ev, i);
              break;
            }
            case 'mmioRead': {
              const v = r.result;
              if (v === undefined) break; // a read whose step has not ended yet
              if (pci) { // PCI hook
                const ev = decodePciRead(e.off, e.size, v);
                if (ev) emit(ev, i);
                break;
              }
              emit({ t: 'drv.mmio', write: false, off: e.off, size: e.size, value: v }, i);
              if (e.off >= MMIO.Config) emit({ t: 'drv.readConfig', off: e.off - MMIO.Config, size: e.size, value: v }, i);
              else if (e.off === MMIO.Status) emit({ t: 'drv.readStatus', value: v & 0xff }, i);
              else if (e.off === MMIO.DeviceFeatures) emit({ t: 'drv.readDeviceFeatures', value: v }, i);
              else if (e.off === MMIO.InterruptStatus) emit({ t: 'drv.readIsr', value: v }, i);
              else if (e.off === MMIO.ConfigGeneration) emit({ t: 'drv.readGeneration', value: v }, i);
              else if (e.off === MMIO_EXPERIMENTAL_LINES.LineInterruptStatus) emit({ t: 'drv.readLineIsr', value: v }, i);
              break;
            }
            case 'setIrq':
              emit({ t: 'irq.set', line: e.line, level: e.level }, i);
              break;
            case 'sendMsi':
              emit({ t: 'msi.send', addr: e.addr, data: e.data }, i);
              break;
            case 'note':
              noteEv.name = e.note;
              noteEv.data = e.data;
              emit(noteEv, i);
              break;
            default:
              break;
          }
          break;
        }
        case 'flush':
          if (opts.buffered) emitCommit(r.addr, r.size, r.value, i);
          break;
        case 'irqEnter':
          control = true;
          emit({ t: 'irq.enter', line: r.line, proc: r.proc }, i);
          break;
        case 'irqExit':
          control = true;
          emit({ t: 'irq.exit', line: r.line, proc: r.proc }, i);
          break;
        case 'exit':
          control = true;
          break;
        case 'quiescent':
          stepEv.step = step;
          emit(stepEv, i);
          emit({ t: 'quiescent' }, i);
          break;
        case 'budget':
          emit({ t: 'budget', step: r.step }, i);
          break;
        case 'fault':
          emit({ t: 'fault', proc: r.proc, message: r.message }, i);
          break;
        default:
          break;
      }
    }
  };
}

function decodeWrite(off: number, value: number, queueSel: number, version: 1 | 2): ProtocolEvent | undefined {
  if (off >= MMIO.Config) return { t: 'drv.writeConfig', off: off - MMIO.Config };
  switch (off) {
    case MMIO.Status: return { t: 'drv.writeStatus', value: value & 0xff };
    case MMIO.QueueNotify: return { t: 'drv.kick', queue: value & 0xffff };
    case MMIO.DeviceFeaturesSel: return { t: 'drv.selectDeviceFeatures', sel: value };
    case MMIO.DriverFeaturesSel: return { t: 'drv.selectDriverFeatures', sel: value };
    case MMIO.DriverFeatures: return { t: 'drv.writeDriverFeatures', value };
    case MMIO.InterruptACK: return { t: 'drv.ack', value };
    case MMIO_EXPERIMENTAL_LINES.LineInterruptACK: return { t: 'drv.lineAck', value };
    case MMIO.QueueReady: return version === 2 && value === 1 ? { t: 'drv.queueSetup', queue: queueSel } : undefined;
    case MMIO_LEGACY.QueuePFN: return version === 1 && value !== 0 ? { t: 'drv.queueSetup', queue: queueSel } : undefined;
    default: return undefined;
  }
}
