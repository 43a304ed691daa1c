// P-MMIO on hand-written register streams: the probe rules (MMIO-DRV-3, -4, -5, -13), the
// shared memory registers (MMIO-DRV-14) and the queue stop read-back (MMIO-DRV-9), each
// from the fewest accesses that show it, with the stream a conforming driver makes passing.
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from './decode.ts';
import { RingView } from './ring-view.ts';
import { mmioOracle } from './p-mmio.ts';
import type { OracleContext, Violation } from './types.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';
import { MMIO, MMIO_MAGIC } from '../../spec/facts/mmio-registers.ts';

const CTX: OracleContext = { mmioVersion: 2, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
const r = (off: number, value: number): ProtocolEvent => ({ t: 'drv.mmio', write: false, off, size: 4, value });
const w = (off: number, value: number): ProtocolEvent => ({ t: 'drv.mmio', write: true, off, size: 4, value });
const n = (name: string, data: Record<string, number | string | boolean>): ProtocolEvent => ({ t: 'note', name, data });

/** vm_probe of a virtio-net device: magic, version, device id, vendor. */
const PROBE = [r(MMIO.MagicValue, MMIO_MAGIC), r(MMIO.Version, 2), r(MMIO.DeviceID, 1), r(MMIO.VendorID, 0x554d4551)];

function check(events: ProtocolEvent[], ctx: OracleContext = CTX): Violation[] {
  const run = mmioOracle.start(ctx, { rings: new RingView() });
  events.forEach((ev, i) => run.onEvent(ev, i));
  run.finish({ t: 'quiescent' }, events.length);
  return run.violations;
}
const ids = (v: Violation[]) => v.map((x) => x.requirements);

describe('P-MMIO probe rules', () => {
  it('passes magic, version, device id, then the rest', () => {
    expect(check([...PROBE, w(MMIO.Status, 0)])).toEqual([]);
  });

  it('MMIO-DRV-13: any other register before MagicValue and Version, or before DeviceID', () => {
    expect(ids(check([r(MMIO.DeviceID, 1)]))).toEqual([['MMIO-DRV-13']]);
    expect(ids(check([r(MMIO.MagicValue, MMIO_MAGIC), w(MMIO.Status, 0)]))).toEqual([['MMIO-DRV-13']]);
    expect(ids(check([r(MMIO.MagicValue, MMIO_MAGIC), r(MMIO.Version, 2), r(MMIO.VendorID, 0)]))).toEqual([['MMIO-DRV-13']]);
    // Version before MagicValue is still "MagicValue and Version first"
    expect(check([r(MMIO.Version, 2), r(MMIO.MagicValue, MMIO_MAGIC), r(MMIO.DeviceID, 1)])).toEqual([]);
  });

  it('MMIO-DRV-3: nothing after a wrong MagicValue (an empty window is not judged as a device)', () => {
    const empty = { ...CTX, mmioSlot: 'empty' as const };
    expect(check([r(MMIO.MagicValue, 0)], empty)).toEqual([]);
    expect(ids(check([r(MMIO.MagicValue, 0), r(MMIO.Version, 0)], empty))).toEqual([['MMIO-DRV-3']]);
  });

  it('MMIO-DRV-4: nothing after a Version the driver does not drive; 1 and 2 are driven', () => {
    const v3 = { ...CTX, mmioSlot: 'version3' as const };
    expect(check([r(MMIO.MagicValue, MMIO_MAGIC), r(MMIO.Version, 3)], v3)).toEqual([]);
    expect(ids(check([r(MMIO.MagicValue, MMIO_MAGIC), r(MMIO.Version, 3), r(MMIO.DeviceID, 1)], v3))).toEqual([['MMIO-DRV-4']]);
    expect(check([r(MMIO.MagicValue, MMIO_MAGIC), r(MMIO.Version, 1), r(MMIO.DeviceID, 1)], { ...CTX, mmioVersion: 1 })).toEqual([]);
  });

  it('MMIO-DRV-5: a placeholder is left alone, silently', () => {
    const id0 = [r(MMIO.MagicValue, MMIO_MAGIC), r(MMIO.Version, 2), r(MMIO.DeviceID, 0)];
    expect(check([...id0, n('drv.probeIgnored', { register: 'DeviceID', value: 0, reported: false })])).toEqual([]);
    expect(ids(check([...id0, r(MMIO.VendorID, 0)]))).toEqual([['MMIO-DRV-5', 'MMIO-DRV-13']]);
    expect(ids(check([...id0, n('drv.probeIgnored', { register: 'DeviceID', value: 0, reported: true })]))).toEqual([['MMIO-DRV-5']]);
    // an error reported for a wrong magic is allowed (MAY)
    expect(check([r(MMIO.MagicValue, 0), n('drv.probeIgnored', { register: 'MagicValue', value: 0, reported: true })], { ...CTX, mmioSlot: 'empty' })).toEqual([]);
  });

  it('MMIO-DRV-14: no shared memory register for virtio-net', () => {
    expect(ids(check([...PROBE, w(MMIO.SHMSel, 0), r(MMIO.SHMLenLow, 0xffffffff)]))).toEqual([['MMIO-DRV-14']]);
  });

  it('MMIO-DRV-9: a queue stop is read back before the next queue register write, or the end', () => {
    const stop = (q: number) => [w(MMIO.QueueSel, q), w(MMIO.QueueReady, 0)];
    expect(check([...PROBE, ...stop(0), r(MMIO.QueueReady, 0), ...stop(1), r(MMIO.QueueReady, 0)])).toEqual([]);
    expect(check([...PROBE, ...stop(0), r(MMIO.InterruptStatus, 1), r(MMIO.QueueReady, 0)])).toEqual([]); // another CPU's access between
    expect(ids(check([...PROBE, ...stop(0), ...stop(1), r(MMIO.QueueReady, 0)]))).toEqual([['MMIO-DRV-9']]);
    expect(ids(check([...PROBE, ...stop(0)]))).toEqual([['MMIO-DRV-9']]);
    // Version 1 stops a queue with QueuePFN 0: no read-back is asked
    expect(check([...PROBE.slice(0, 1), r(MMIO.Version, 1), ...PROBE.slice(2), w(MMIO.QueueSel, 0), w(0x040, 0)], { ...CTX, mmioVersion: 1 })).toEqual([]);
  });

  it('driver rules are not judged for a harness', () => {
    expect(check([r(MMIO.DeviceID, 1), w(MMIO.SHMSel, 0)], { ...CTX, judgeDriver: false })).toEqual([]);
  });
});
