// Decode raw trace records into protocol events: register accesses become status,
// feature, queue and interrupt events (by offset, §4.2.2 / §4.2.4); memory becomes
// committed writes (a TSO store counts when it is flushed); device notes pass through.
// Loads and issued stores are kept too, attributed to a side by their site's prefix
// ('dev.' / 'drv.'): the suppression oracles judge what each side read before it decided.

import { type KernelRecord, type NoteData, rmwNewValue } from '../kernel/index.ts';
import { MMIO, MMIO_LEGACY } from '../../spec/facts/mmio-registers.ts';

/** Which side of the protocol performed an access (from its site: `dev.…`, `drv.…`). */
export type Side = 'dev' | 'drv' | 'other';

export function sideOf(site: string): Side {
  return site.startsWith('dev.') ? 'dev' : site.startsWith('drv.') ? 'drv' : 'other';
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
  | { readonly t: 'drv.ack'; readonly value: number }
  | { readonly t: 'drv.readIsr'; readonly value: number }
  | { readonly t: 'mem.commit'; readonly addr: number; readonly size: number; readonly value: number }
  /** A load by `side` and the value it returned (from memory or its own store buffer). */
  | { readonly t: 'mem.load'; readonly side: Side; readonly addr: number; readonly size: number; readonly value: number }
  /** A store as issued by `side` (under TSO it becomes visible later, at its `mem.commit`). */
  | { readonly t: 'mem.store'; readonly side: Side; readonly addr: number; readonly size: number; readonly value: number }
  | { readonly t: 'irq.set'; readonly line: number; readonly level: 0 | 1 }
  | { readonly t: 'note'; readonly name: string; readonly data: NoteData }
  | { readonly t: 'step'; readonly step: number }
  | { readonly t: 'quiescent' }
  | { readonly t: 'budget'; readonly step: number }
  | { readonly t: 'fault'; readonly proc: number; readonly message: string };

/**
 * Calls `emit` for the protocol events of each record, in order; a `step` event marks
 * each boundary between kernel steps (invariants that hold between atomic steps are
 * checked there). The frequent events (`step`, `mem.*`, `note`) are scratch objects
 * reused between calls: an oracle copies what it keeps.
 */
export function decodeRecords(
  records: readonly KernelRecord[],
  opts: { readonly mmioVersion: 1 | 2; readonly buffered: boolean },
  emit: (ev: ProtocolEvent, at: number) => void,
): void {
  const push = recordDecoder(opts, emit);
  for (let i = 0; i < records.length; i++) push(records[i]!, i);
}

/**
 * The same decoding one record at a time, for runs and traces too long to keep: `push`
 * each record with its index, in order.
 */
export function recordDecoder(
  opts: { readonly mmioVersion: 1 | 2; readonly buffered: boolean },
  emit: (ev: ProtocolEvent, at: number) => void,
): (r: KernelRecord, i: number) => void {
  let queueSel = 0;
  let step = -1;
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
  return (r, i) => {
    if (r.step !== step) {
      if (step >= 0) { stepEv.step = step; emit(stepEv, i); }
      step = r.step;
    }
    switch (r.kind) {
      case 'effect': {
        const e = r.effect;
        switch (e.kind) {
          case 'load':
            if (r.result !== undefined) emitAccess('mem.load', e.site, e.addr, e.size, r.result, i);
            break;
          case 'store':
            emitAccess('mem.store', e.site, e.addr, e.size, e.value, i);
            if (!opts.buffered) emitCommit(e.addr, e.size, e.value, i);
            break;
          case 'rmw':
            if (r.result !== undefined) emitCommit(e.addr, e.size, rmwNewValue(e, r.result), i);
            break;
          case 'mmioWrite': {
            if (e.off === MMIO.QueueSel) queueSel = e.value;
            const ev = decodeWrite(e.off, e.value, queueSel, opts.mmioVersion);
            if (ev) emit(ev, i);
            break;
          }
          case 'mmioRead': {
            if (e.off === MMIO.Status && r.result !== undefined) emit({ t: 'drv.readStatus', value: r.result & 0xff }, i);
            else if (e.off === MMIO.DeviceFeatures && r.result !== undefined) emit({ t: 'drv.readDeviceFeatures', value: r.result }, i);
            else if (e.off === MMIO.InterruptStatus && r.result !== undefined) emit({ t: 'drv.readIsr', value: r.result }, i);
            break;
          }
          case 'setIrq':
            emit({ t: 'irq.set', line: e.line, level: e.level }, i);
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
    case MMIO.QueueReady: return version === 2 && value === 1 ? { t: 'drv.queueSetup', queue: queueSel } : undefined;
    case MMIO_LEGACY.QueuePFN: return version === 1 && value !== 0 ? { t: 'drv.queueSetup', queue: queueSel } : undefined;
    default: return undefined;
  }
}
