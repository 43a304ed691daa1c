// A fingerprint of a simulation's state between two steps, for the exhaustive explorer's
// visited set. Two runs that reach equal fingerprints continue identically, so the
// explorer follows only the first.
//
// What is hashed:
//  - guest memory, byte for byte, and every store buffer's entries (TSO);
//  - each process: done, and for each generator on its stack (body, interrupt handler,
//    trapped exit) the pending effect and a hash of every value it was resumed with. A
//    generator's local variables are a function of those values, so equal histories mean
//    equal locals — and a handler that returned leaves nothing behind, so interleavings that
//    differ only in where an interrupt came in merge again;
//  - the JavaScript state of device, transport, driver and interrupt controller, walked
//    structurally (class fields, arrays, maps, typed arrays). Functions, generators and the
//    world itself are skipped; so are pure metric counters, which never steer behaviour.
//
// The soundness condition, stated where the code depends on it: a process may keep in a
// local variable only what it got from an effect or from its own private state. Code that
// copies shared JavaScript state into a local and holds it across a yield defeats the
// history hash; the reference device and driver do not (the exhaustive tests cross-check
// verdicts and reachable end states against the merge-free enumeration).

import type { World } from '../kernel/index.ts';

/**
 * Fields left out: metrics (they only count, and would split equal states) and constant
 * configuration fixed when the world is built (effect site labels, options, quirks).
 */
const SKIPPED_FIELDS = new Set(['delivered', 'handlerCalls', 'spuriousHandlerCalls', 'kicks', 'interrupts', 'metrics', 'sites', 'config', 'quirks', 'options', 'net']);

/** Two independent 32-bit FNV-1a streams: a 64-bit fingerprint. */
class Hasher {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x5bd1e995;
  int(v: number): void {
    // Numbers are mixed as two 32-bit halves so large values (addresses, 64-bit) count fully.
    const lo = v | 0;
    const hi = Math.floor(v / 0x1_0000_0000) | 0;
    this.a = Math.imul(this.a ^ lo, 0x01000193);
    this.b = Math.imul(this.b ^ lo, 0x5bd1e995) ^ (this.b >>> 15);
    this.a = Math.imul(this.a ^ hi, 0x01000193);
    this.b = Math.imul(this.b ^ hi, 0x5bd1e995) ^ (this.b >>> 15);
  }
  str(s: string): void {
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
    this.int(s.length);
  }
  words(w: Int32Array): void {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < w.length; i++) {
      const x = w[i]!;
      a = Math.imul(a ^ x, 0x01000193);
      b = Math.imul(b ^ x, 0x5bd1e995) ^ (b >>> 15);
    }
    this.a = a;
    this.b = b;
  }
  get value(): string {
    return (this.a >>> 0).toString(36) + ':' + (this.b >>> 0).toString(36);
  }
}

function isGenerator(v: object): boolean {
  return typeof (v as { next?: unknown }).next === 'function' && typeof (v as { throw?: unknown }).throw === 'function';
}

/** Structural hash of plain JavaScript state; `skip` objects (the world) are left out. */
function hashValue(h: Hasher, v: unknown, seen: Map<object, number>, skip: ReadonlySet<object>): void {
  switch (typeof v) {
    case 'number': h.int(1); h.int(v); return;
    case 'boolean': h.int(v ? 3 : 2); return;
    case 'string': h.int(4); h.str(v); return;
    case 'bigint': h.int(5); h.str(v.toString(16)); return;
    case 'undefined': h.int(6); return;
    case 'function': case 'symbol': return;
    default: break;
  }
  if (v === null) { h.int(7); return; }
  const o = v as object;
  if (skip.has(o) || isGenerator(o)) return;
  const id = seen.get(o);
  if (id !== undefined) { h.int(8); h.int(id); return; } // shared or cyclic: by identity of first visit
  seen.set(o, seen.size);
  if (ArrayBuffer.isView(o)) {
    const bytes = o.byteLength;
    const words = new Int32Array(o.buffer, o.byteOffset, bytes >> 2);
    h.int(9); h.words(words);
    for (let i = words.length * 4; i < bytes; i++) h.int(new Uint8Array(o.buffer, o.byteOffset + i, 1)[0]!);
    return;
  }
  if (Array.isArray(o)) {
    h.int(10); h.int(o.length);
    for (const x of o) hashValue(h, x, seen, skip);
    return;
  }
  if (o instanceof Map) {
    h.int(11); h.int(o.size);
    for (const [k, x] of o) { hashValue(h, k, seen, skip); hashValue(h, x, seen, skip); }
    return;
  }
  if (o instanceof Set) {
    h.int(12); h.int(o.size);
    for (const x of o) hashValue(h, x, seen, skip);
    return;
  }
  // Fields by position: objects of one class list their fields in the same order.
  const keys = Object.keys(o);
  h.int(13); h.int(keys.length);
  for (const k of keys) {
    if (SKIPPED_FIELDS.has(k)) continue;
    hashValue(h, (o as Record<string, unknown>)[k], seen, skip);
  }
}

/** The fingerprint of `world` plus the JavaScript state reachable from `roots`. */
export function fingerprint(world: World, roots: readonly object[]): string {
  const h = new Hasher();
  for (const p of world.procs) {
    h.int(p.done ? 1 : 0);
    h.int(p.frames.length);
    for (const f of p.frames) {
      h.int(f.history);
      h.int(f.line);
      if (f.pending) h.str(f.pending.site);
    }
    h.int(p.buffer.length);
    for (const e of p.buffer.entries) { h.int(e.addr); h.int(e.size); h.int(e.value); }
    for (const epoch of p.buffer.epochs) h.int(epoch); // PSO: which entries may pass which
  }
  const seen = new Map<object, number>();
  const skip = new Set<object>([world]);
  for (const r of roots) hashValue(h, r, seen, skip);
  return h.value;
}
