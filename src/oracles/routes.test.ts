// The checker's routing (OracleStream): an oracle that declares nothing still sees every
// event the decoder makes, in order; `events`, `notes` and `memory: 'ring-fields'` only
// narrow what an oracle sees to what it declared.

import { describe, expect, it } from 'vitest';
import { RandomChoiceSource } from '../kernel/index.ts';
import { buildSimulation } from '../sim/build.ts';
import { DEFAULT_CONFIG } from '../sim/config.ts';
import { oracleContext } from '../explore/run-once.ts';
import { checkRecords, decodeRecords, type Oracle, type ProtocolEvent } from './index.ts';
import { RingView } from './ring-view.ts';

function realRun() {
  const config = { ...DEFAULT_CONFIG, memoryModel: 'tso' as const };
  const sim = buildSimulation(config, new RandomChoiceSource(3));
  sim.world.run();
  return { records: sim.world.trace, ctx: oracleContext(config) };
}

/** An oracle that writes down what it is given (kind, note name, record index). */
function recorder(decl: Partial<Pick<Oracle, 'events' | 'notes' | 'memory'>>, seen: string[]): Oracle {
  return {
    property: 'P-ISR', description: 'records its events', ...decl,
    start: () => ({ violations: [], onEvent: (ev: ProtocolEvent, at: number) => { seen.push(`${at} ${ev.t}${ev.t === 'note' ? ` ${ev.name}` : ''}`); }, finish: () => {} }),
  };
}

/** What the decoder makes of the trace, with the stream's own events (end of run, faults) left out. */
function decoded(records: Parameters<typeof decodeRecords>[0], ctx: ReturnType<typeof oracleContext>, keep: (ev: ProtocolEvent, rings: RingView) => boolean): string[] {
  const rings = new RingView();
  const out: string[] = [];
  decodeRecords(records, ctx, (ev, at) => {
    if (ev.t === 'quiescent' || ev.t === 'budget' || ev.t === 'fault') return;
    if (ev.t === 'note') rings.onNote(ev.name, ev.data);
    else rings.observe(ev);
    if (keep(ev, rings)) out.push(`${at} ${ev.t}${ev.t === 'note' ? ` ${ev.name}` : ''}`);
  });
  return out;
}

describe('OracleStream routing', () => {
  it('gives an oracle that declares nothing every decoded event, in order', () => {
    // Arrange
    const { records, ctx } = realRun();
    const seen: string[] = [];
    // Act
    checkRecords(records, ctx, [recorder({}, seen)]);
    // Assert
    expect(seen.length).toBeGreaterThan(500);
    expect(seen).toEqual(decoded(records, ctx, () => true));
  });

  it('gives a declared oracle exactly the kinds, note names and ring-field memory events it declared', () => {
    // Arrange
    const { records, ctx } = realRun();
    const seen: string[] = [];
    const decl = { events: ['note', 'mem.load', 'drv.kick'] as ProtocolEvent['t'][], notes: ['dev.popAvail', 'dev.isr'], memory: 'ring-fields' as const };
    // Act
    checkRecords(records, ctx, [recorder(decl, seen)]);
    // Assert
    const expected = decoded(records, ctx, (ev, rings) =>
      ev.t === 'drv.kick' || (ev.t === 'note' && decl.notes.includes(ev.name)) || (ev.t === 'mem.load' && rings.current !== undefined));
    expect(expected.some((s) => s.endsWith('mem.load'))).toBe(true);
    expect(seen).toEqual(expected);
  });
});
