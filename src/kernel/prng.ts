// A small seeded PRNG (mulberry32): the only source of randomness the kernel uses.
// Deterministic by construction; `Math.random` is never used in src/.

export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Next 32-bit unsigned value. */
  nextU32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return this.nextU32() % n;
  }
}

/** Derive an independent seed for run `i` of a batch seeded with `seed`. */
export function runSeed(seed: number, i: number): number {
  const p = new Prng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  return p.nextU32();
}
