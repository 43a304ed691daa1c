// The `check` and `schema` commands end to end: exit 0 / 1 / 2, one-line errors, the meta
// line `run --trace` writes, and the violation's trace line on the QEMU fixtures.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../bin/virtio-conform.js', import.meta.url).pathname;
const fixture = (name: string) => new URL(`../fixtures/qemu/${name}`, import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' });

describe('virtio-conform check / schema', () => {
  it('schema prints the JSON Schema', () => {
    const r = cli('schema');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'virtio-conform trace line' });
  });

  it('a counterexample written by run --trace is caught again by check (exit 1); a broken copy exits 2 with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vc-check-'));
    const file = join(dir, 'cex.jsonl');
    expect(cli('run', '--variant', 'BZ-CV-03', '--seed', '5', '--trace', file, '--json').status).toBe(0);
    expect(readFileSync(file, 'utf8').split('\n', 1)[0]).toMatch(/^\{"v":1,"seq":0,"step":0,"actor":"kernel","type":"meta","mmioVersion":2,/);
    const r = cli('check', file, '--json');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { violations: { property: string; line: number }[] };
    expect(report.violations.map((v) => v.property)).toContain('P-QUIESCE');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/"step":\d+/, '"step":"x"');
    writeFileSync(file, lines.join('\n'));
    const bad = cli('check', file);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(`virtio-conform: ${file}: line 4: field "step" must be a non-negative integer below 2^53, got "x"\n`);
  });

  it('qemu: a corrupted excerpt exits 1 naming its line; the excerpt itself exits 0; a missing file exits 2', () => {
    const caught = cli('check', fixture('ack-clears-unwritten.qemu.txt'), '--format', 'qemu');
    expect(caught.status).toBe(1);
    expect(caught.stdout).toMatch(/^line 156 \(device 1\): P-ISR \[MMIO-DEV-3, MMIO-DRV-11\] InterruptACK 0x2 left InterruptStatus 0x0, not 0x1$/m);
    expect(cli('check', fixture('modern-blk-excerpt.qemu.txt'), '--format', 'qemu').status).toBe(0);
    const missing = cli('check', '/nonexistent/trace.log', '--format', 'qemu');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('virtio-conform: /nonexistent/trace.log: no such file\n');
  });
});
