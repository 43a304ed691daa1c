// Effect-level mutation operators: device and driver yield effects as data, so a fault can
// be injected by rewriting a process's effect stream, without touching its code. A mutant
// is an operator applied at every execution of one site (as a source mutation changes a
// line, not one run of it). Interrupt lines and vectors are driven by platform code inside
// `locked` effects and register handlers, so the operators on them act on the interrupt
// controller instead (interrupts.ts).

import { type Effect, type Process, fence } from '../kernel/index.ts';

export type OperatorName =
  /** Remove a fence. */
  | 'drop-fence'
  /** A full fence becomes a write barrier. */
  | 'weaken-fence'
  /** Remove a `locked` host section that raises an interrupt (status bit and line or vector). */
  | 'drop-notify'
  /** The section runs, but the line is not driven / the message is not sent. */
  | 'drop-raise'
  /** The line is driven on the next line (mod the lines), the message sent with the next vector. */
  | 'misroute-raise'
  /** A line update that is not a raise (the ACK's, the reset's) is not made. */
  | 'drop-line-update'
  /** A store and the memory effect right after it (another address) change places. */
  | 'swap'
  /** The load right after a fence re-reads an address: it is answered with what the frame read before. */
  | 'skip-recheck';

export const OPERATORS: readonly OperatorName[] = ['drop-fence', 'weaken-fence', 'drop-notify', 'drop-raise', 'misroute-raise', 'drop-line-update', 'swap', 'skip-recheck'];

export interface Mutant {
  readonly operator: OperatorName;
  /** The site acted on: a fence, a locked section, an interrupt drive or send; the store of a swap; the fence before a re-check. */
  readonly site: string;
  /** `swap`: the site of the effect after the store; `skip-recheck`: the re-check load's site. */
  readonly second?: string;
}

/** How often a mutant changed something (0 over a whole search: never exercised). */
export interface FireCount {
  fired: number;
}

export function mutantName(m: Mutant): string {
  return m.second === undefined ? `${m.operator} ${m.site}` : `${m.operator} ${m.site} → ${m.second}`;
}

/** The operators that rewrite effect streams (the rest act on the interrupt controller). */
export function isStreamOperator(op: OperatorName): boolean {
  return op === 'drop-fence' || op === 'weaken-fence' || op === 'drop-notify' || op === 'swap' || op === 'skip-recheck';
}

/** Do two memory effects touch disjoint bytes? */
export function disjoint(a: { addr: number; size: number }, b: { addr: number; size: number }): boolean {
  return a.addr + a.size <= b.addr || b.addr + b.size <= a.addr;
}

/**
 * Run `inner` with mutant `m` applied to its effect stream. Notes and checkpoints pass
 * through (they are not switch points); a swap never moves a store past one.
 *
 * - `drop-fence` / `drop-notify`: the effect is not yielded; the frame resumes with 0.
 * - `weaken-fence`: `fence('full')` at the site is yielded as `fence('wmb')`.
 * - `swap`: the frame is resumed past the store at once (a store's result is 0); if its next
 *   effect is a load or store at `second` on other bytes, that one is yielded first. The
 *   frame's private code between the two moves before the store, as a compiler's would.
 *   Only store-first pairs: a load's value must be known before the frame can go on.
 * - `skip-recheck`: the load at `second` right after the fence at `site`, of an address this
 *   frame has read (or written) before, is not performed: it is answered with that earlier
 *   value, so the re-check learns nothing the frame did not know before its barrier.
 */
export function* mutateStream(inner: Process, m: Mutant, count: FireCount): Process {
  let input = 0;
  let ahead: IteratorResult<Effect, void> | undefined;
  let afterFence: string | undefined; // the site of the previous switch point, when it was a fence
  const known = m.operator === 'skip-recheck' ? new Map<number, number>() : undefined;
  for (;;) {
    const r = ahead ?? inner.next(input);
    ahead = undefined;
    if (r.done) return;
    const e = r.value;
    if (e.kind === 'note' || e.kind === 'checkpoint') {
      input = yield e;
      continue;
    }
    const prevFence = afterFence;
    afterFence = e.kind === 'fence' ? e.site : undefined;
    if (e.site === m.site) {
      if (m.operator === 'drop-fence' && e.kind === 'fence') { count.fired++; input = 0; continue; }
      if (m.operator === 'weaken-fence' && e.kind === 'fence' && e.fence === 'full') { count.fired++; input = yield fence('wmb', e.site); continue; }
      if (m.operator === 'drop-notify' && e.kind === 'locked') { count.fired++; input = 0; continue; }
      if (m.operator === 'swap' && e.kind === 'store') {
        const n = inner.next(0);
        const b = n.done ? undefined : n.value;
        if (b && (b.kind === 'load' || b.kind === 'store') && b.site === m.second && disjoint(e, b)) {
          count.fired++;
          afterFence = undefined;
          input = yield b;
          yield e;
          continue;
        }
        yield e;
        ahead = n;
        continue;
      }
    }
    if (known) {
      if (e.kind === 'load' && e.site === m.second && prevFence === m.site && known.has(e.addr)) {
        count.fired++;
        input = known.get(e.addr)!;
        continue;
      }
      input = yield e;
      if (e.kind === 'load') known.set(e.addr, input);
      else if (e.kind === 'store') known.set(e.addr, e.value);
      continue;
    }
    input = yield e;
  }
}
