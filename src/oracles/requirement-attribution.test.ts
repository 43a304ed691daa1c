// Which requirement a violation names: the rules that tell one status slip from another,
// undefined InterruptACK bits, and a device that keeps FEATURES_OK for a set it never offered.
// Each rule is shown to fire on the slip and to stay quiet on the conforming sequence.

import { describe, expect, it } from 'vitest';
import type { OracleContext, Oracle } from './types.ts';
import type { ProtocolEvent } from './decode.ts';
import { RingView } from './ring-view.ts';
import { statusOracle } from './p-status.ts';
import { isrOracle } from './p-isr.ts';
import { featureOracle } from './p-feat.ts';

const CTX: OracleContext = {
  mmioVersion: 2, line: 0, interruptLines: { count: 1, status: 'shared', gate: 'always' }, buffered: true, judgeDriver: true,
};

/** Requirement ids named by the oracle's violations over `events`. */
function named(oracle: Oracle, events: readonly ProtocolEvent[], ctx: OracleContext = CTX): string[][] {
  const run = oracle.start(ctx, { rings: new RingView() });
  events.forEach((ev, at) => run.onEvent(ev, at));
  run.finish({ t: 'quiescent' }, events.length);
  return run.violations.map((v) => [...v.requirements]);
}

const write = (value: number): ProtocolEvent => ({ t: 'drv.writeStatus', value });
const read = (value: number): ProtocolEvent => ({ t: 'drv.readStatus', value });

describe('P-STATUS names the status rule a write breaks', () => {
  it('accepts the Linux sequence 0, 1, 3, 0xB, (read), 0xF', () => {
    expect(named(statusOracle, [write(0), write(1), write(3), write(0x0b), read(0x0b), write(0x0f)])).toEqual([]);
  });

  it('two bits in one write: STATUS-DRV-1 (and, on MMIO, MMIO-DRV-15)', () => {
    expect(named(statusOracle, [write(0), write(3)])).toEqual([['STATUS-DRV-1', 'STATUS-DRV-5', 'MMIO-DRV-15']]);
  });

  it('a write that clears a bit: STATUS-DRV-2', () => {
    expect(named(statusOracle, [write(0), write(1), write(2)])).toEqual([['STATUS-DRV-2', 'STATUS-DRV-5', 'MMIO-DRV-15']]);
  });

  it('a skipped step: STATUS-DRV-5 alone; over PCI without MMIO-DRV-15', () => {
    expect(named(statusOracle, [write(0), write(1), write(3), write(0x07)])).toEqual([['STATUS-DRV-5', 'MMIO-DRV-15']]);
    expect(named(statusOracle, [write(0), write(1), write(3), write(0x07)], { ...CTX, transport: 'pci' })).toEqual([['STATUS-DRV-5']]);
  });

  it('a queue set up after DRIVER_OK: STATUS-DRV-5', () => {
    const init = [write(0), write(1), write(3), write(0x0b), read(0x0b)];
    expect(named(statusOracle, [...init, { t: 'drv.queueSetup', queue: 0 }, write(0x0f)])).toEqual([]);
    expect(named(statusOracle, [...init, write(0x0f), { t: 'drv.queueSetup', queue: 2 }])).toEqual([['STATUS-DRV-5', 'MMIO-DRV-15']]);
  });
});

describe('P-ISR: InterruptACK carries only defined bits (MMIO-DRV-11)', () => {
  const raised: ProtocolEvent = { t: 'note', name: 'dev.isr', data: { value: 1, set: 1, q: 0, line: 0 } };
  const cleared: ProtocolEvent = { t: 'note', name: 'dev.isr', data: { value: 0, set: 0, q: -1, line: 0 } };

  it('accepts an ACK of the bit read', () => {
    expect(named(isrOracle, [raised, { t: 'drv.readIsr', value: 1 }, { t: 'drv.ack', value: 1 }, cleared])).toEqual([]);
  });

  it('flags all ones, unless the driver is a harness', () => {
    const events: ProtocolEvent[] = [raised, { t: 'drv.readIsr', value: 1 }, { t: 'drv.ack', value: 0xffff_ffff }, cleared];
    expect(named(isrOracle, events)).toEqual([['MMIO-DRV-11']]);
    expect(named(isrOracle, events, { ...CTX, judgeDriver: false })).toEqual([]);
  });
});

describe('P-FEAT judges the set the device accepted (FEAT-DEV-2)', () => {
  // Offer VERSION_1 (bit 32) and bit 0; the driver's write of bit 29 was rejected, yet the device says it accepted it.
  const offer: ProtocolEvent[] = [
    write(0), write(1), write(3),
    { t: 'drv.selectDeviceFeatures', sel: 1 }, { t: 'drv.readDeviceFeatures', value: 1 },
    { t: 'drv.selectDeviceFeatures', sel: 0 }, { t: 'drv.readDeviceFeatures', value: 1 },
  ];
  const featuresOk = (lo: number): ProtocolEvent => ({ t: 'note', name: 'dev.featuresOk', data: { accepted: true, lo, hi: 1 } });

  it('accepts FEATURES_OK kept for an offered set', () => {
    const accept: ProtocolEvent[] = [{ t: 'drv.selectDriverFeatures', sel: 1 }, { t: 'drv.writeDriverFeatures', value: 1 }, { t: 'drv.selectDriverFeatures', sel: 0 }, { t: 'drv.writeDriverFeatures', value: 1 }];
    expect(named(featureOracle, [...offer, ...accept, write(0x0b), featuresOk(1)])).toEqual([]);
  });

  it('flags FEATURES_OK kept for a set with an unoffered bit, even when the statechart rejected the write', () => {
    const v = named(featureOracle, [...offer, { t: 'drv.selectDriverFeatures', sel: 0 }, { t: 'drv.writeDriverFeatures', value: 1 | (1 << 29) }, write(0x0b), featuresOk(1 | (1 << 29))]);
    expect(v.at(-1)).toEqual(['FEAT-DEV-2']);
  });
});
