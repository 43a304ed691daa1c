// P-CFG's device rule on hand-written streams (MMIO-DEV-5): a config change between two
// ConfigGeneration reads that return the same value, with config read in between, is a
// device that did not bump the generation; a bumped generation, or no read between, passes.
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from './decode.ts';
import { RingView } from './ring-view.ts';
import { cfgOracle } from './p-cfg.ts';
import type { Violation } from './types.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';

const CTX = { mmioVersion: 2 as const, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
const gen = (value: number): ProtocolEvent => ({ t: 'drv.readGeneration', value });
const byte = (off: number): ProtocolEvent => ({ t: 'drv.readConfig', off, size: 1, value: 0 });
const change = (generation: number): ProtocolEvent => ({ t: 'note', name: 'dev.configChange', data: { status: 3, generation } });
const handled: ProtocolEvent = { t: 'note', name: 'drv.configChanged', data: { status: 3 } };
const driverOk: ProtocolEvent = { t: 'drv.writeStatus', value: 0xf };

function check(events: ProtocolEvent[]): Violation[] {
  const run = cfgOracle.start(CTX, { rings: new RingView() });
  events.forEach((ev, i) => run.onEvent(ev, i));
  run.finish({ t: 'quiescent' }, events.length);
  return run.violations;
}

describe('P-CFG: ConfigGeneration (MMIO-DEV-5)', () => {
  it('a change inside a read loop whose generations agree is the device\'s violation', () => {
    const v = check([driverOk, gen(0), byte(0), change(0), byte(1), gen(0), handled]);
    expect(v.map((x) => x.requirements)).toEqual([['MMIO-DEV-5']]);
    expect(v[0]!.at).toBe(5);
  });

  it('a bumped generation makes the driver read again, and passes', () => {
    expect(check([driverOk, gen(0), byte(0), change(1), byte(1), gen(1), byte(0), byte(1), gen(1), handled])).toEqual([]);
  });

  it('no config read between the generation reads, or a reset between them, is not judged', () => {
    expect(check([driverOk, gen(0), change(0), gen(0), handled])).toEqual([]);
    expect(check([gen(0), byte(0), { t: 'drv.writeStatus', value: 0 }, change(0), driverOk, gen(0), handled])).toEqual([]);
  });

  it('the change after the second read belongs to the next loop', () => {
    expect(check([driverOk, gen(0), byte(0), gen(0), change(0), handled])).toEqual([]);
  });
});
