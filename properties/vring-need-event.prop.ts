// `vring_need_event` (§2.7.7.2, §2.7.10; NOTIF-DEV-4, NOTIF-DRV-6) against its meaning,
// written independently: notify iff one of the entries just published, old .. new−1
// (walked one by one modulo 2^w), is the one the other side asked about. Exhaustive over
// every (event, new, old) at widths 1–6 (Kani's proof covers the value space but not the
// interleavings; the explorer covers those), plus the 16-bit regression vectors rust-vmm's
// virtio-queue sweeps (used_event = 4 across the whole index space and past the wrap).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { vringNeedEvent } from '../spec/formulas.ts';

/** The interval reading: walk old, old+1, …, new−1 modulo 2^width and look for `event`. */
function publishedWindowContains(event: number, newIdx: number, oldIdx: number, width: number): boolean {
  const size = 1 << width;
  for (let i = oldIdx; i !== newIdx; i = (i + 1) % size) if (i === event) return true;
  return false;
}

describe('vringNeedEvent', () => {
  it.each([1, 2, 3, 4, 5, 6])('agrees with the interval formulation on every (event, new, old) at %i-bit indices', (width) => {
    const size = 1 << width;
    let checked = 0;
    const disagreements: string[] = [];
    for (let event = 0; event < size; event++) {
      for (let n = 0; n < size; n++) {
        for (let o = 0; o < size; o++) {
          if (vringNeedEvent(event, n, o, width) !== publishedWindowContains(event, n, o, width)) disagreements.push(`event=${event} new=${n} old=${o}`);
          checked++;
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(checked).toBe(size ** 3);
  });

  it('the same check catches an off-by-one vring_need_event (a property that cannot fail proves nothing)', () => {
    const offByOne = (e: number, n: number, o: number, w: number) => ((n - e) & ((1 << w) - 1)) < ((n - o) & ((1 << w) - 1));
    let disagreements = 0;
    for (let e = 0; e < 4; e++) for (let n = 0; n < 4; n++) for (let o = 0; o < 4; o++) if (offByOne(e, n, o, 2) !== publishedWindowContains(e, n, o, 2)) disagreements++;
    expect(disagreements).toBeGreaterThan(0);
  });

  it('16-bit: used_event = 4, one entry at a time across 0..65547 notifies exactly once per wrap, at 4→5', () => {
    const notified: number[] = [];
    for (let i = 0; i <= 65547; i++) {
      const old = i & 0xffff;
      const next = (i + 1) & 0xffff;
      if (vringNeedEvent(4, next, old)) notified.push(i);
    }
    expect(notified).toEqual([4, 65536 + 4]);
  });

  it('16-bit: around the wrap (used_event near 65535), batches of any size', () => {
    fc.assert(fc.property(
      fc.integer({ min: 65520, max: 65535 }), fc.integer({ min: 65500, max: 65535 + 40 }), fc.integer({ min: 1, max: 64 }),
      (event, oldUnwrapped, batch) => {
        const old = oldUnwrapped & 0xffff;
        const next = (oldUnwrapped + batch) & 0xffff;
        expect(vringNeedEvent(event, next, old)).toBe(publishedWindowContains(event, next, old, 16));
      }), { seed: 20261123, numRuns: 5000 });
  });

  it('no progress never notifies, whatever the event index', () => {
    for (let w = 2; w <= 4; w++) {
      const size = 1 << w;
      for (let e = 0; e < size; e++) for (let o = 0; o < size; o++) expect(vringNeedEvent(e, o, o, w)).toBe(false);
    }
  });
});
