// The suppression oracles on hand-written traces, one rule at a time: P-IRQ-MUST
// (NOTIF-DEV-2/3/4), P-KICK-MUST (NOTIF-DRV-5/6), P-FEAT's mode check with guard bytes
// (NOTIF-DEV-1) and the spurious-notification metrics. Each rule is shown failing and
// passing on traces that differ in one record; the mutants (mutants.prop.ts) show the
// same properties failing on real device and driver code.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KernelRecord } from '../src/kernel/index.ts';
import { checkRecords as checkAll, measureNotifications, type OracleContext } from '../src/oracles/index.ts';
import { irqMustOracle, kickMustOracle } from '../src/oracles/p-notify.ts';
import { suppressionModeOracle } from '../src/oracles/p-suppression-mode.ts';
import { splitRing } from '../spec/facts/split-ring-layout.ts';
import { vringNeedEvent } from '../spec/formulas.ts';
import { ONE_LINE } from '../src/transport/mmio/irq-lines.ts';

const ctx: OracleContext = { mmioVersion: 2, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
const NUM = 4;
const AVAIL = 0x200;
const USED = 0x300;
const EVENT_IDX_LO = 1 << 29;

/** A tiny trace builder: every record is a step of its own. */
class Trace {
  readonly records: KernelRecord[] = [];
  private step = 0;
  private push(proc: number, effect: Extract<KernelRecord, { kind: 'effect' }>['effect'], result?: number): this {
    this.records.push({ kind: 'effect', step: this.step++, proc, effect, result });
    return this;
  }
  note(name: string, data: Record<string, number | string | boolean>): this {
    return this.push(0, { kind: 'note', note: name, data, site: name });
  }
  store(site: string, addr: number, value: number): this {
    return this.push(site.startsWith('dev.') ? 1 : 0, { kind: 'store', addr, size: 2, value, site });
  }
  load(site: string, addr: number, value: number): this {
    return this.push(site.startsWith('dev.') ? 1 : 0, { kind: 'load', addr, size: 2, site }, value);
  }
  /** Negotiated mode and one ready queue, as the transport announces them. */
  setup(eventIdx: boolean): this {
    return this.note('dev.featuresOk', { accepted: true, lo: eventIdx ? EVENT_IDX_LO : 0, hi: 1 })
      .note('dev.queueReady', { q: 0, ready: true, num: NUM, desc: 0x100, avail: AVAIL, used: USED, width: 16 });
  }
  quiet(): KernelRecord[] {
    this.records.push({ kind: 'quiescent', step: this.step++ });
    return this.records;
  }
}

/** Only the oracles under test: a hand-written trace has no registers, pops or lines for the others. */
const checkRecords = (records: KernelRecord[], c: OracleContext) => checkAll(records, c, [irqMustOracle, kickMustOracle, suppressionModeOracle]);
const props = (records: KernelRecord[]) => checkRecords(records, ctx).map((v) => `${v.property} ${v.requirements.join(',')}`);

describe('P-IRQ-MUST (NOTIF-DEV-4 / NOTIF-DEV-2): the device interrupts when what it read says so', () => {
  it('judges every (used_event, new, old) decision against vring_need_event', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: NUM }), fc.integer({ min: 0, max: 0xffff }), fc.boolean(),
      (old, n, usedEvent, notified) => {
        const next = (old + n) & 0xffff;
        const t = new Trace().setup(true);
        // The device has already checked up to `old` (a notification covers it), then publishes n entries.
        t.store('dev.vq0.store_used_idx', splitRing.usedIdx(USED), old).note('dev.isr', { value: 1, set: 1, q: 0 });
        t.store('dev.vq0.store_used_idx', splitRing.usedIdx(USED), next).load('dev.vq0.load_used_event', splitRing.usedEvent(AVAIL, NUM), usedEvent);
        if (notified) t.note('dev.isr', { value: 1, set: 1, q: 0 });
        const violated = props(t.quiet()).includes('P-IRQ-MUST NOTIF-DEV-4');
        expect(violated).toBe(!notified && vringNeedEvent(usedEvent, next, old));
      }), { seed: 20261123, numRuns: 300 });
  });

  it('without EVENT_IDX, avail.flags 0 means MUST notify and NO_INTERRUPT means need not', () => {
    for (const flags of [0, 1]) {
      const t = new Trace().setup(false).store('dev.vq0.store_used_idx', splitRing.usedIdx(USED), 1).load('dev.vq0.load_avail_flags', splitRing.availFlags(AVAIL), flags);
      expect(props(t.quiet()).includes('P-IRQ-MUST NOTIF-DEV-2')).toBe(flags === 0);
    }
  });

  it('a device that never reads used_event is judged by used_event when its entry became visible (NOTIF-DEV-3)', () => {
    const published = (usedEvent: number) => new Trace().setup(true)
      .store('drv.vq0.store_used_event', splitRing.usedEvent(AVAIL, NUM), usedEvent)
      .store('dev.vq0.store_used_idx', splitRing.usedIdx(USED), 1)
      .load('dev.vq0.load_avail_flags', splitRing.availFlags(AVAIL), 0) // goes by the flags instead
      .quiet();
    expect(props(published(0))).toContain('P-IRQ-MUST NOTIF-DEV-4,NOTIF-DEV-3'); // the driver asked for entry 0
    expect(props(published(5))).toEqual([]); // it asked for a later one: nothing owed
  });

  it('the device pays a notification it owes before it decides again', () => {
    const t = new Trace().setup(true)
      .store('dev.vq0.store_used_idx', splitRing.usedIdx(USED), 1).load('dev.vq0.load_used_event', splitRing.usedEvent(AVAIL, NUM), 0)
      .store('dev.vq0.store_used_idx', splitRing.usedIdx(USED), 2).load('dev.vq0.load_used_event', splitRing.usedEvent(AVAIL, NUM), 0)
      .note('dev.isr', { value: 1, set: 1, q: 0 });
    const v = checkRecords(t.quiet(), ctx);
    expect(v.map((x) => x.property)).toEqual(['P-IRQ-MUST']);
    expect(v[0]!.summary).toMatch(/decided again/);
  });
});

describe('P-KICK-MUST (NOTIF-DRV-5 / NOTIF-DRV-6): the driver kicks when what it read says so', () => {
  it('judges every (avail_event, new, old) decision against vring_need_event', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: NUM }), fc.integer({ min: 0, max: 0xffff }), fc.boolean(), (n, availEvent, kicked) => {
      const t = new Trace().setup(true);
      for (let i = 1; i <= n; i++) t.store('drv.vq0.store_avail_idx', splitRing.availIdx(AVAIL), i);
      t.load('drv.vq0.load_avail_event', splitRing.availEvent(USED, NUM), availEvent);
      if (kicked) t.note('drv.kick', { q: 0 });
      expect(props(t.quiet()).includes('P-KICK-MUST NOTIF-DRV-6')).toBe(!kicked && vringNeedEvent(availEvent, n, 0));
    }), { seed: 20261123, numRuns: 300 });
  });

  it('without EVENT_IDX, used.flags 0 means MUST kick; a driver reading the wrong flags is judged by used.flags', () => {
    for (const flags of [0, 1]) {
      const decided = new Trace().setup(false).store('drv.vq0.store_avail_idx', splitRing.availIdx(AVAIL), 1).load('drv.vq0.load_used_flags', splitRing.usedFlags(USED), flags);
      expect(props(decided.quiet()).includes('P-KICK-MUST NOTIF-DRV-5')).toBe(flags === 0);
      // The libqos slip: it reads avail.flags (its own NO_INTERRUPT), so its decision is not one.
      const slip = new Trace().setup(false).store('dev.vq0.store_used_flags', splitRing.usedFlags(USED), flags)
        .store('drv.vq0.store_avail_flags', splitRing.availFlags(AVAIL), 1)
        .store('drv.vq0.store_avail_idx', splitRing.availIdx(AVAIL), 1).load('drv.vq0.load_avail_flags', splitRing.availFlags(AVAIL), 1);
      expect(props(slip.quiet()).includes('P-KICK-MUST NOTIF-DRV-5')).toBe(flags === 0);
    }
  });

  it('the driver may kick late (virtio-blk: kick_prepare under the lock, notify after unlocking), but not never', () => {
    const twoDecisions = () => new Trace().setup(true)
      .store('drv.vq0.store_avail_idx', splitRing.availIdx(AVAIL), 1).load('drv.vq0.load_avail_event', splitRing.availEvent(USED, NUM), 0)
      .store('drv.vq0.store_avail_idx', splitRing.availIdx(AVAIL), 2).load('drv.vq0.load_avail_event', splitRing.availEvent(USED, NUM), 0);
    expect(props(twoDecisions().note('drv.kick', { q: 0 }).quiet())).toEqual([]);
    const v = checkRecords(twoDecisions().quiet(), ctx);
    expect(v.map((x) => `${x.property} ${x.summary}`)).toEqual(['P-KICK-MUST owed kick on vq0 never sent (the end of the run)']);
  });

  it('is not judged when the guest is a harness that breaks driver rules on purpose', () => {
    const t = new Trace().setup(false).store('drv.vq0.store_avail_idx', splitRing.availIdx(AVAIL), 1).load('drv.vq0.load_used_flags', splitRing.usedFlags(USED), 0);
    expect(checkRecords(t.quiet(), { ...ctx, judgeDriver: false })).toEqual([]);
  });
});

describe('P-FEAT suppression mode (NOTIF-DEV-1, NOTIF-DEV-6, NOTIF-DRV-2)', () => {
  const guarded = () => new Trace().setup(false).note('drv.guard', { q: 0, field: 'avail_event', addr: splitRing.availEvent(USED, NUM), value: 0xa5a5 });

  it('guard bytes in avail_event catch a write by anyone, traced as the device or not', () => {
    // (No numbered requirement forbids the write; P-FEAT says behaviour follows the negotiated set.)
    expect(props(guarded().store('dev.vq0.store_avail_event', splitRing.availEvent(USED, NUM), 1).quiet())).toEqual(['P-FEAT ', 'P-FEAT ']);
    expect(props(guarded().store('vhost.worker.store', splitRing.availEvent(USED, NUM), 1).quiet())).toEqual(['P-FEAT ']);
    expect(props(guarded().store('dev.vq0.store_used_flags', splitRing.usedFlags(USED), 1).quiet())).toEqual([]);
  });

  it('with EVENT_IDX the flags stay 0; without it the event fields are not read', () => {
    expect(props(new Trace().setup(true).store('dev.vq0.store_used_flags', splitRing.usedFlags(USED), 1).quiet())).toEqual(['P-FEAT NOTIF-DEV-6']);
    expect(props(new Trace().setup(true).store('drv.vq0.store_avail_flags', splitRing.availFlags(AVAIL), 1).quiet())).toEqual(['P-FEAT NOTIF-DRV-2']);
    expect(props(new Trace().setup(false).load('dev.vq0.load_used_event', splitRing.usedEvent(AVAIL, NUM), 0).quiet())).toEqual(['P-FEAT NOTIF-DEV-1']);
  });
});

describe('spurious notifications are metrics, never violations (NOTIF-DRV-3, NOTIF-DEV-7)', () => {
  it('counts kicks and interrupts that carry nothing new', () => {
    const t = new Trace().setup(true)
      .store('drv.vq0.store_avail_idx', splitRing.availIdx(AVAIL), 1).note('drv.kick', { q: 0 }).note('drv.kick', { q: 0 })
      .store('dev.vq0.store_used_idx', splitRing.usedIdx(USED), 1).note('dev.isr', { value: 1, set: 1, q: 0 }).note('dev.isr', { value: 1, set: 1, q: 0 })
      .quiet();
    expect(checkRecords(t, ctx)).toEqual([]);
    expect(measureNotifications(t, ctx)).toEqual({ handlerRuns: 0, idleHandlerRuns: 0, handlerRunsPerCpu: [],
      kicks: { sent: 2, spurious: 1, published: 1 },
      interrupts: { sent: 2, spurious: 1, published: 1 },
    });
  });
});
