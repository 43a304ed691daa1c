// Each operator rewrites an effect stream as specified (unit tests on the transformer).

import { describe, expect, it } from 'vitest';
import { type Effect, type Process, fence, load, locked, note, store } from '../kernel/index.ts';
import { type Mutant, mutateStream } from './operators.ts';

/** A frame that yields `effects` in order and records what it was resumed with. */
function frame(effects: readonly Effect[], resumed: number[]): Process {
  return (function* () {
    for (const e of effects) resumed.push(yield e);
  })();
}

/** Drive a (mutated) stream as the kernel would: answer loads from `memory`, everything else with 0. */
function drive(gen: Process, memory: Record<number, number> = {}): Effect[] {
  const out: Effect[] = [];
  let r = gen.next(0);
  while (!r.done) {
    const e = r.value;
    out.push(e);
    if (e.kind === 'store') memory[e.addr] = e.value;
    r = gen.next(e.kind === 'load' ? memory[e.addr] ?? 0 : 0);
  }
  return out;
}

function run(m: Mutant, effects: readonly Effect[], memory: Record<number, number> = {}) {
  const resumed: number[] = [];
  const count = { fired: 0 };
  const out = drive(mutateStream(frame(effects, resumed), m, count), memory);
  return { out: out.map((e) => `${e.kind}${e.kind === 'fence' ? `:${e.fence}` : ''}@${e.site}`), resumed, fired: count.fired };
}

describe('mutation operators on effect streams', () => {
  const stream = [store(0x10, 2, 7, 'a.store'), fence('full', 'a.mb'), load(0x20, 2, 'a.load'), fence('wmb', 'a.wmb')];

  it('drop-fence removes every fence at its site, and only there', () => {
    const r = run({ operator: 'drop-fence', site: 'a.mb' }, stream);
    expect(r.out).toEqual(['store@a.store', 'load@a.load', 'fence:wmb@a.wmb']);
    expect(r.fired).toBe(1);
  });

  it('weaken-fence turns a full fence into a write barrier; other kinds are left alone', () => {
    expect(run({ operator: 'weaken-fence', site: 'a.mb' }, stream).out[1]).toBe('fence:wmb@a.mb');
    expect(run({ operator: 'weaken-fence', site: 'a.wmb' }, stream).fired).toBe(0);
  });

  it('drop-notify removes the locked section', () => {
    const r = run({ operator: 'drop-notify', site: 'dev.notify_vring' }, [locked(() => {}, 'dev.notify_vring'), store(0, 1, 1, 'x')]);
    expect(r.out).toEqual(['store@x']);
  });

  it('swap yields the memory effect after a store first, and resumes the frame with its value', () => {
    const r = run({ operator: 'swap', site: 'a.store', second: 'a.load' }, [store(0x10, 2, 7, 'a.store'), load(0x20, 2, 'a.load')], { 0x20: 5 });
    expect(r.out).toEqual(['load@a.load', 'store@a.store']);
    expect(r.resumed).toEqual([0, 5]);
    expect(r.fired).toBe(1);
  });

  it('swap leaves overlapping bytes, other sites and a store followed by a note in order', () => {
    expect(run({ operator: 'swap', site: 'a.store', second: 'a.load' }, [store(0x10, 2, 7, 'a.store'), load(0x11, 1, 'a.load')]).out).toEqual(['store@a.store', 'load@a.load']);
    expect(run({ operator: 'swap', site: 'a.store', second: 'a.load' }, [store(0x10, 2, 7, 'a.store'), note('n', {}), load(0x20, 2, 'a.load')]).out).toEqual(['store@a.store', 'note@n', 'load@a.load']);
  });

  it('skip-recheck answers the load after the fence with the value the frame read before, without loading', () => {
    const effects = [load(0x20, 2, 'a.load'), store(0x10, 2, 7, 'a.publish'), fence('full', 'a.mb'), load(0x20, 2, 'a.load')];
    const memory = { 0x20: 1 };
    const resumed: number[] = [];
    const gen = mutateStream(frame(effects, resumed), { operator: 'skip-recheck', site: 'a.mb', second: 'a.load' }, { fired: 0 });
    // Another process moves 0x20 to 2 between the first load and the re-check: the re-check does not see it.
    const out: string[] = [];
    let r = gen.next(0);
    while (!r.done) {
      const e = r.value;
      out.push(e.site);
      if (e.kind === 'fence') memory[0x20] = 2;
      r = gen.next(e.kind === 'load' ? memory[e.addr as 0x20] : 0);
    }
    expect(out).toEqual(['a.load', 'a.publish', 'a.mb']);
    expect(resumed).toEqual([1, 0, 0, 1]);
  });

  it('an unmutated site passes through unchanged', () => {
    expect(run({ operator: 'drop-fence', site: 'elsewhere' }, stream).out).toEqual(['store@a.store', 'fence:full@a.mb', 'load@a.load', 'fence:wmb@a.wmb']);
  });
});
