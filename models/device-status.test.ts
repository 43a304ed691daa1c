// Unit tests for the device-status oracles: driver side (§2.1.1, §3.1.1, §3.1.2) and
// device side (§2.1.2, §2.4.1). Fixtures are data: { input, steps: [{ event, accepted }] }.
import { describe, it, expect } from 'vitest';
import { initialTransition } from 'xstate';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { getShortestPaths, toDirectedGraph } from 'xstate/graph';
import type { DirectedGraphNode } from 'xstate/graph';
import { deviceStatusMachine, driverStatusMachine, hasObligation, stepOracle } from './index.ts';
import { allNodeIds, replayMachine } from './replay.test-helper.ts';
import type { DeviceStatusEvent, DriverStatusEvent } from './index.ts';

interface Fixture<E> {
  name: string;
  legacy: boolean;
  steps: { event: E; accepted: boolean }[];
}

const ok = <E>(event: E) => ({ event, accepted: true });
const no = <E>(event: E) => ({ event, accepted: false });
const write = (value: number): DriverStatusEvent => ({ type: 'drv.writeStatus', value });
const read = (value: number): DriverStatusEvent => ({ type: 'drv.readStatus', value });
const kick: DriverStatusEvent = { type: 'drv.kick', queue: 0 };
const store = (value: number): DeviceStatusEvent => ({ type: 'dev.storeStatus', value });
const use: DeviceStatusEvent = { type: 'dev.useBuffer', queue: 0 };
const irq: DeviceStatusEvent = { type: 'dev.notifyUsed', queue: 0 };
const cfgIrq: DeviceStatusEvent = { type: 'dev.notifyConfig' };

const replay = (machine: AnyStateMachine, legacy: boolean, events: readonly unknown[]) => replayMachine(machine, { legacy }, events);

const LINUX_INIT = [ok(write(0)), ok(write(1)), ok(write(3)), ok<DriverStatusEvent>({ type: 'drv.writeDriverFeatures' }), ok(write(0x0b)), ok(read(0x0b))];

const DRIVER_FIXTURES: Fixture<DriverStatusEvent>[] = [
  { name: 'Linux: 0,1,3,0xB,(read 0xB),queues,config,0xF,kick', legacy: false, steps: [
    ...LINUX_INIT, ok({ type: 'drv.queueSetup', queue: 0 }), ok({ type: 'drv.writeConfig' }), ok(write(0x0f)), ok(kick)] },
  { name: 'legacy 0,1,3,7 (§3.1.2): config and queues from DRIVER', legacy: true, steps: [
    ok(write(0)), ok(write(1)), ok(write(3)), ok({ type: 'drv.writeConfig' }), ok({ type: 'drv.queueSetup', queue: 0 }), ok(write(7)), ok(kick)] },
  { name: 'STATUS-DRV-10: kick before DRIVER_OK', legacy: false, steps: [
    no(kick), ok(write(1)), no(kick), ok(write(3)), no(kick), ok(write(0x0b)), no(kick), ok(read(0x0b)), no(kick)] },
  { name: 'STATUS-DRV-8: DRIVER_OK without reading FEATURES_OK back', legacy: false, steps: [
    ok(write(1)), ok(write(3)), ok(write(0x0b)), no(write(0x0f)), no({ type: 'drv.queueSetup', queue: 0 })] },
  { name: 'STATUS-DRV-9: FEATURES_OK refused → only FAILED or reset', legacy: false, steps: [
    ok(write(1)), ok(write(3)), ok(write(0x0b)), ok(read(0x03)), no(write(0x0f)), no({ type: 'drv.queueSetup', queue: 0 }),
    ok(write(0x8b)), no(write(0x8b)), no(write(1)), ok(read(0x8b)), ok(write(0))] },
  { name: 'STATUS-DRV-9: FAILED ORed into the status read back (Linux virtio_add_status) is fine too', legacy: false, steps: [
    ok(write(1)), ok(write(3)), ok(write(0x0b)), ok(read(0x03)), no(write(0x03)), ok(write(0x83)), no(write(0x8b)), no(kick), ok(write(0))] },
  { name: 'STATUS-DRV-3: after FAILED only a reset', legacy: false, steps: [
    ok(write(1)), ok(write(0x81)), no(write(0x83)), no(kick), ok(write(0)), ok(write(1))] },
  { name: 'STATUS-DRV-6/7: no config write before FEATURES_OK, no feature write after', legacy: false, steps: [
    ok(write(1)), ok(write(3)), no({ type: 'drv.writeConfig' }), ok(write(0x0b)), ok(read(0x0b)), no({ type: 'drv.writeDriverFeatures' })] },
  { name: 'STATUS-DRV-2/5: clearing a bit, skipping a step', legacy: false, steps: [
    ok(write(1)), no(write(0x02)), no(write(0x0b)), ok(write(3)), no(write(0x07)), no(write(0x01))] },
  { name: 'STATUS-DRV-5: a queue set up after DRIVER_OK (no RING_RESET modelled)', legacy: false, steps: [
    ...LINUX_INIT, ok({ type: 'drv.queueSetup', queue: 0 }), ok(write(0x0f)), no({ type: 'drv.queueSetup', queue: 2 }), ok(kick)] },
  { name: 'NEEDS_RESET read while live: read-modify-write FAILED (0xCF) is fine', legacy: false, steps: [
    ...LINUX_INIT, ok(write(0x0f)), ok(read(0x4f)), ok(write(0xcf)), ok(write(0))] },
];

const DEVICE_FIXTURES: Fixture<DeviceStatusEvent>[] = [
  { name: 'Linux sequence stored, activated, used, reset', legacy: false, steps: [
    ok(store(0)), ok(store(1)), ok(store(3)), ok(store(0x0b)), ok(cfgIrq), no({ type: 'dev.activate' }), ok(store(0x0f)),
    ok({ type: 'dev.activate' }), ok(use), ok(irq), ok(cfgIrq), ok({ type: 'dev.reset' })] },
  { name: 'legacy 0,1,3,7 then activate', legacy: true, steps: [
    ok(store(1)), ok(store(3)), ok(store(7)), ok({ type: 'dev.activate' }), ok(use)] },
  { name: 'BZ-FC-04: device stores 0x04 from 0x0B', legacy: false, steps: [
    ok(store(1)), ok(store(3)), ok(store(0x0b)), no(store(0x04))] },
  { name: 'STATUS-DEV-5: refusing FEATURES_OK keeps 0x03', legacy: false, steps: [
    ok(store(1)), ok(store(3)), ok(store(3)), ok(store(0x83)), no({ type: 'dev.activate' }), ok(store(0))] },
  { name: 'STATUS-DEV-1: no buffers or used notifications before activation', legacy: false, steps: [
    no(use), no(irq), ok(store(1)), ok(store(3)), ok(store(0x0b)), ok(store(0x0f)), no(use), no(irq)] },
  { name: 'STATUS-DEV-1: no activation with FAILED', legacy: false, steps: [
    ok(store(1)), ok(store(3)), ok(store(0x0b)), ok(store(0x0f)), ok(store(0x8f)), no({ type: 'dev.activate' })] },
  { name: 'STATUS-DEV-4: nothing after a reset until re-initialised', legacy: false, steps: [
    ok(store(1)), ok(store(3)), ok(store(0x0b)), ok(store(0x0f)), ok({ type: 'dev.activate' }), ok(store(0)),
    no(use), no(irq), no(cfgIrq), no({ type: 'dev.setNeedsReset' }), ok(store(1)), no(use)] },
  { name: 'STATUS-DEV-2: NEEDS_RESET while live owes a config notification', legacy: false, steps: [
    ok(store(1)), ok(store(3)), ok(store(0x0b)), ok(store(0x0f)), ok({ type: 'dev.activate' }), ok({ type: 'dev.setNeedsReset' }),
    ok(use), ok(cfgIrq), ok(store(0xcf)), ok({ type: 'dev.reset' })] },
  { name: 'Firecracker: activation fails at DRIVER_OK → NEEDS_RESET + config irq', legacy: false, steps: [
    ok(store(1)), ok(store(3)), ok(store(0x0b)), ok(store(0x0f)), ok({ type: 'dev.setNeedsReset' }), no(use), ok(cfgIrq), no(use)] },
];

describe('driverStatusMachine', () => {
  it.each(DRIVER_FIXTURES)('$name', ({ legacy, steps }) => {
    // Arrange
    const events = steps.map((s) => s.event);
    // Act
    const { accepted } = replay(driverStatusMachine, legacy, events);
    // Assert
    expect(accepted).toEqual(steps.map((s) => s.accepted));
  });

  it('owes a status read-back after FEATURES_OK (STATUS-DRV-8 obligation)', () => {
    const { snapshot } = replay(driverStatusMachine, false, [write(1), write(3), write(0x0b)]);
    const after = stepOracle(driverStatusMachine, snapshot as never, read(0x0b)).snapshot;
    expect([hasObligation(snapshot), hasObligation(after)]).toEqual([true, false]);
  });

  /** Next step of the cumulative sequence per state (spec §3.1.1 / §3.1.2), written out by hand. */
  const NEXT: Record<string, Record<string, number>> = {
    modern: { reset: 0x01, acknowledged: 0x03, driver: 0x0b, featuresOk: 0x0f },
    legacy: { reset: 0x01, acknowledged: 0x03, driver: 0x07 },
  };
  it.each([false, true])('legacy=%s: accepted status bytes are exactly {0, cur|FAILED, next step} in every reachable state (and read-back|FAILED after a refusal)', (legacy) => {
    // Arrange: every (state, status) reachable with any byte written and the read-backs 0x03/0x0B
    const bytes = Array.from({ length: 256 }, (_, b) => b);
    const events = [...bytes.map(write), read(0x03), read(0x0b)];
    const reachable = getShortestPaths(driverStatusMachine, { input: { legacy }, events }).map((p) => p.state);
    const next = NEXT[legacy ? 'legacy' : 'modern'] ?? {};
    for (const snapshot of reachable) {
      const { status } = snapshot.context;
      const expected = new Set([0]);
      if ((status & 0x80) === 0) expected.add(status | 0x80);
      // After a refused FEATURES_OK, FAILED may also be ORed into the status read back (FEATURES_OK clear).
      if (String(snapshot.value) === 'featuresRejected') expected.add((status & ~0x08) | 0x80);
      const step = next[String(snapshot.value)];
      if (step !== undefined) expected.add(step);
      // Act
      const accepted = bytes.filter((b) => snapshot.can(write(b)));
      // Assert
      expect({ state: snapshot.value, status, accepted }).toEqual({ state: snapshot.value, status, accepted: [...expected].sort((a, b) => a - b) });
    }
    const states = new Set(reachable.map((s) => String(s.value)));
    const modern = ['reset', 'acknowledged', 'driver', 'featuresOkUnconfirmed', 'featuresOk', 'featuresRejected', 'driverOk', 'failed'];
    expect([...states].sort()).toEqual((legacy ? ['reset', 'acknowledged', 'driver', 'driverOk', 'failed'] : modern).sort());
  });
});

describe('deviceStatusMachine', () => {
  it.each(DEVICE_FIXTURES)('$name', ({ legacy, steps }) => {
    const { accepted } = replay(deviceStatusMachine, legacy, steps.map((s) => s.event));
    expect(accepted).toEqual(steps.map((s) => s.accepted));
  });

  it('stored values accepted from 0x0B are {0, 0x0B, 0x0F, 0x8B} (BZ-FC-04 family)', () => {
    const { snapshot } = replay(deviceStatusMachine, false, [store(1), store(3), store(0x0b)]);
    const accepted = Array.from({ length: 256 }, (_, b) => b).filter((b) => snapshot.can(store(b)));
    expect(accepted).toEqual([0x00, 0x0b, 0x0f, 0x8b]);
  });

  it('the config notification owed after NEEDS_RESET is an obligation until sent (STATUS-DEV-2)', () => {
    const live = [store(1), store(3), store(0x0b), store(0x0f), { type: 'dev.activate' } as const];
    const owing = replay(deviceStatusMachine, false, [...live, { type: 'dev.setNeedsReset' }]).snapshot;
    const paid = replay(deviceStatusMachine, false, [...live, { type: 'dev.setNeedsReset' }, cfgIrq]).snapshot;
    expect([hasObligation(owing), hasObligation(paid)]).toEqual([true, false]);
  });
});

describe('no dead states (xstate/graph)', () => {
  it.each([
    { machine: driverStatusMachine, fixtures: DRIVER_FIXTURES as Fixture<unknown>[] },
    { machine: deviceStatusMachine, fixtures: DEVICE_FIXTURES as Fixture<unknown>[] },
  ])('every state node of $machine.id is reached by an accepted step of a fixture', ({ machine, fixtures }) => {
    // Arrange
    const nodes = allNodeIds(toDirectedGraph(machine));
    // Act
    const visited = new Set(fixtures.flatMap((f) => [...replay(machine, f.legacy, f.steps.map((s) => s.event)).visited]));
    // Assert
    expect(nodes.filter((id) => !visited.has(id))).toEqual([]);
    expect(nodes.length).toBeGreaterThan(4);
  });
});
