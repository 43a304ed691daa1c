// Unit tests for the net-mq oracle model: §5.1.9.5.6 (NET-MQ-DRV-1..4, NET-MQ-DEV-2/3),
// NET-CVQ-1, and the VQ_PAIRS_SET answer rule (QEMU virtio_net_handle_mq).
import { describe, expect, it } from 'vitest';
import { getShortestPaths, toDirectedGraph } from 'xstate/graph';
import { netMqMachine, pairsAcceptable, type NetMqEvent } from './index.ts';
import { allNodeIds, replayMachine } from './replay.test-helper.ts';

const ok = (event: NetMqEvent) => ({ event, accepted: true });
const no = (event: NetMqEvent) => ({ event, accepted: false });

/** Feature negotiation, max_virtqueue_pairs = 2, the five queues ready, DRIVER_OK. */
const UP = [
  ok({ type: 'features', mq: true }), ok({ type: 'config', maxPairs: 2 }),
  ...[0, 1, 2, 3, 4].map((q) => ok({ type: 'queueReady', q })), ok({ type: 'driverOk' }),
];
const submit = (pairs: number, judged = true): NetMqEvent => ({ type: 'submit', pairs, judged });
const complete = (ack: number, judged = true): NetMqEvent => ({ type: 'complete', ack, judged });

const FIXTURES: { name: string; steps: { event: NetMqEvent; accepted: boolean }[] }[] = [
  { name: 'only receiveq1 and transmitq1 before any VQ_PAIRS_SET (NET-MQ-DRV-3, NET-MQ-DEV-2)',
    steps: [...UP, ok({ type: 'tx', pair: 0 }), ok({ type: 'rx', pair: 0 }), no({ type: 'tx', pair: 1 }), no({ type: 'rx', pair: 1 })] },
  { name: 'widening: the device switches rx at completion, not at submission',
    steps: [...UP, ok(submit(2)), no({ type: 'rx', pair: 1 }), no({ type: 'tx', pair: 1 }), ok(complete(0)), ok({ type: 'rx', pair: 1 }), ok({ type: 'tx', pair: 1 })] },
  { name: 'narrowing: the driver stops tx above n at submission (NET-MQ-DRV-4), the device rx at completion (NET-MQ-DEV-3)',
    steps: [...UP, ok(submit(2)), ok(complete(0)), ok(submit(1)), no({ type: 'tx', pair: 1 }), ok({ type: 'rx', pair: 1 }), ok(complete(0)), no({ type: 'rx', pair: 1 })] },
  { name: 'requests out of range, before DRIVER_OK, or over queues not set up are refused (NET-MQ-DRV-1/2, NET-CVQ-1)',
    steps: [ok({ type: 'features', mq: true }), ok({ type: 'config', maxPairs: 2 }), ok({ type: 'queueReady', q: 0 }), ok({ type: 'queueReady', q: 1 }),
      no(submit(1)), ok({ type: 'driverOk' }), no(submit(0)), no(submit(3)), no(submit(2)), ok(submit(1))] },
  { name: 'the device must answer ERR above max and OK within it',
    steps: [...UP, ok(submit(3, false)), no(complete(0)), ok(complete(1)), ok(submit(2)), no(complete(1)), ok(complete(0))] },
  { name: 'without MQ negotiated every VQ_PAIRS_SET is refused by the device',
    steps: [ok({ type: 'features', mq: false }), ok({ type: 'driverOk' }), ok(submit(1, false)), no(complete(0)), ok(complete(1))] },
  { name: 'an ERR leaves the old count in force on both sides',
    steps: [...UP, ok(submit(2)), ok(complete(0)), ok(submit(1)), ok(complete(1, false)), ok({ type: 'tx', pair: 1 }), ok({ type: 'rx', pair: 1 })] },
  { name: 'reset returns to one pair',
    steps: [...UP, ok(submit(2)), ok(complete(0)), ok({ type: 'reset' }), no({ type: 'rx', pair: 1 })] },
];

describe('net-mq statechart', () => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const { accepted } = replayMachine(netMqMachine, undefined, f.steps.map((s) => s.event));
    expect(accepted).toEqual(f.steps.map((s) => s.accepted));
  });

  it('a command in flight is an obligation (the device owes the answer)', () => {
    const { snapshot } = replayMachine(netMqMachine, undefined, [...UP.map((s) => s.event), submit(2)]);
    expect(snapshot.hasTag('obligation')).toBe(true);
  });

  it('answers VQ_PAIRS_SET like QEMU: OK iff MQ and 1 ≤ n ≤ max', () => {
    for (let n = 0; n <= 5; n++) expect(pairsAcceptable({ mq: true, maxPairs: 3 }, n), String(n)).toBe(n >= 1 && n <= 3);
    expect(pairsAcceptable({ mq: false, maxPairs: 3 }, 1)).toBe(false);
  });

  it('the fixtures visit every state, and every state is reachable from a generated path', () => {
    const nodes = allNodeIds(toDirectedGraph(netMqMachine));
    const visited = new Set<string>();
    for (const f of FIXTURES) for (const id of replayMachine(netMqMachine, undefined, f.steps.map((s) => s.event)).visited) visited.add(id);
    expect([...visited].sort()).toEqual([...nodes].sort());
    const events: NetMqEvent[] = [{ type: 'features', mq: true }, { type: 'config', maxPairs: 1 }, { type: 'queueReady', q: 0 }, { type: 'queueReady', q: 1 },
      { type: 'driverOk' }, submit(1), complete(0)];
    const reached = new Set(getShortestPaths(netMqMachine, { events }).map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual(['commandInFlight', 'idle']);
  });
});
