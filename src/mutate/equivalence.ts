// Equivalent mutants: the ones no property can kill, decided by a rule about the operator
// and the memory model — never by "it survived". Each rule says why every execution of the
// mutant is an execution of the original (so it breaks nothing the original does not).

import type { MemoryModelName } from '../kernel/index.ts';
import type { Mutant } from './operators.ts';

export interface EquivalenceFacts {
  readonly memoryModel: MemoryModelName;
  /** Fence kinds seen at each fence site. */
  readonly fenceKinds: ReadonlyMap<string, ReadonlySet<string>>;
  /** The TSO store buffer's depth (unbounded in the variants; 1–2 only in litmus searches). */
  readonly bufferDepth: number;
  /** The effect kind at a swap's second site (load or store). */
  readonly secondKind?: (m: Mutant) => 'load' | 'store' | undefined;
}

/** The reason `m` is equivalent to the original under `facts`, or undefined when it is not known to be. */
export function equivalence(m: Mutant, facts: EquivalenceFacts): string | undefined {
  const kinds = facts.fenceKinds.get(m.site);
  if (m.operator === 'drop-fence' || m.operator === 'weaken-fence') {
    // Rule SC-FENCE: the SC kernel executes every fence as a step that changes no state;
    // removing or weakening one only removes a stutter step from some interleavings.
    if (facts.memoryModel === 'sc') return 'SC: every fence is a no-op step (no store buffer to drain); dropping or weakening it only removes a stutter step';
    // Rule TSO-WMB-RMB: x86-TSO keeps store→store and load→load order; the kernel executes
    // wmb/rmb as no-op steps, so a site where only they occur loses only a stutter step.
    if (m.operator === 'drop-fence' && kinds && !kinds.has('full')) {
      return `TSO: ${[...kinds].join('/')} is a no-op on x86-TSO (stores leave the FIFO buffer in order, loads are not reordered); dropping it removes only a stutter step`;
    }
    return undefined;
  }
  if (m.operator === 'swap' && facts.memoryModel === 'tso' && facts.bufferDepth === Infinity && facts.secondKind?.(m) === 'load') {
    // Rule TSO-STORE-LOAD: a store followed by a load of other bytes may already be reordered
    // by TSO (the store waits in the buffer while the load reads memory). A mutant run — load
    // at t1, store buffered at t2 > t1, visible at t3 — is an original run with the store
    // buffered just before t1 and still visible at t3; the buffer's order of this process's
    // stores is unchanged (no store lies between them). So every mutant execution is an
    // execution of the original: no safety property can tell them apart.
    return 'TSO: store→load reordering on other bytes is what the x86-TSO store buffer already does; every run of the mutant is a run of the original';
  }
  return undefined;
}
