// Deterministic by construction: the same seed gives the same verdict, path and trace,
// byte for byte; a printed replay path reproduces the counterexample exactly.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { variantByName } from '../src/variants/catalogue.ts';
import { explore } from '../src/explore/explore.ts';
import { resultJson } from '../src/cli/render.ts';
import { toTraceEvents, writeJsonl } from '../src/trace/jsonl.ts';
import { decodePath, encodePath, ArrayChoiceSource } from '../src/kernel/index.ts';
import { runOnce } from '../src/explore/run-once.ts';

const bin = new URL('../bin/virtio-conform.js', import.meta.url).pathname;

describe('determinism and replay', () => {
  it('the same seed gives byte-identical JSON and trace', () => {
    const v = variantByName('BZ-KVT-03b')!;
    const a = explore(v, { runs: 2000, seed: 3, scheduler: 'pct' });
    const b = explore(v, { runs: 2000, seed: 3, scheduler: 'pct' });
    expect(a.verdict).toBe('violated');
    expect(JSON.stringify(resultJson(a))).toBe(JSON.stringify(resultJson(b)));
    const ta = writeJsonl(toTraceEvents(a.counterexample!.result.records, a.counterexample!.result.sim.procNames));
    const tb = writeJsonl(toTraceEvents(b.counterexample!.result.records, b.counterexample!.result.sim.procNames));
    expect(ta).toBe(tb);
  });

  it('a printed path replays to the same violation and trace', () => {
    const v = variantByName('ack-after-process')!;
    const r = explore(v, { runs: 2000, seed: 1, scheduler: 'pct' });
    const c = r.counterexample!;
    const again = runOnce(c.config, new ArrayChoiceSource(decodePath(c.path)));
    expect(again.violations[0]).toEqual(c.violation);
    expect(encodePath(again.path).replace(/0+$/, '')).toBe(c.path);
    expect(writeJsonl(toTraceEvents(again.records, again.sim.procNames))).toBe(writeJsonl(toTraceEvents(c.result.records, c.result.sim.procNames)));
  });
});

describe('the command line', () => {
  it('run --json is byte-identical across invocations and exits 0 when a mutant is caught', () => {
    const args = [bin, 'run', '--variant', 'BZ-CV-03', '--seed', '5', '--json'];
    const a = execFileSync('node', args, { encoding: 'utf8' });
    const b = execFileSync('node', args, { encoding: 'utf8' });
    expect(a).toBe(b);
    const out = JSON.parse(a) as { verdict: string; property: string; replay: string };
    expect(out).toMatchObject({ verdict: 'violated', property: 'P-QUIESCE' });
    expect(out.replay).toMatch(/^npx virtio-conform run --variant BZ-CV-03 /);
  });

  it('a saved counterexample replays from its file (exit 0), a malformed file exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vc-'));
    const file = join(dir, 'cex.json');
    execFileSync('node', [bin, 'run', '--variant', 'BZ-FC-01', '--save', file, '--json'], { encoding: 'utf8' });
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { property: string };
    const replay = spawnSync('node', [bin, 'replay', file, '--json'], { encoding: 'utf8' });
    expect(replay.status).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ verdict: 'violated', property: saved.property });
    writeFileSync(file, '{"format":"virtio-conform/counterexample","version":1,"variant":"BZ-FC-01","path":"0","property":"P-QUIESCE","summary":"","overrides":{"rxPackets":-1,"txPackets":1}}');
    const bad = spawnSync('node', [bin, 'replay', file], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/field "overrides.rxPackets"/);
  });

  it('bad input exits 2 with a one-line error and no stack trace', () => {
    for (const args of [['run', '--variant', 'nope'], ['run', '--runs', 'x'], ['run', '--replay', 'zz!'], ['frobnicate']]) {
      const r = spawnSync('node', [bin, ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr.trim().length).toBeGreaterThan(0);
    }
  });

  it('variants --json lists every variant with kind, bug and expectation', () => {
    const list = JSON.parse(execFileSync('node', [bin, 'variants', '--json'], { encoding: 'utf8' })) as { name: string; kind: string; bug?: string; expect: string }[];
    expect(list.find((v) => v.name === 'mmio-v2')).toEqual({ name: 'mmio-v2', kind: 'reference', expect: 'pass' });
    expect(list.find((v) => v.name === 'BZ-KVT-03a')).toEqual({ name: 'BZ-KVT-03a', kind: 'mutant', bug: 'BZ-KVT-03', expect: 'violate' });
    expect(list.filter((v) => v.kind === 'mutant').every((v) => v.expect === 'violate')).toBe(true);
  });
});
