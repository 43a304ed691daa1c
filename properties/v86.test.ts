// v86 (pinned 0.5.462) virtio-console, virtio-pci modern, driven by the suite's virtio-pci
// driver through the adapter (src/v86): what the oracles say, on fixed seeds, and that the
// trace checks with `virtio-conform check` the same way. Findings are pinned by name.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadVirtioConsole, type V86Any } from '../src/v86/v86-module.ts';
import { v86ConsoleDevice } from '../src/v86/v86-console.ts';
import { runV86, v86TraceJsonl, type V86RunOptions } from '../src/v86/simulation.ts';
import { checkJsonl } from '../src/check/check-jsonl.ts';
import { V86_TRACES } from '../src/v86/runs.ts';

let Console: V86Any;
beforeAll(async () => { Console = await loadVirtioConsole(); }, 30_000);

const run = (o: Partial<V86RunOptions> = {}) => runV86(v86ConsoleDevice(Console), { seed: 1, scheduler: 'pct', tx: 3, queueSize: 4, ...o });
const lines = (text: string) => text.trimEnd().split('\n');
async function* chunks(text: string): AsyncIterable<string> { yield text; }
const summary = (r: ReturnType<typeof run>) => r.violations.map((v) => `${v.property} ${v.requirements.join(',')}: ${v.summary}`);

describe('v86 virtio-console under the virtio-pci driver', () => {
  it('negotiates, transmits and reclaims with no violation on fixed seeds (PCT and random)', () => {
    for (const scheduler of ['pct', 'random'] as const) {
      for (let seed = 1; seed <= 10; seed++) {
        const r = run({ seed, scheduler });
        expect(r.outcome, `${scheduler} seed ${seed}`).toBe('quiescent');
        expect(r.driver.reclaimed, `${scheduler} seed ${seed}`).toBe(3);
        expect(summary(r), `${scheduler} seed ${seed}`).toEqual([]);
      }
    }
  });

  it('is judged, not skipped: status, features, queues and the interrupt are all in the decoded run', () => {
    const text = v86TraceJsonl(run());
    expect(text).toContain('"name":"dev.featuresOk","data":{"accepted":true,"hi":1,"lo":0}'); // VERSION_1 only
    expect(text).toMatch(/"type":"mmio.write","dev":0,"off":20,"size":1,"value":15,/); // device_status = DRIVER_OK
    expect(text.match(/"name":"dev.pushUsed","data":\{"head":\d,"q":1,/g)?.length).toBe(3);
    expect(text).toContain('"name":"dev.isr","data":{"line":0,"q":1,"set":1,"value":1}');
    expect(text).toContain('"site":"drv.irq.read_isr"');
  });

  it('same seed, same trace', () => {
    expect(v86TraceJsonl(run({ seed: 7 }))).toBe(v86TraceJsonl(run({ seed: 7 })));
  });

  it('its trace checks conformant with `check`, and a driver that skips the FEATURES_OK read-back is caught there', async () => {
    const text = v86TraceJsonl(run());
    const ok = await checkJsonl(chunks(text));
    expect(ok.violations).toEqual([]);
    expect(ok.ran).toEqual(expect.arrayContaining(['P-STATUS', 'P-FEAT', 'P-IRQ-MUST', 'P-KICK-MUST', 'P-QUIESCE']));
    const corrupted = lines(text).filter((l) => !(l.includes('"type":"mmio.read"') && l.includes('"off":20,') && l.includes('"site":"drv.read_status"'))).join('\n');
    const bad = await checkJsonl(chunks(corrupted));
    expect(bad.violations.map((v) => v.requirements).flat()).toContain('STATUS-DRV-8');
  });
});

describe('findings', () => {
  it('V86-1: a buffer kicked before DRIVER_OK is consumed and notified (STATUS-DEV-1, §2.1.2 MUST NOT)', async () => {
    const r = run({ workload: 'kick-before-driver-ok', tx: 2 });
    expect(summary(r)).toEqual([
      'P-STATUS STATUS-DEV-1,STATUS-DEV-4: device used a buffer of vq1 in state initialising (status ACK|DRV|FEAT_OK)',
      'P-STATUS STATUS-DEV-1,STATUS-DEV-4: device notified vq1 in state initialising (status ACK|DRV|FEAT_OK)',
    ]);
    const text = v86TraceJsonl(r);
    const report = await checkJsonl(chunks(text));
    const at = report.violations.map((v) => v.line);
    expect(at).toEqual([85, 101]);
    expect(lines(text)[85 - 1]).toContain('"name":"dev.popAvail","data":{"head":0,"nextAvail":1,"q":1}');
    expect(lines(text)[101 - 1]).toContain('"name":"dev.isr","data":{"line":0,"q":1,"set":1,"value":1}');
  });

  it('V86-2: any Status byte is stored as written, e.g. DRIVER from reset (the suite\'s device-status statechart; no spec MUST)', () => {
    const r = run({ workload: 'status-gating', tx: 0 });
    expect(r.outcome).toBe('quiescent');
    expect(summary(r)[0]).toBe('P-STATUS STATUS-DEV-1,STATUS-DEV-4: device now holds Status=DRV in state reset (status 0)');
    expect(r.violations.every((v) => v.property === 'P-STATUS')).toBe(true);
  });

  it('V86-3: PORT_READY returns its control buffer twice — used.idx moves past the buffers taken (P-WRAP, §2.7.6.1 / §2.7.13.3)', async () => {
    const r = run({ workload: 'multiport', tx: 2, queueSize: 8 });
    expect(summary(r)).toEqual([
      'P-WRAP §2.7.6.1,§2.7.13.3: device wrote vq3 used.idx=3 after 2, with next_avail 2 (16-bit indices)',
      // the consequence: the driver found used id 0 twice, broke vq3 (Linux BAD_RING) and stopped reading it
      'P-QUIESCE NOTIF-DEV-2,NOTIF-DEV-4,NOTIF-DRV-9,MMIO-DRV-16: lost interrupt: quiescent with used.idx=3 on vq3 but the driver consumed up to 2',
    ]);
    const text = v86TraceJsonl(r);
    const report = await checkJsonl(chunks(text));
    expect(report.violations.map((v) => v.line)).toEqual([499, 632]);
    const l = lines(text);
    expect(l[477 - 1]).toContain('"name":"dev.popAvail","data":{"head":0,"nextAvail":2,"q":3}');
    expect(l[491 - 1]).toContain('"name":"dev.pushUsed","data":{"head":0,"q":3,"usedIdx":2}');
    expect(l[500 - 1]).toContain('"name":"dev.pushUsed","data":{"head":0,"q":3,"usedIdx":3}');
    expect(l[627 - 1]).toContain('"name":"drv.badRing"');
  });

  it('V86-4: with fewer control receive buffers than its messages, v86 pops a buffer that is not there (its own assertion: P-FAULT)', () => {
    const trace = vi.spyOn(console, 'trace').mockImplementation(() => {}); // v86's dbg_assert prints a stack first
    const r = run({ workload: 'multiport', tx: 1, queueSize: 4 });
    expect(r.outcome).toBe('fault');
    expect(summary(r)).toContain('P-FAULT : process 0 failed: Assert failed: VirtQueue must not pop nonexistent request');
    trace.mockRestore();
  });

  it('fixtures/v86 are the traces these runs write (npx tsx src/v86/write-traces.ts)', () => {
    for (const [file, options] of V86_TRACES) expect(v86TraceJsonl(run(options)), file).toBe(readFileSync(`fixtures/v86/${file}`, 'utf8'));
  });
});
