// The device API end to end: the example devices (a generator device, a synchronous one
// through the coarse adapter) pass every oracle; the deliberately buggy copy (no re-check
// before sleeping, NOTIF-DEV-8) is caught as a lost kick; bad modules are one line, exit 2.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArrayChoiceSource, decodePath, RandomChoiceSource } from '../src/kernel/index.ts';
import { runOnce } from '../src/explore/run-once.ts';
import { explore } from '../src/explore/explore.ts';
import { variantByName } from '../src/variants/catalogue.ts';
import { DeviceModuleError, deviceBuilder, fromSynchronousDevice, loadDeviceModule, MMIO, type DeviceFactory } from '../src/index.ts';
import goodDevice from '../examples/virtio-net-device.ts';
import buggyDevice from '../examples/virtio-net-device-buggy.ts';
// @ts-expect-error -- plain JavaScript example, no declarations
import syncDevice from '../examples/sync-net-device.js';

const byName = (name: string) => variantByName(name)!;
const bin = new URL('../bin/virtio-conform.js', import.meta.url).pathname;
const example = (name: string) => new URL(`../examples/${name}`, import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' });

/** One run completes the workload: every packet crossed the device both ways. */
function completes(factory: DeviceFactory, variant: string, seed: number): void {
  const v = byName(variant);
  const r = runOnce(v.config, new RandomChoiceSource(seed), deviceBuilder(factory));
  expect(r.outcome).toBe('quiescent');
  expect(r.violations).toEqual([]);
  expect([...r.sim.driver.received].sort((a, b) => a - b)).toEqual(Array.from({ length: v.config.rxPackets }, (_, i) => i + 1));
  expect(r.sim.driver.txCompleted).toBe(v.config.txPackets);
}

describe('device API: example devices', () => {
  it('the generator example (examples/virtio-net-device.ts) passes every oracle and moves every packet', () => {
    completes(goodDevice as DeviceFactory, 'mmio-v2', 3);
    // The status probe writes every (status × byte): the device must ignore what is not the next init step.
    expect(explore(byName('mmio-v2-status-gating'), { runs: 5, seed: 1, scheduler: 'pct', build: deviceBuilder(goodDevice as DeviceFactory) }).verdict).toBe('pass');
    for (const variant of ['mmio-v2', 'mmio-v2-ioeventfd']) {
      const r = explore(byName(variant), { runs: 150, seed: 1, scheduler: 'pct', build: deviceBuilder(goodDevice as DeviceFactory) });
      expect(r.verdict, variant).toBe('pass');
    }
  });

  it('the synchronous example through fromSynchronousDevice passes, and its ring traffic reaches the oracles', () => {
    const factory = syncDevice as DeviceFactory;
    completes(factory, 'mmio-v2', 3);
    const r = runOnce(byName('mmio-v2').config, new RandomChoiceSource(4), deviceBuilder(factory));
    // Each store of a call is recorded with its flush (TSO): the rings the oracles read are the device's.
    const stores = r.records.filter((x) => x.kind === 'effect' && x.effect.kind === 'store' && x.effect.site === 'dev.sync.store');
    const flushes = r.records.filter((x) => x.kind === 'flush' && r.records.some((y) => y.step === x.step && y.kind === 'effect' && y.effect.kind === 'locked'));
    expect(stores.length).toBeGreaterThan(0);
    expect(flushes.length).toBeGreaterThan(0);
    for (const variant of ['mmio-v2', 'mmio-v2-flags', 'mmio-v2-status-gating']) {
      expect(explore(byName(variant), { runs: 150, seed: 1, scheduler: 'pct', build: deviceBuilder(factory) }).verdict, variant).toBe('pass');
    }
  });

  it('the buggy copy (no re-check before sleeping) is caught: a lost kick on the transmit queue, replayable', () => {
    const build = deviceBuilder(buggyDevice as DeviceFactory);
    const r = explore(byName('mmio-v2'), { runs: 600, seed: 1, scheduler: 'random', build, shrink: false });
    expect(r.verdict).toBe('violated');
    const c = r.counterexample!;
    expect(c.violation.property).toBe('P-QUIESCE');
    expect(c.violation.summary).toMatch(/^lost kick: .* on vq1 /);
    expect(c.violation.requirements).toContain('NOTIF-DEV-8');
    const again = runOnce(c.config, new ArrayChoiceSource(decodePath(c.path)), build);
    expect(again.violations[0]?.summary).toBe(c.violation.summary);
    // The same schedule with the re-check in place passes.
    expect(runOnce(c.config, new ArrayChoiceSource(decodePath(c.path)), deviceBuilder(goodDevice as DeviceFactory)).violations).toEqual([]);
  });
});

describe('device API: a device under test that fails', () => {
  it('is deterministic: the same seed gives the same trace', () => {
    const run = () => runOnce(byName('mmio-v2').config, new RandomChoiceSource(11), deviceBuilder(goodDevice as DeviceFactory));
    const a = run();
    const b = run();
    expect(b.path).toEqual(a.path);
    expect(JSON.stringify(b.records)).toBe(JSON.stringify(a.records));
  });

  it('a register handler that throws is a fault of the device (P-FAULT), not of the simulator', () => {
    const broken: DeviceFactory = (platform) => {
      const inner = (goodDevice as DeviceFactory)(platform);
      return {
        read: (off, size, cpu) => { if (off === MMIO.Status) throw new Error('status register unimplemented'); return inner.read(off, size, cpu); },
        write: (off, size, value, cpu) => inner.write(off, size, value, cpu),
        accessible: () => inner.accessible!(),
        threads: () => inner.threads!(),
      };
    };
    const r = runOnce(byName('mmio-v2').config, new RandomChoiceSource(1), deviceBuilder(broken));
    expect(r.outcome).toBe('fault');
    expect(r.violations[0]).toMatchObject({ property: 'P-FAULT', summary: expect.stringContaining('status register unimplemented') });
  });

  it('a synchronous device whose hasWork throws faults in its poll step', () => {
    const factory = fromSynchronousDevice(() => ({ read: () => 0, write: () => undefined, hasWork: () => { throw new Error('no backend'); }, poll: () => undefined }));
    const r = runOnce(byName('mmio-v2').config, new RandomChoiceSource(1), deviceBuilder(factory));
    expect(r.violations.map((v) => v.summary)).toContainEqual(expect.stringContaining('no backend'));
  });
});

describe('device API: loading a module', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vc-device-'));
  const file = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text); return f; };

  it('missing file, wrong export and a module that throws are DeviceModuleErrors', async () => {
    await expect(loadDeviceModule(join(dir, 'nope.js'))).rejects.toThrow(DeviceModuleError);
    await expect(loadDeviceModule(file('wrong.js', 'export const x = 1;\n'))).rejects.toThrow(/must export a device factory .*exports: x/);
    await expect(loadDeviceModule(file('throws.js', 'throw new Error("boom");\n'))).rejects.toThrow(/failed to load: boom/);
    expect(typeof (await loadDeviceModule(example('virtio-net-device.ts')))).toBe('function');
  });

  it('virtio-conform run --device: exit 0 for the example, 2 in one line for a bad module', () => {
    const ok = cli('run', '--device', example('sync-net-device.js'), '--runs', '5', '--json');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ verdict: 'pass' });
    for (const args of [['--device', join(dir, 'nope.js')], ['--device', file('factory-throws.js', 'export default () => { throw new Error("no such hardware"); };\n')],
      ['--device', example('virtio-net-device.ts'), '--variant', 'mmio-v1']]) {
      const r = cli('run', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
