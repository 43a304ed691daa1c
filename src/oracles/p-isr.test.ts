// P-ISR's undefined-bit rules on hand-written streams: a device that shows InterruptStatus
// bits v1.4 does not define (MMIO-DEV-3), judged with what the handler then did — a handler
// that still took every defined bit's path leaves the device alone at fault, one the extra
// bit led astray breaks MMIO-DRV-10 too.
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from './decode.ts';
import { RingView } from './ring-view.ts';
import { isrOracle } from './p-isr.ts';
import type { Violation } from './types.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';

const CTX = { mmioVersion: 2 as const, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
const isr = (value: number): ProtocolEvent => ({ t: 'note', name: 'dev.isr', data: { value, set: value, q: 0, line: 0 } });
const read = (value: number): ProtocolEvent => ({ t: 'drv.readIsr', value });
const handled = (status: number, config: boolean, vring: boolean): ProtocolEvent =>
  ({ t: 'note', name: 'drv.irqHandled', data: { cpu: 0, status, handled: vring || config, config, vring } });

function check(events: ProtocolEvent[]): Violation[] {
  const run = isrOracle.start(CTX, { rings: new RingView() });
  events.forEach((ev, i) => run.onEvent(ev, i));
  run.finish({ t: 'budget', step: 0 }, events.length);
  return run.violations;
}

describe('P-ISR: undefined InterruptStatus bits', () => {
  it('defined bits only pass', () => {
    expect(check([isr(1), read(1), handled(1, false, true)])).toEqual([]);
  });

  it('an undefined bit is the device\'s fault (MMIO-DEV-3) when the handler still took the defined bit\'s path', () => {
    const v = check([isr(5), read(5), handled(5, false, true)]);
    expect(v.map((x) => [x.requirements, x.at])).toEqual([[['MMIO-DEV-3'], 1]]);
  });

  it('a handler the undefined bit kept from the queues breaks MMIO-DRV-10 too, reported at the read', () => {
    const v = check([isr(5), read(5), handled(5, false, false)]);
    expect(v.map((x) => [x.requirements, x.at])).toEqual([[['MMIO-DEV-3', 'MMIO-DRV-10'], 1]]);
    expect(check([isr(7), read(7), handled(7, false, true)]).map((x) => x.requirements)).toEqual([['MMIO-DEV-3', 'MMIO-DRV-10']]);
  });

  it('a read whose handler never reports is judged as the device\'s at the end', () => {
    expect(check([isr(5), read(5)]).map((x) => x.requirements)).toEqual([['MMIO-DEV-3']]);
  });
});
