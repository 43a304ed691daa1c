// The exhaustive explorer (NOTIF-DEV-4, NOTIF-DRV-9, NOTIF-DEV-2, NOTIF-DRV-5/6/8): every
// schedule of the notification litmus with 2-bit ring indices under x86-TSO is explored;
// the correct protocol is verified (3 buffers: the indices wrap), BZ-KVT-01's write barrier
// yields the minimal counterexample, and state hashing, checkpoints and the partial-order
// reduction are cross-checked against the merge-free enumeration and the unreduced search.
import { describe, expect, it } from 'vitest';
import { exploreExhaustive, notifyLitmusTarget, replayTarget, simulationTarget } from '../src/explore/exhaustive.ts';
import { NOTIFY_LITMUS_DEFAULTS, type NotifyLitmusConfig } from '../src/scenarios/notify-litmus.ts';
import { fingerprint } from '../src/explore/state-hash.ts';
import { decodePath, forEachSchedule } from '../src/kernel/index.ts';
import { variantByName } from '../src/variants/catalogue.ts';

const litmus = (over: Partial<NotifyLitmusConfig>): NotifyLitmusConfig => ({ ...NOTIFY_LITMUS_DEFAULTS, buffers: 2, ...over });

describe('exhaustive exploration of the notification litmus (2-bit indices, TSO)', () => {
  it.each([
    ['EVENT_IDX, 3 buffers (used and avail indices wrap past 3)', litmus({ buffers: 3 }), 20_000],
    ['flags (NO_INTERRUPT / NO_NOTIFY), 2 buffers', litmus({ eventIdx: false }), 2_000],
  ])('%s with full barriers is verified: no schedule loses an interrupt or a kick', (_name, config, minStates) => {
    const r = exploreExhaustive(notifyLitmusTarget(config));
    expect(r.verdict).toBe('verified');
    expect(r.schedules).toBeGreaterThan(20);
    expect(r.states).toBeGreaterThan(minStates);
    expect(r.localSteps).toBeGreaterThan(r.states); // the reduction did work
  });

  it.each([
    ['EVENT_IDX, device barrier weakened (BZ-KVT-01)', litmus({ deviceFence: 'wmb' })],
    ['flags, device barrier weakened', litmus({ eventIdx: false, deviceFence: 'wmb' })],
    // The driver's mirror: virtqueue_poll's barrier between the used_event store and the
    // used.idx re-check removed (under NAPI, napi_complete_done's cmpxchg orders them too).
    ['EVENT_IDX, driver re-check barrier removed', litmus({ driverFence: 'wmb' })],
  ])('%s gives a minimal, replayable lost interrupt', (_name, config) => {
    const target = notifyLitmusTarget(config);
    const r = exploreExhaustive(target);
    expect(r.verdict).toBe('violated');
    const c = r.counterexample!;
    expect(c.violation.property).toBe('P-QUIESCE');
    expect(c.violation.summary).toMatch(/^lost interrupt/);
    // Replays to the same violation.
    const again = replayTarget(target, decodePath(c.path));
    expect(again.counterexample?.violation).toEqual(c.violation);
    // Minimal: no schedule with fewer choices violates (breadth-first, bound = choices − 1).
    const shorter = exploreExhaustive(target, { maxDepth: c.choices - 1 });
    expect(shorter.verdict).not.toBe('violated');
    // Under SC the same weakened barrier is harmless: the race needs a store buffer.
    expect(exploreExhaustive(notifyLitmusTarget({ ...config, memoryModel: 'sc' })).verdict).toBe('verified');
  });

  it('two queues sharing one line and InterruptStatus bit (virtio-mmio): verified, and the weakened barrier still loses an interrupt', () => {
    // Buffers alternate between the queues (2 on vq0, 1 on vq1); a notification for either queue serves both.
    const r = exploreExhaustive(notifyLitmusTarget(litmus({ queues: 2, buffers: 3 })));
    expect(r.verdict).toBe('verified');
    expect(r.states).toBeGreaterThan(5_000);
    const broken = exploreExhaustive(notifyLitmusTarget(litmus({ queues: 2, buffers: 3, deviceFence: 'wmb' })));
    expect(broken.verdict).toBe('violated');
    expect(broken.counterexample!.violation.summary).toMatch(/^lost interrupt: .* on vq0 /);
  });

  // The multi-line proposals (MIRQ-DRV-1, MMIO-DRV-16): two queues on two lines. The RFC's
  // handler (ack a bit, all queues, then its own line's) and per-line status are verified;
  // a handler that services only its own line after acking the shared status loses a wake-up.
  it.each([
    ['the 2023 RFC handler (shared status, edges)', 'rfc'],
    ['per-line status and ACK (level lines)', 'per-line'],
  ] as const)('two lines, %s: verified', (_name, lineHandler) => {
    const r = exploreExhaustive(notifyLitmusTarget(litmus({ queues: 2, lines: 2, lineHandler })));
    expect(r.verdict).toBe('verified');
    expect(r.schedules).toBeGreaterThan(5);
  });

  it('two lines, a handler that services only its own line after acking the shared status: a minimal lost wake-up', () => {
    const target = notifyLitmusTarget(litmus({ queues: 2, lines: 2, lineHandler: 'own-line' }));
    const r = exploreExhaustive(target);
    expect(r.verdict).toBe('violated');
    const c = r.counterexample!;
    expect(c.violation.summary).toMatch(/^lost interrupt: quiescent with used.idx=1 on vq2/);
    expect(c.choices).toBe(36);
    expect(replayTarget(target, decodePath(c.path)).counterexample?.violation.summary).toBe(c.violation.summary);
  });

  it('one buffered store per CPU is enough for both races (TSO store buffers of depth 1 and 2)', () => {
    for (const storeBufferDepth of [1, 2]) {
      expect(exploreExhaustive(notifyLitmusTarget(litmus({ storeBufferDepth }))).verdict).toBe('verified');
      for (const broken of [{ deviceFence: 'wmb' as const }, { driverFence: 'wmb' as const }]) {
        const r = exploreExhaustive(notifyLitmusTarget(litmus({ storeBufferDepth, ...broken })));
        expect(r.verdict).toBe('violated');
        expect(r.counterexample!.violation.summary).toMatch(/^lost interrupt/);
      }
    }
  });

  it('the partial-order reduction loses nothing: same verdicts and end states as the unreduced search', () => {
    for (const config of [litmus({}), litmus({ eventIdx: false }), litmus({ storeBufferDepth: 1 }), litmus({ buffers: 1, deviceFence: 'wmb' })]) {
      const target = notifyLitmusTarget(config);
      const reduced = new Set<string>();
      const full = new Set<string>();
      const r = exploreExhaustive(target, { onEnd: (fp) => reduced.add(fp) });
      const u = exploreExhaustive(target, { reduce: false, onEnd: (fp) => full.add(fp) });
      expect(r.verdict).toBe(u.verdict);
      if (u.verdict !== 'violated') expect([...reduced].sort()).toEqual([...full].sort());
      expect(r.states).toBeLessThan(u.states);
    }
  });

  it('state hashing loses nothing: the end states equal those of the merge-free enumeration', () => {
    // Configurations whose merge-free enumeration is small enough to finish (TSO's flush
    // choices make even one buffer exceed 300,000 schedules).
    for (const config of [litmus({ buffers: 1, memoryModel: 'sc' }), litmus({ buffers: 1, memoryModel: 'sc', eventIdx: false })]) {
      const target = notifyLitmusTarget(config);
      const hashed = new Set<string>();
      const r = exploreExhaustive(target, { onEnd: (fp) => hashed.add(fp) });
      expect(r.verdict).toBe('verified');
      const all = new Set<string>();
      let violations = 0;
      const e = forEachSchedule((source) => {
        const { world, roots } = target.build(source);
        world.run();
        all.add(fingerprint(world, roots));
        violations += target.check(world.trace).length;
      }, 50_000);
      expect(e.complete).toBe(true);
      expect(violations).toBe(0);
      expect([...hashed].sort()).toEqual([...all].sort());
      expect(e.schedules).toBeGreaterThan(r.schedules);
    }
  });
});

describe('exhaustive exploration of a whole variant', () => {
  it('finds BZ-LNX-02 (kick before DRIVER_OK) with a minimal counterexample', () => {
    const v = variantByName('BZ-LNX-02')!;
    const r = exploreExhaustive(simulationTarget(v.config), { maxStates: 5000 });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample!.violation.property).toBe('P-STATUS');
    const shorter = exploreExhaustive(simulationTarget(v.config), { maxDepth: r.counterexample!.choices - 1, maxStates: 5000 });
    expect(shorter.verdict).not.toBe('violated');
  });
});
