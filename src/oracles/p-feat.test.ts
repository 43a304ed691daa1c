// P-FEAT on hand-written event streams: each feature-negotiation rule from the fewest
// register accesses that show it, and the same stream done right passing.
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from './decode.ts';
import { RingView } from './ring-view.ts';
import { featureOracle } from './p-feat.ts';
import type { OracleContext, Violation } from './types.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';
import { STATUS } from '../../spec/facts/status-bits.ts';
import { VIRTIO_F, VIRTIO_NET_F, featureMask } from '../../spec/facts/feature-bits.ts';

const CTX: OracleContext = { mmioVersion: 2, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
const { ACKNOWLEDGE: ACK, DRIVER, FEATURES_OK, DRIVER_OK, FAILED } = STATUS;
const MAC_STATUS = Number(featureMask(VIRTIO_NET_F.MAC, VIRTIO_NET_F.STATUS));
const V1 = 1 << (VIRTIO_F.VERSION_1 - 32); // VERSION_1 in word 1
const ADMIN_VQ = 1 << (VIRTIO_F.ADMIN_VQ - 32);

const ws = (value: number): ProtocolEvent => ({ t: 'drv.writeStatus', value });
const rs = (value: number): ProtocolEvent => ({ t: 'drv.readStatus', value });
const devAnswer = (accepted: boolean): ProtocolEvent => ({ t: 'note', name: 'dev.featuresOk', data: { accepted } });
/** Status 1, 3, then the offer read as Linux vm_get_features does (word 1 first). */
const offer = (hi: number, lo: number): ProtocolEvent[] => [
  ws(0), ws(ACK), ws(ACK | DRIVER),
  { t: 'drv.selectDeviceFeatures', sel: 1 }, { t: 'drv.readDeviceFeatures', value: hi },
  { t: 'drv.selectDeviceFeatures', sel: 0 }, { t: 'drv.readDeviceFeatures', value: lo },
];
const accept = (hi: number, lo: number): ProtocolEvent[] => [
  { t: 'drv.selectDriverFeatures', sel: 1 }, { t: 'drv.writeDriverFeatures', value: hi },
  { t: 'drv.selectDriverFeatures', sel: 0 }, { t: 'drv.writeDriverFeatures', value: lo },
];
/** Step 5 and 6 with the device's answer, as virtio_add_status + the read-back do. */
const featuresOk = (answer: boolean): ProtocolEvent[] => [
  rs(ACK | DRIVER), ws(ACK | DRIVER | FEATURES_OK), devAnswer(answer), rs(answer ? ACK | DRIVER | FEATURES_OK : ACK | DRIVER),
];
const MODERN_OK = [...offer(V1, MAC_STATUS), ...accept(V1, MAC_STATUS), ...featuresOk(true), rs(0xb), ws(0xf)];

/** `quiescent`: the run ended with every process idle (FEAT-DRV-4 judges where the driver stopped); else cut short. */
function check(events: ProtocolEvent[], ctx: Partial<OracleContext> = {}, quiescent = true): Violation[] {
  const run = featureOracle.start({ ...CTX, ...ctx }, { rings: new RingView() });
  events.forEach((ev, i) => run.onEvent(ev, i));
  run.finish(quiescent ? { t: 'quiescent' } : { t: 'budget', step: events.length }, events.length);
  return run.violations;
}
const ids = (v: Violation[]) => v.map((x) => x.requirements.join(','));

describe('P-FEAT', () => {
  it('passes a modern negotiation whose status is read back again before DRIVER_OK', () => {
    expect(check(MODERN_OK)).toEqual([]);
  });

  it('FEAT-DEV-3: a reserved bit or one MMIO does not support may not be offered; the suite\'s EXPERIMENTAL bits may', () => {
    expect(ids(check(offer(V1 | ADMIN_VQ, MAC_STATUS), {}, false))).toEqual(['FEAT-DEV-3']);
    expect(ids(check(offer(V1 | 1 << (44 - 32), MAC_STATUS), {}, false))).toEqual(['FEAT-DEV-3']);
    expect(ids(check(offer(V1, MAC_STATUS | 1 << 25), {}, false))).toEqual(['FEAT-DEV-3']);
    expect(check(offer(V1 | 1 << (48 - 32), MAC_STATUS), {}, false)).toEqual([]); // EXPERIMENTAL MMIO_MULTI_IRQ
    expect(check(offer(V1 | ADMIN_VQ, MAC_STATUS), { transport: 'pci' }, false)).toEqual([]); // ADMIN_VQ is a PCI feature
  });

  it('FEAT-DEV-5: a Version 2 device offers VERSION_1; a Version 1 (legacy) device need not', () => {
    expect(ids(check([...offer(0, MAC_STATUS), ws(ACK | DRIVER | FAILED)]))).toEqual(['FEAT-DEV-5']);
    expect(check([...offer(0, MAC_STATUS), ...accept(0, MAC_STATUS), ws(ACK | DRIVER | DRIVER_OK)], { mmioVersion: 1 })).toEqual([]);
  });

  it('FEAT-DRV-6: FEATURES_OK without the offered VERSION_1 is a violation', () => {
    const v = check([...offer(V1, MAC_STATUS), ...accept(0, MAC_STATUS), ...featuresOk(true)]);
    expect(ids(v)).toEqual(['FEAT-DRV-6']);
  });

  it('FEAT-DRV-9: FEATURES_OK for a device that did not offer VERSION_1 is a violation; the legacy sequence passes', () => {
    const legacy = [...offer(0, MAC_STATUS), ...accept(0, MAC_STATUS)];
    expect(ids(check([...legacy, ...featuresOk(true)], { mmioVersion: 1 }))).toEqual(['FEAT-DRV-9']);
    expect(check([...legacy, ws(ACK | DRIVER | DRIVER_OK)], { mmioVersion: 1 })).toEqual([]);
  });

  it('STATUS-DEV-5: a refused FEATURES_OK reads back clear, also when the driver reads again to OR in FAILED', () => {
    const refused = [...offer(V1, MAC_STATUS), ...accept(V1, MAC_STATUS), ...featuresOk(false)];
    expect(check([...refused, rs(ACK | DRIVER), ws(ACK | DRIVER | FAILED)])).toEqual([]);
    const kept = [...offer(V1, MAC_STATUS), ...accept(V1, MAC_STATUS), rs(ACK | DRIVER), ws(ACK | DRIVER | FEATURES_OK), devAnswer(false), rs(ACK | DRIVER | FEATURES_OK)];
    expect(ids(check(kept, {}, false))).toEqual(['STATUS-DEV-5,FEAT-DEV-2']);
  });

  it('an accepted FEATURES_OK stands: a later read without it is a violation, unless the driver wrote it away', () => {
    const accepted = [...offer(V1, MAC_STATUS), ...accept(V1, MAC_STATUS), ...featuresOk(true)];
    expect(ids(check([...accepted, rs(ACK | DRIVER)]))).toEqual(['FEAT-DEV-2']);
    expect(check([...accepted, ws(ACK | DRIVER), rs(ACK | DRIVER)], { judgeDriver: false })).toEqual([]);
  });

  it('FEAT-DRV-4: a driver that stops negotiating sets FAILED; stopping silently is a violation', () => {
    const needsMore = [...offer(V1, MAC_STATUS), ...accept(V1, MAC_STATUS)];
    expect(check([...needsMore, rs(ACK | DRIVER), ws(ACK | DRIVER | FAILED)])).toEqual([]);
    expect(ids(check(needsMore))).toEqual(['FEAT-DRV-4']);
    const refusedSilently = [...needsMore, ...featuresOk(false)];
    expect(ids(check(refusedSilently))).toEqual(['FEAT-DRV-4']);
    expect(check(needsMore, { judgeDriver: false })).toEqual([]); // a harness is not judged
  });

  it('FEAT-DRV-5: FAILED on a valid offer before choosing a subset is a violation; after it, or for an offer without VERSION_1, it is not', () => {
    const unknownBit = offer(V1 | 1 << (48 - 32), MAC_STATUS); // the EXPERIMENTAL MULTI_IRQ bit an unaware driver meets
    expect(ids(check([...unknownBit, rs(ACK | DRIVER), ws(ACK | DRIVER | FAILED)]))).toEqual(['FEAT-DRV-5']);
    expect(check([...unknownBit, ...accept(V1, MAC_STATUS), rs(ACK | DRIVER), ws(ACK | DRIVER | FAILED)])).toEqual([]); // e.g. a protected guest's need
    expect(ids(check([...offer(0, MAC_STATUS), rs(ACK | DRIVER), ws(ACK | DRIVER | FAILED)]))).toEqual(['FEAT-DEV-5']); // Linux refuses it
  });

  it('STATUS-DEV-6: a feature-dependent config field read before FEATURES_OK holds a value in its range', () => {
    const MTU = MAC_STATUS | 1 << VIRTIO_NET_F.MTU;
    const mtuRead = (value: number): ProtocolEvent => ({ t: 'drv.readConfig', off: 10, size: 2, value });
    const run = (value: number) => check([...offer(V1, MTU), mtuRead(value), ...accept(V1, MTU), ...featuresOk(true), ws(0xf)]);
    expect(run(1500)).toEqual([]);
    expect(ids(run(0))).toEqual(['STATUS-DEV-6']);
    expect(check([...offer(V1, MAC_STATUS), mtuRead(0), ...accept(V1, MAC_STATUS), ...featuresOk(true), ws(0xf)])).toEqual([]); // MTU not offered
  });

  it('the negotiation is judged agreed when the device accepts a set the driver should not have sent (transport-unsupported)', () => {
    const v = check([...offer(V1 | ADMIN_VQ, MAC_STATUS), ...accept(V1 | ADMIN_VQ, MAC_STATUS), ...featuresOk(true), rs(0xb), ws(0xf)]);
    expect(ids(v)).toEqual(['FEAT-DEV-3', 'FEAT-DRV-3']);
  });
});
