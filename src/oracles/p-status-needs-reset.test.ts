// P-STATUS around DEVICE_NEEDS_RESET on hand-written event streams: the device owes a config
// notification (STATUS-DEV-2), the driver that read the bit owes a reset (STATUS-DRV-4), and
// exposed buffers are reclaimed only after the reset (STATUS-DRV-13).
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from './decode.ts';
import { RingView } from './ring-view.ts';
import { statusOracle } from './p-status.ts';
import { splitRing } from '../../spec/facts/split-ring-layout.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';

const CTX = { mmioVersion: 2 as const, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
const n = (name: string, data: Record<string, number | string | boolean>): ProtocolEvent => ({ t: 'note', name, data });
const AVAIL = 0x1000;
const ready = n('dev.queueReady', { q: 0, ready: true, num: 4, desc: 0x800, avail: AVAIL, used: 0x2000, width: 16 });
const availIdx = (value: number): ProtocolEvent => ({ t: 'mem.store', side: 'drv', addr: splitRing.availIdx(AVAIL), size: 2, value });
const live: ProtocolEvent[] = [1, 3, 0xb, 0xf].map((value) => n('dev.status', { value })).concat([n('dev.activate', {})]);

/** The requirement ids P-STATUS names for `events`, the stream ending quiescent. */
function ids(events: ProtocolEvent[]): string[] {
  const rings = new RingView();
  const run = statusOracle.start(CTX, { rings });
  events.forEach((ev, i) => { rings.observe(ev); run.onEvent(ev, i); });
  run.finish({ t: 'quiescent' }, events.length);
  return run.violations.flatMap((v) => v.requirements);
}

describe('P-STATUS: DEVICE_NEEDS_RESET', () => {
  it('STATUS-DEV-2: NEEDS_RESET set after DRIVER_OK and never notified', () => {
    expect(ids([...live, n('dev.needsReset', { status: 0x4f })])).toContain('STATUS-DEV-2');
  });

  it('STATUS-DEV-2 is discharged by the config notification (buffers may still be used before it)', () => {
    expect(ids([...live, n('dev.needsReset', { status: 0x4f }), n('dev.popAvail', { q: 0 }), n('dev.isr', { set: 1, q: 0 }), n('dev.isr', { set: 2, q: -1 })])).toEqual([]);
  });

  it('no notification is owed for NEEDS_RESET set before DRIVER_OK', () => {
    expect(ids([1, 3, 0xb].map((value) => n('dev.status', { value })).concat([n('dev.needsReset', { status: 0x4b })]))).toEqual([]);
  });

  it('STATUS-DRV-4: the driver read NEEDS_RESET and went quiet without a reset', () => {
    expect(ids([{ t: 'drv.readStatus', value: 0x4f }])).toContain('STATUS-DRV-4');
  });

  it('STATUS-DRV-4 is met by a reset, or by giving up (FAILED)', () => {
    expect(ids([{ t: 'drv.readStatus', value: 0x4f }, { t: 'drv.writeStatus', value: 0 }])).not.toContain('STATUS-DRV-4');
    expect(ids([{ t: 'drv.readStatus', value: 0x4f }, { t: 'drv.writeStatus', value: 0xcf }])).not.toContain('STATUS-DRV-4');
  });

  it('STATUS-DRV-13: avail.idx moved back on a live queue (detach before reset)', () => {
    expect(ids([ready, availIdx(1), availIdx(2), availIdx(1)])).toEqual(['STATUS-DRV-13']);
  });

  it('STATUS-DRV-13 does not fire once the device is reset (the queue is no longer live)', () => {
    expect(ids([ready, availIdx(1), availIdx(2), n('dev.reset', {}), availIdx(1), availIdx(0)])).toEqual([]);
  });

  it('STATUS-DRV-13 ignores forward moves, a fresh ring, and a jump of more than a ring (P-WRAP judges that)', () => {
    expect(ids([ready, availIdx(1), availIdx(4), availIdx(304)])).toEqual([]);
    expect(ids([ready, availIdx(2), n('dev.queueReady', { q: 0, ready: false }), ready, availIdx(1)])).toEqual([]);
  });
});
