// P-WRAP's "take only what the index you read publishes" and "unwritten used-ring fields read
// 0" rules on hand-written event streams: NOTIF-DRV-3 (a driver consuming a used entry the
// device never published), NOTIF-DEV-7 (a device popping an avail entry the driver never
// published), NOTIF-DRV-4 (a used ring that was not zeroed), each with the stream that passes;
// and the reference sides under injected spurious notifications.
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent, Side } from './decode.ts';
import { RingView } from './ring-view.ts';
import { wrapOracle } from './p-wrap.ts';
import type { Violation } from './types.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';
import { splitRing } from '../../spec/facts/split-ring-layout.ts';
import { runOnce } from '../explore/run-once.ts';
import { RandomChoiceSource } from '../kernel/index.ts';
import { variantByName } from '../variants/catalogue.ts';

const CTX = { mmioVersion: 2 as const, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
const NUM = 4;
const AVAIL = 0x1100;
const USED = 0x1200;
const n = (name: string, data: Record<string, number | string | boolean>): ProtocolEvent => ({ t: 'note', name, data });
const load = (side: Side, addr: number, value: number): ProtocolEvent => ({ t: 'mem.load', side, addr, size: 2, value });
const store = (side: Side, addr: number, value: number): ProtocolEvent => ({ t: 'mem.store', side, addr, size: 2, value });
const commit = (addr: number, value: number): ProtocolEvent => ({ t: 'mem.commit', addr, size: 2, value });

const READY = n('dev.queueReady', { q: 0, ready: true, num: NUM, desc: 0x1000, avail: AVAIL, used: USED, width: 16 });
const USED_IDX = splitRing.usedIdx(USED);
const AVAIL_IDX = splitRing.availIdx(AVAIL);

/** The device uses one buffer: used.idx 0 → 1. */
const DEVICE_USES_ONE: ProtocolEvent[] = [
  load('dev', AVAIL_IDX, 1), n('dev.popAvail', { q: 0, head: 0, nextAvail: 1 }),
  store('dev', USED_IDX, 1), commit(USED_IDX, 1), n('dev.pushUsed', { q: 0, head: 0, usedIdx: 1 }),
];
/** The driver publishes one buffer: avail.idx 0 → 1. */
const DRIVER_ADDS_ONE: ProtocolEvent[] = [store('drv', AVAIL_IDX, 1), commit(AVAIL_IDX, 1)];

function check(events: ProtocolEvent[]): Violation[] {
  const rings = new RingView();
  const run = wrapOracle.start(CTX, { rings });
  events.forEach((ev, i) => { rings.observe(ev); run.onEvent(ev, i); });
  run.finish({ t: 'quiescent' }, events.length);
  return run.violations;
}

describe('P-WRAP: the driver consumes only used entries below the used.idx it read', () => {
  it('passes get_buf after reading used.idx past the entry', () => {
    expect(check([READY, ...DRIVER_ADDS_ONE, ...DEVICE_USES_ONE, load('drv', USED_IDX, 1), n('drv.getUsed', { q: 0, head: 0, lastUsed: 1 })])).toEqual([]);
  });

  it('a consumption after a spurious notification, of an entry the device never used, breaks NOTIF-DRV-3', () => {
    const v = check([READY, ...DRIVER_ADDS_ONE, load('drv', USED_IDX, 0), n('drv.getUsed', { q: 0, head: 0, lastUsed: 1 })]);
    expect(v.map((x) => x.requirements)).toEqual([['NOTIF-DRV-3', '§2.7.6.1', '§2.7.13.3']]);
    expect(v[0]!.summary).toMatch(/^driver consumed vq0 used entry 0 beyond the used.idx it read \(0\), an entry the device never used/);
  });

  it('an entry the device did use, consumed without reading used.idx, is a ring-order violation only', () => {
    const v = check([READY, ...DRIVER_ADDS_ONE, ...DEVICE_USES_ONE, n('drv.getUsed', { q: 0, head: 0, lastUsed: 1 })]);
    expect(v.map((x) => x.requirements)).toEqual([['§2.7.6.1', '§2.7.13.3']]);
  });
});

describe('P-WRAP: the device pops only avail entries below the avail.idx it read', () => {
  it('a pop after a spurious kick, of an entry the driver never made available, breaks NOTIF-DEV-7', () => {
    const v = check([READY, n('drv.spuriousKick', { q: 0, availIdx: 0 }), { t: 'drv.kick', queue: 0 }, n('dev.popAvail', { q: 0, head: 0, nextAvail: 1 })]);
    expect(v.map((x) => x.requirements)).toEqual([['NOTIF-DEV-7', '§2.7.6.1', '§2.7.13.3']]);
  });

  it('passes a pop after reading avail.idx past the entry; a published one popped unread is a ring-order violation only', () => {
    expect(check([READY, ...DRIVER_ADDS_ONE, ...DEVICE_USES_ONE])).toEqual([]);
    expect(check([READY, ...DRIVER_ADDS_ONE, n('dev.popAvail', { q: 0, head: 0, nextAvail: 1 })]).map((x) => x.requirements)).toEqual([['§2.7.6.1', '§2.7.13.3']]);
  });
});

describe('P-WRAP: used-ring fields the device has not written read as 0 (NOTIF-DRV-4)', () => {
  const AVAIL_EVENT = splitRing.availEvent(USED, NUM);
  const USED_FLAGS = splitRing.usedFlags(USED);

  it('passes zero reads, and any value once the device wrote the field', () => {
    expect(check([READY, load('drv', USED_FLAGS, 0), load('drv', AVAIL_EVENT, 0), load('drv', USED_IDX, 0),
      store('dev', AVAIL_EVENT, 3), commit(AVAIL_EVENT, 3), load('drv', AVAIL_EVENT, 3)])).toEqual([]);
  });

  it('a stale used.flags, used.idx or avail_event breaks NOTIF-DRV-4', () => {
    for (const [addr, label] of [[USED_FLAGS, 'used.flags'], [USED_IDX, 'used.idx'], [AVAIL_EVENT, 'avail_event']] as const) {
      const v = check([READY, load('drv', addr, 0x0101)]);
      expect(v.map((x) => x.requirements)).toEqual([['NOTIF-DRV-4']]);
      expect(v[0]!.summary).toContain(`${label}=257 before the device ever wrote it`);
    }
  });

  it('the harness guard in avail_event (no EVENT_IDX) is what the driver must read there', () => {
    const guard = n('drv.guard', { q: 0, field: 'avail_event', addr: AVAIL_EVENT, value: 0xa5a5 });
    expect(check([READY, guard, load('drv', AVAIL_EVENT, 0xa5a5)])).toEqual([]);
  });

  it('a driver that is not judged (a harness breaking rules on purpose) is not reported', () => {
    const rings = new RingView();
    const run = wrapOracle.start({ ...CTX, judgeDriver: false }, { rings });
    [READY, load('drv', USED_IDX, 7)].forEach((ev, i) => { rings.observe(ev); run.onEvent(ev, i); });
    expect(run.violations).toEqual([]);
  });
});

describe('injected spurious notifications (mmio-v2-spurious, mmio-v2-flags-spurious)', () => {
  it.each(['mmio-v2-spurious', 'mmio-v2-flags-spurious'])('%s: the reference sides find nothing new, finish the workload and pass every oracle', (name) => {
    const config = variantByName(name)!.config;
    for (let seed = 1; seed <= 10; seed++) {
      const r = runOnce(config, new RandomChoiceSource(seed));
      expect(r.violations).toEqual([]);
      expect(r.outcome).toBe('quiescent');
      const notes = r.records.flatMap((x) => (x.kind === 'effect' && x.effect.kind === 'note' ? [x.effect.note] : []));
      expect(notes.filter((x) => x === 'dev.spuriousNotify').length).toBe(config.spuriousInterrupts);
      expect(notes.filter((x) => x === 'drv.spuriousKick').length).toBe(config.spuriousKicks);
      expect(r.sim.driver.received.length).toBe(config.rxPackets);
      expect(r.sim.driver.txCompleted).toBe(config.txPackets);
    }
  });
});
