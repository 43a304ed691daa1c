// The msi-vector statechart (spec-notes §5.3, §6.5.3): fixtures for the PCI semantics, then
// model-based tests — xstate/graph's shortest paths to every state, replayed against the
// reference device's vector table, which must send exactly when and what the chart says.
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { getShortestPaths, toDirectedGraph } from 'xstate/graph';
import { hasObligation, msiVectorMachine, stepOracle, type MsiVectorEvent } from './index.ts';
import { allNodeIds, replayMachine } from './replay.test-helper.ts';
import { ArrayChoiceSource, World } from '../src/kernel/index.ts';
import { GuestMemory } from '../src/platform/guest-memory.ts';
import { MmioBus } from '../src/platform/mmio-bus.ts';
import { InterruptController } from '../src/platform/interrupt-controller.ts';
import { DeviceMsiVectors } from '../src/transport/msi/msi-vectors.ts';

const A = { addrLo: 0xfee00000, addrHi: 0, data: 0x22 };
const B = { addrLo: 0xfee01000, addrHi: 0, data: 0x41 };
const commit = (m: typeof A, whole = true): MsiVectorEvent => ({ type: 'dev.commit', ...m, whole });
const send = (m: typeof A): MsiVectorEvent => ({ type: 'dev.send', ...m });

describe('msi-vector statechart', () => {
  it('masked: an event sets pending; unmask owes one send of the message committed meanwhile', () => {
    const r = replayMachine(msiVectorMachine, { maskedAtReset: true },
      [commit(A), { type: 'dev.unmask' }, { type: 'dev.mask' }, { type: 'dev.fire' }, commit(B, false), { type: 'dev.unmask' }]);
    expect(r.accepted.every(Boolean)).toBe(true);
    expect(hasObligation(r.snapshot)).toBe(true);
    expect(stepOracle(msiVectorMachine, r.snapshot, send(A)).accepted).toBe(false); // the old message: rejected
    const paid = stepOracle(msiVectorMachine, r.snapshot, send(B));
    expect(paid.accepted).toBe(true);
    expect(hasObligation(paid.snapshot)).toBe(false);
  });

  it('never sends while masked, and only the committed message', () => {
    const [masked] = initialTransition(msiVectorMachine, { maskedAtReset: true });
    expect(stepOracle(msiVectorMachine, masked, send({ addrLo: 0, addrHi: 0, data: 0 })).accepted).toBe(false);
    const r = replayMachine(msiVectorMachine, { maskedAtReset: false }, [commit(A)]);
    expect(stepOracle(msiVectorMachine, r.snapshot, send(B)).accepted).toBe(false);
    expect(stepOracle(msiVectorMachine, r.snapshot, send(A)).accepted).toBe(true);
  });

  it('counts piecewise changes of an unmasked vector (the update PCIe §6.1.4.5 leaves undefined), not whole commits', () => {
    const r = replayMachine(msiVectorMachine, { maskedAtReset: false }, [commit(A), commit(B, false), commit(A, true)]);
    expect(r.snapshot.context.unsafeUpdates).toBe(1);
  });

  it('every state node is reached (xstate/graph)', () => {
    const nodes = allNodeIds(toDirectedGraph(msiVectorMachine));
    const visited = new Set<string>();
    for (const maskedAtReset of [true, false]) {
      const r = replayMachine(msiVectorMachine, { maskedAtReset },
        [commit(A), { type: 'dev.mask' }, { type: 'dev.fire' }, { type: 'dev.unmask' }, send(A)]);
      for (const id of r.visited) visited.add(id);
    }
    // `start` is transient (it only picks the reset mask state), so no snapshot rests in it.
    expect(nodes.filter((id) => !visited.has(id))).toEqual(['msiVector.start']);
  });
});

/** Drive the device's vector table with a chart event; return what it sent. */
function deviceStep(v: DeviceMsiVectors, sent: () => number, ev: MsiVectorEvent): number {
  const before = sent();
  switch (ev.type) {
    case 'dev.commit': v.commit(0, { addrLo: ev.addrLo, addrHi: ev.addrHi, data: ev.data }, ev.whole); break;
    case 'dev.mask': v.setMask(0, true); break;
    case 'dev.unmask': v.setMask(0, false); break;
    case 'dev.fire': case 'dev.send': v.raise('config', -1); break; // an event: pending if masked, else sent
    default: v.reset(); v.map('config', -1, 0);
  }
  return sent() - before;
}

describe('the reference vector table follows the chart on every shortest path (model-based)', () => {
  const events: MsiVectorEvent[] = [commit(A), commit(B, false), { type: 'dev.mask' }, { type: 'dev.unmask' }, { type: 'dev.fire' }, send(A), send(B)];
  const paths = getShortestPaths(msiVectorMachine, {
    input: { maskedAtReset: true },
    events,
    // The unsafe-update counter grows without bound: states are (node, message, pending).
    serializeState: (s) => JSON.stringify([s.value, s.context.addrLo, s.context.data, s.context.pending]),
    limit: 2000,
  });

  it('generates paths to several states', () => {
    expect(paths.length).toBeGreaterThan(5);
  });

  it('sends exactly where the chart expects a send, and nothing else', () => {
    for (const path of paths) {
      // Arrange: a device vector table, masked at reset like PCI, config mapped to vector 0
      const bus = new MmioBus();
      const world = new World({ memory: new GuestMemory(0x100), bus, memoryModel: 'sc', source: new ArrayChoiceSource([]), maxSteps: 10 });
      const irq = new InterruptController(world, 2, 1);
      bus.controller = irq;
      const v = new DeviceMsiVectors(world, irq.msi, 1, 1, { resetEntry: 0, maskedAtReset: true });
      v.enabled = true;
      const sent = () => world.trace.filter((r) => r.kind === 'effect' && r.effect.kind === 'sendMsi').length;
      let [snap] = initialTransition(msiVectorMachine, { maskedAtReset: true });
      for (const step of path.steps) {
        const ev = step.event as MsiVectorEvent;
        // Act: the chart's step and the device's
        const owed = hasObligation(snap);
        const n = deviceStep(v, sent, ev.type === 'dev.send' ? { type: 'dev.fire' } : ev);
        // Assert: the device sent on unmask-with-pending (the chart's obligation) or on an unmasked event
        if (ev.type === 'dev.unmask') expect(n, JSON.stringify(path.steps.map((s) => s.event.type))).toBe(hasObligation(stepOracle(msiVectorMachine, snap, ev).snapshot) ? 1 : 0);
        if (ev.type === 'dev.send') expect(n).toBe(snap.value === 'unmasked' ? 1 : 0);
        if (ev.type === 'dev.commit' || ev.type === 'dev.mask' || ev.type === 'dev.fire') expect(n).toBe(0);
        if (owed) expect(ev.type).toBe('dev.send');
        snap = stepOracle(msiVectorMachine, snap, ev).snapshot;
      }
    }
  });
});
