// P-ROUTE on hand-written event streams: each verdict from the fewest events that show it
// (torn, stale, misrouted, NO_VECTOR fired, a device send while masked, InterruptStatus
// touched with MSI on), and the same stream with the right message passing.
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from './decode.ts';
import { RingView } from './ring-view.ts';
import { routeMsiOracle } from './p-route-msi.ts';
import type { Violation } from './types.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';

const CTX = { mmioVersion: 2 as const, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
const n = (name: string, data: Record<string, number | string | boolean>): ProtocolEvent => ({ t: 'note', name, data });
const msg = (entry: number, phase: 'begin' | 'end', addrLo: number, data: number) => n('drv.msiProgram', { entry, phase, addrLo, addrHi: 0, data });
const send = (addr: number, data: number): ProtocolEvent => ({ t: 'msi.send', addr, data });

/** Vector 0 = config on (cpu0, 0x22), vector 1 = vq0 on (cpu0, 0x23), MSI on. */
const SETUP: ProtocolEvent[] = [
  n('dev.msiReset', { masked: false, vectors: 2 }),
  msg(0, 'begin', 0xfee00000, 0x22), msg(0, 'end', 0xfee00000, 0x22),
  msg(1, 'begin', 0xfee00000, 0x23), msg(1, 'end', 0xfee00000, 0x23),
  n('drv.msiMap', { kind: 'config', q: -1, entry: 0 }), n('drv.msiMap', { kind: 'queue', q: 0, entry: 1 }),
  n('drv.msiEnabled', { profile: 'mmio-msi-2020', vectors: 2 }),
];

function check(events: ProtocolEvent[]): Violation[] {
  const rings = new RingView();
  const run = routeMsiOracle.start(CTX, { rings });
  events.forEach((ev, i) => { rings.observe(ev); run.onEvent(ev, i); });
  run.finish({ t: 'quiescent' }, events.length);
  return run.violations;
}

describe('P-ROUTE (MSI)', () => {
  it('passes the old message while an update is under way, and the new one after', () => {
    expect(check([...SETUP, msg(1, 'begin', 0xfee01000, 0x41), send(0xfee00000, 0x23), send(0xfee01000, 0x41), msg(1, 'end', 0xfee01000, 0x41), send(0xfee01000, 0x41)])).toEqual([]);
  });

  it('a mix of the new address and the old data is torn', () => {
    const v = check([...SETUP, msg(1, 'begin', 0xfee01000, 0x41), send(0xfee01000, 0x23)]);
    expect(v.map((x) => x.summary)).toEqual([expect.stringMatching(/^torn MSI message \(cpu1, 0x23\)/)]);
  });

  it('the old message after the update ended is stale', () => {
    const v = check([...SETUP, msg(1, 'begin', 0xfee01000, 0x41), msg(1, 'end', 0xfee01000, 0x41), send(0xfee00000, 0x23)]);
    expect(v[0]?.summary).toMatch(/^stale MSI message/);
  });

  it('a config change answered on the queue vector is misrouted; with config unmapped, NO_VECTOR fired', () => {
    expect(check([...SETUP, n('dev.configChange', {}), send(0xfee00000, 0x23)])[0]?.summary).toMatch(/^misrouted interrupt: owed for the config change/);
    const unmapped = SETUP.filter((e) => !(e.t === 'note' && e.name === 'drv.msiMap' && e.data.kind === 'config'));
    const v = check([...unmapped, n('dev.configChange', {}), send(0xfee00000, 0x23)]);
    expect(v[0]?.summary).toMatch(/^NO_VECTOR fired/);
    expect(v[0]?.requirements).toContain('PCI-DEV-7');
  });

  it('the device may not send a masked vector, and owes the send when unmasked with the pending bit set', () => {
    const base = [...SETUP, n('dev.msiCommit', { entry: 1, addrLo: 0xfee00000, addrHi: 0, data: 0x23, whole: true }), n('dev.msiMask', { entry: 1, masked: true })];
    expect(check([...base, n('dev.msiSend', { entry: 1 }), send(0xfee00000, 0x23)])[0]?.summary).toMatch(/while it was masked/);
    const owing = check([...base, n('dev.msiPending', { entry: 1 }), n('dev.msiMask', { entry: 1, masked: false })]);
    expect(owing[0]?.summary).toMatch(/pending bit set and never sent/);
  });

  it('reading InterruptStatus or acking with MSI on is the driver\'s violation', () => {
    expect(check([...SETUP, { t: 'drv.readIsr', value: 0 }])[0]?.requirements).toEqual(['MMIO-MSI-DRV-2', 'PCI-DRV-4']);
  });
});
