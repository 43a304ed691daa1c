// Choice sources: the only nondeterminism of a run. At each step with more than one
// enabled choice the kernel asks its source for an index; the indices form the path.

import { Prng } from './prng.ts';

/**
 * What an enabled choice does: step a process, commit its oldest buffered store, interrupt
 * it, or (PSO) commit a younger store ahead of older ones.
 */
export const enum ChoiceKind { Step = 0, Flush = 1, Interrupt = 2, FlushReordered = 3 }

/**
 * Choice codes are `context << 12 | kind << 10 | processIndex`; sources that care (PCT)
 * decode them. `context` numbers the nested contexts a process has entered (interrupt
 * handlers, trapped exits), so each is an agent of its own, as a new thread is in PCT.
 */
export function choiceCode(kind: ChoiceKind, proc: number, context = 0): number {
  return (context << 12) | (kind << 10) | proc;
}
export function choiceKind(code: number): ChoiceKind {
  return ((code >> 10) & 3) as ChoiceKind;
}
/**
 * An in-order store-buffer flush: PCT ranks them below processes. A reordered flush (PSO)
 * ranks as an agent of its own, so stores pass each other as eagerly as processes run.
 */
function isFlush(code: number): boolean {
  return choiceKind(code) === ChoiceKind.Flush;
}
export function choiceProc(code: number): number {
  return code & 1023;
}

export interface ChoiceSource {
  /** Pick an index in [0, n) among `codes[0..n)`; called only when n > 1. */
  choose(codes: Int32Array, n: number, step: number): number;
}

/**
 * Reads a fixed list of integers modulo the number of enabled choices, then 0 once the
 * list runs out. This is both replay (a recorded path) and the fast-check source: a
 * shrunk array is still a valid schedule, so failing schedules shrink.
 */
export class ArrayChoiceSource implements ChoiceSource {
  private pos = 0;
  constructor(private readonly values: readonly number[]) {}
  choose(_codes: Int32Array, n: number): number {
    if (this.pos >= this.values.length) return 0;
    return (this.values[this.pos++] ?? 0) % n;
  }
}

/** Uniformly random among the enabled choices: the baseline PCT must beat. */
export class RandomChoiceSource implements ChoiceSource {
  private readonly prng: Prng;
  constructor(seed: number) {
    this.prng = new Prng(seed);
  }
  choose(_codes: Int32Array, n: number): number {
    return this.prng.below(n);
  }
}

export interface PctOptions {
  /** Bug depth d: d − 1 priority change points (most lost-interrupt bugs are depth 2). */
  readonly depth: number;
  /** Expected number of choice steps k, to place change points in [0, k). */
  readonly expectedSteps: number;
}

/**
 * PCT (Burckhardt et al., ASPLOS 2010): every agent (a process, its store buffer, its
 * interrupt input) gets a distinct random priority; the highest-priority enabled agent
 * runs; at each of d − 1 random change points the running agent drops below all others.
 * Finds a depth-d bug with probability ≥ 1/(n·k^(d−1)) per run.
 */
export class PctChoiceSource implements ChoiceSource {
  private readonly prng: Prng;
  private readonly priority = new Map<number, number>();
  private readonly changePoints: number[];
  private lowered = 0;
  constructor(seed: number, private readonly options: PctOptions) {
    this.prng = new Prng(seed);
    this.changePoints = [];
    for (let i = 1; i < options.depth; i++) this.changePoints.push(this.prng.below(Math.max(1, options.expectedSteps)));
    this.changePoints.sort((a, b) => a - b);
  }
  private priorityOf(code: number): number {
    let p = this.priority.get(code);
    if (p === undefined) {
      // Fresh agents get a random priority above the change-point band [0, depth). Store
      // buffers start in a band below every process, so buffered stores linger until a
      // fence, a locked op or a change point lets them out: weak behaviours are the default.
      const band = isFlush(code) ? 0 : 1 << 12;
      p = this.options.depth + 1 + band + this.prng.below(1 << 11);
      this.priority.set(code, p);
    }
    return p;
  }
  choose(codes: Int32Array, n: number, step: number): number {
    let best = 0;
    let bestP = -1;
    for (let i = 0; i < n; i++) {
      const p = this.priorityOf(codes[i]!);
      if (p > bestP) { bestP = p; best = i; }
    }
    while (this.lowered < this.changePoints.length && this.changePoints[this.lowered]! <= step) {
      // Change point: the agent about to run drops to the lowest band.
      this.priority.set(codes[best]!, this.changePoints.length - this.lowered);
      this.lowered++;
      bestP = -1;
      for (let i = 0; i < n; i++) {
        const p = this.priorityOf(codes[i]!);
        if (p > bestP) { bestP = p; best = i; }
      }
    }
    return best;
  }
}

/** Records every choice a run makes, so it can be replayed exactly. */
export class RecordingChoiceSource implements ChoiceSource {
  readonly path: number[] = [];
  constructor(private readonly inner: ChoiceSource) {}
  choose(codes: Int32Array, n: number, step: number): number {
    const c = this.inner.choose(codes, n, step);
    this.path.push(c);
    return c;
  }
}

/**
 * PCT with explicit parameters instead of a seed: `priorities[i]` is the priority of the
 * i-th agent in order of first appearance, and at each step in `changePoints` the agent
 * about to run drops below all others. Plain data, so fast-check can generate and shrink
 * it (fewer change points, earlier steps, flatter priorities).
 */
export class ScriptedPctSource implements ChoiceSource {
  private readonly order = new Map<number, number>();
  private readonly lowered = new Map<number, number>();
  private nextChange = 0;
  private readonly changes: number[];
  constructor(private readonly priorities: readonly number[], changePoints: readonly number[]) {
    this.changes = [...changePoints].sort((a, b) => a - b);
  }
  private priorityOf(code: number): number {
    const low = this.lowered.get(code);
    if (low !== undefined) return low;
    let i = this.order.get(code);
    if (i === undefined) {
      i = this.order.size;
      this.order.set(code, i);
    }
    const p = (this.priorities[i] ?? 0) * 1024 - i; // ties: the earlier agent wins
    // Store buffers rank below every process (as in PctChoiceSource): buffered stores linger
    // until a fence, a locked op or a change point lets them out, so weak behaviours are the default.
    return isFlush(code) ? p - (1 << 24) : p;
  }
  private best(codes: Int32Array, n: number): number {
    let best = 0;
    let bestP = -Infinity;
    for (let i = 0; i < n; i++) {
      const p = this.priorityOf(codes[i]!);
      if (p > bestP) { bestP = p; best = i; }
    }
    return best;
  }
  choose(codes: Int32Array, n: number, step: number): number {
    let b = this.best(codes, n);
    while (this.nextChange < this.changes.length && this.changes[this.nextChange]! <= step) {
      this.lowered.set(codes[b]!, -1e9 - this.nextChange);
      this.nextChange++;
      b = this.best(codes, n);
    }
    return b;
  }
}
