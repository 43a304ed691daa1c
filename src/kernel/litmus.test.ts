// The kernel on its own: the store-buffering litmus test (SB, x86-TSO's signature
// outcome) under SC and TSO, with and without a full fence, over every schedule.
import { describe, expect, it } from 'vitest';
import {
  type ChoiceSource, type Bus, type Process, World, forEachSchedule, load, store, fence, type MemoryModelName,
} from './index.ts';

class FlatMemory {
  readonly bytes = new Map<number, number>();
  read(addr: number): number { return this.bytes.get(addr) ?? 0; }
  write(addr: number, _size: number, value: number): void { this.bytes.set(addr, value); }
}

const noBus: Bus = {
  mmioRead: () => 0,
  mmioWrite: () => undefined,
  setIrq: () => {},
  sendMsi: () => {},
  accessible: () => true,
};

const X = 0x100;
const Y = 0x200;

function* thread(mine: number, theirs: number, fenced: boolean, out: { r: number }): Process {
  yield store(mine, 4, 1, 'store mine');
  if (fenced) yield fence('full', 'mb');
  out.r = yield load(theirs, 4, 'load theirs');
}

function outcomes(model: MemoryModelName, fenced: boolean): { set: Set<string>; schedules: number } {
  const set = new Set<string>();
  const { schedules, complete } = forEachSchedule((source: ChoiceSource) => {
    const a = { r: -1 };
    const b = { r: -1 };
    const world = new World({ memory: new FlatMemory(), bus: noBus, memoryModel: model, source, maxSteps: 100 });
    world.spawn('P0', thread(X, Y, fenced, a));
    world.spawn('P1', thread(Y, X, fenced, b));
    expect(world.run()).toBe('quiescent');
    set.add(`${a.r}${b.r}`);
  });
  expect(complete).toBe(true);
  return { set, schedules };
}

describe('store-buffering litmus (SB)', () => {
  it('under TSO without fences both loads can read 0', () => {
    // Arrange / Act
    const { set } = outcomes('tso', false);
    // Assert: every outcome, including the relaxed 00
    expect([...set].sort()).toEqual(['00', '01', '10', '11']);
  });

  it('under TSO with fence(full) both loads never read 0', () => {
    const { set } = outcomes('tso', true);
    expect(set.has('00')).toBe(false);
    expect([...set].sort()).toEqual(['01', '10', '11']);
  });

  it('under SC both loads never read 0, fenced or not', () => {
    expect(outcomes('sc', false).set.has('00')).toBe(false);
    expect([...outcomes('sc', false).set].sort()).toEqual(['01', '10', '11']);
    expect(outcomes('sc', true).set.has('00')).toBe(false);
  });

  it('enumerates exactly the SC interleavings of two 2-step threads (4 choose 2 = 6)', () => {
    expect(outcomes('sc', false).schedules).toBe(6);
  });
});

describe('store forwarding and faults', () => {
  it('a load reads its own buffered store before it is visible to others', () => {
    const seen: number[] = [];
    forEachSchedule((source) => {
      const world = new World({ memory: new FlatMemory(), bus: noBus, memoryModel: 'tso', source, maxSteps: 50 });
      world.spawn('P0', (function* (): Process {
        yield store(X, 4, 7, 'w');
        seen.push(yield load(X, 4, 'r'));
      })());
      world.run();
    });
    expect(new Set(seen)).toEqual(new Set([7]));
  });

  it('a process that throws is reported as a fault, not a kernel crash', () => {
    const world = new World({ memory: new FlatMemory(), bus: noBus, memoryModel: 'sc', source: { choose: () => 0 }, maxSteps: 50 });
    world.spawn('bad', (function* (): Process {
      yield store(X, 4, 1, 'w');
      throw new Error('device exploded');
    })());
    expect(world.run()).toBe('fault');
    expect(world.trace.at(-1)).toMatchObject({ kind: 'fault', message: 'device exploded' });
  });

  it('a process that never ends is stopped by the step budget', () => {
    const world = new World({ memory: new FlatMemory(), bus: noBus, memoryModel: 'sc', source: { choose: () => 0 }, maxSteps: 1000 });
    world.spawn('spin', (function* (): Process {
      for (;;) yield load(X, 4, 'spin');
    })());
    expect(world.run()).toBe('budget');
  });
});

// Message passing (MP): the writer stores data, then a flag; the reader loads the flag, then
// the data. "flag 1, data 0" is TSO-forbidden (stores stay in order) and PSO-allowed unless a
// write barrier (smp_wmb) separates the two stores — the shape of virtqueue_add's avail ring
// entry and avail.idx (NOTIF-DRV-7).
function* writer(wmb: boolean): Process {
  yield store(X, 4, 1, 'store data');
  if (wmb) yield fence('wmb', 'wmb');
  yield store(Y, 4, 1, 'store flag');
}
function* reader(out: { flag: number; data: number }): Process {
  out.flag = yield load(Y, 4, 'load flag');
  out.data = yield load(X, 4, 'load data');
}
function mpOutcomes(model: MemoryModelName, wmb: boolean): Set<string> {
  const set = new Set<string>();
  const { complete } = forEachSchedule((source: ChoiceSource) => {
    const out = { flag: -1, data: -1 };
    const world = new World({ memory: new FlatMemory(), bus: noBus, memoryModel: model, source, maxSteps: 100 });
    world.spawn('writer', writer(wmb));
    world.spawn('reader', reader(out));
    expect(world.run()).toBe('quiescent');
    set.add(`flag=${out.flag} data=${out.data}`);
  });
  expect(complete).toBe(true);
  return set;
}

describe('message-passing litmus (MP)', () => {
  it('under TSO the flag is never seen before its data, barrier or not', () => {
    expect(mpOutcomes('tso', false).has('flag=1 data=0')).toBe(false);
  });

  it('under PSO without a write barrier the flag can be seen before its data', () => {
    expect(mpOutcomes('pso', false).has('flag=1 data=0')).toBe(true);
  });

  it('under PSO a write barrier between the stores keeps them in order', () => {
    const set = mpOutcomes('pso', true);
    expect(set.has('flag=1 data=0')).toBe(false);
    expect([...set].sort()).toEqual(['flag=0 data=0', 'flag=0 data=1', 'flag=1 data=1']);
  });
});
