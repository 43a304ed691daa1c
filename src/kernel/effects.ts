// Effects: what a simulated process yields. Each yield is one atomic, visible step
// (loom's rule: every modelled operation is a switch point), given as plain data.
// The kernel knows nothing of virtio; `site` names the place in the protocol code.

export type AccessSize = 1 | 2 | 4 | 8;
export type FenceKind = 'full' | 'wmb' | 'rmb';
export type RmwOp = 'or' | 'andNot' | 'xchg' | 'add' | 'cmpxchg';

/** Guest memory read; the kernel resumes the process with the value. */
export interface LoadEffect { readonly kind: 'load'; readonly addr: number; readonly size: AccessSize; readonly site: string }
/** Guest memory write; under TSO it enters the process's store buffer. */
export interface StoreEffect { readonly kind: 'store'; readonly addr: number; readonly size: AccessSize; readonly value: number; readonly site: string }
/**
 * A locked read-modify-write (x86 `lock or`, `xchg`, `lock cmpxchg`): atomic, drains the
 * store buffer, resumes with the old value. `cmpxchg` writes `value` only if the old value is `expected`.
 */
export interface RmwEffect { readonly kind: 'rmw'; readonly addr: number; readonly size: AccessSize; readonly op: RmwOp; readonly value: number; readonly expected: number; readonly site: string }
/** Memory barrier. Under TSO only `full` has an effect (x86 orders store→store and load→load already). */
export interface FenceEffect { readonly kind: 'fence'; readonly fence: FenceKind; readonly site: string }
/** Register read; the device's handler runs inside it, as a trapped exit does. */
export interface MmioReadEffect { readonly kind: 'mmioRead'; readonly dev: number; readonly off: number; readonly size: AccessSize; readonly site: string }
/** Register write; the handler may return a continuation that runs on the caller's context (a synchronous exit). */
export interface MmioWriteEffect { readonly kind: 'mmioWrite'; readonly dev: number; readonly off: number; readonly size: AccessSize; readonly value: number; readonly site: string }
/** Device → interrupt controller: drive a level line. */
export interface SetIrqEffect { readonly kind: 'setIrq'; readonly line: number; readonly level: 0 | 1; readonly site: string }
/** Device → interrupt controller: send a message-signalled interrupt. */
export interface SendMsiEffect { readonly kind: 'sendMsi'; readonly addr: number; readonly data: number; readonly site: string }
/**
 * Host code under the device's lock (QEMU's BQL): atomic with respect to register accesses.
 * It may change device-private state, the interrupt status and lines — never guest memory.
 */
export interface LockedEffect { readonly kind: 'locked'; readonly run: () => void; readonly site: string }
/** Block until `until()` holds (kick pending, interrupt pending, work queued). */
export interface WaitEffect { readonly kind: 'wait'; readonly until: () => boolean; readonly site: string }
/** A semantic event for the trace; not a switch point. */
export interface NoteEffect { readonly kind: 'note'; readonly note: string; readonly data: NoteData; readonly site: string }

export type NoteData = Readonly<Record<string, number | string | boolean>>;

/**
 * "Here my generator's live local state is exactly `live`": not a switch point and not
 * recorded. The exhaustive explorer fingerprints a generator by the values it was resumed
 * with; at a checkpoint that history restarts from `live`, so runs that reach the loop head
 * of a long-running process by different pasts merge (dead-variable reduction, declared).
 * Listing too little is unsound for the explorer; it changes nothing else.
 */
export interface CheckpointEffect { readonly kind: 'checkpoint'; readonly live: readonly number[]; readonly site: string }

export type Effect =
  | LoadEffect | StoreEffect | RmwEffect | FenceEffect | MmioReadEffect | MmioWriteEffect
  | SetIrqEffect | SendMsiEffect | LockedEffect | WaitEffect | NoteEffect | CheckpointEffect;

export type EffectKind = Effect['kind'];

/** What a trace records: every effect but checkpoints, which only reset the explorer's history. */
export type RecordedEffect = Exclude<Effect, CheckpointEffect>;

export const load = (addr: number, size: AccessSize, site: string): LoadEffect => ({ kind: 'load', addr, size, site });
export const store = (addr: number, size: AccessSize, value: number, site: string): StoreEffect =>
  ({ kind: 'store', addr, size, value, site });
export const rmw = (addr: number, size: AccessSize, op: Exclude<RmwOp, 'cmpxchg'>, value: number, site: string): RmwEffect =>
  ({ kind: 'rmw', addr, size, op, value, expected: 0, site });
export const cmpxchg = (addr: number, size: AccessSize, expected: number, value: number, site: string): RmwEffect =>
  ({ kind: 'rmw', addr, size, op: 'cmpxchg', value, expected, site });
export const fence = (kind: FenceKind, site: string): FenceEffect => ({ kind: 'fence', fence: kind, site });
export const mmioRead = (dev: number, off: number, site: string, size: AccessSize = 4): MmioReadEffect =>
  ({ kind: 'mmioRead', dev, off, size, site });
export const mmioWrite = (dev: number, off: number, value: number, site: string, size: AccessSize = 4): MmioWriteEffect =>
  ({ kind: 'mmioWrite', dev, off, size, value, site });
export const setIrq = (line: number, level: 0 | 1, site: string): SetIrqEffect => ({ kind: 'setIrq', line, level, site });
export const sendMsi = (addr: number, data: number, site: string): SendMsiEffect => ({ kind: 'sendMsi', addr, data, site });
export const locked = (run: () => void, site: string): LockedEffect => ({ kind: 'locked', run, site });
export const wait = (until: () => boolean, site: string): WaitEffect => ({ kind: 'wait', until, site });
export const checkpoint = (site: string, ...live: number[]): CheckpointEffect => ({ kind: 'checkpoint', live, site });
export const note = (name: string, data: NoteData, site = name): NoteEffect => ({ kind: 'note', note: name, data, site });

/**
 * A process: a synchronous generator yielding effects. The kernel resumes it with the
 * result of the effect (the loaded value, the register value, the old value of an RMW).
 */
export type Process<R = void> = Generator<Effect, R, number>;

/** The value a locked read-modify-write leaves in memory, given the old one (`cmpxchg` writes only on a match). */
export function rmwNewValue(e: RmwEffect, old: number): number {
  const mask = e.size >= 4 ? 0xffffffff : (1 << (8 * e.size)) - 1;
  switch (e.op) {
    case 'or': return (old | e.value) & mask;
    case 'andNot': return old & ~e.value & mask;
    case 'xchg': return e.value;
    case 'cmpxchg': return old === e.expected ? e.value : old;
    default: return (old + e.value) & mask;
  }
}
