// `check --format qemu`: the real QEMU 7.2 + Linux 6.1 traces check with zero violations;
// corrupted excerpts of them are each caught by the right oracle at the right line.

import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkQemu } from './check-qemu.ts';
import { QEMU_TRACE_MUTANTS } from './trace-mutants.ts';

const fixture = (name: string) => new URL(`../../fixtures/qemu/${name}`, import.meta.url).pathname;
const REAL = '/work/shared/traces/qemu';

describe('checkQemu on the shipped excerpt and its corrupted copies', () => {
  it('the excerpt (blk probe, DRIVER_OK, first two requests) is conformant, both devices found', async () => {
    const r = await checkQemu(createReadStream(fixture('modern-blk-excerpt.qemu.txt')));
    expect(r.violations).toEqual([]);
    expect(r.devices.map((d) => d.name)).toEqual(['virtio-mmio@0xfeb02e00 v2 net', 'virtio-mmio@0xfeb02c00 v2 blk']);
    expect(r.ran).toEqual(expect.arrayContaining(['P-STATUS', 'P-ISR', 'P-WRAP']));
    expect(r.skipped.map((s) => s.property)).toEqual(expect.arrayContaining(['P-QUIESCE', 'P-IRQ-MUST', 'P-KICK-MUST', 'P-MQ']));
  });

  for (const { file, property, requirement, line, summary } of QEMU_TRACE_MUTANTS) {
    it(`${file}: caught by ${property} (${requirement}) at line ${line}`, async () => {
      const r = await checkQemu(createReadStream(fixture(file)));
      expect(r.verdict).toBe('violations');
      const first = r.violations[0]!;
      expect(first).toMatchObject({ property, line });
      expect(first.requirements).toContain(requirement);
      expect(first.summary).toMatch(summary);
    });
  }
});

describe('checkQemu with the guest kprobe trace (P-KICK-MUST on the driver\'s kick decisions)', () => {
  it('the guest excerpt (two blk requests, both kicked) is conformant', async () => {
    const r = await checkQemu(createReadStream(fixture('modern-blk-excerpt.qemu.txt')), createReadStream(fixture('modern-guest-excerpt.txt')));
    expect(r.violations).toEqual([]);
    expect(r.ran).toContain('P-KICK-MUST');
    expect(r.devices.at(-1)!.name).toBe('guest virtio1 (blk, driver view, EVENT_IDX)');
  });

  it('a kick the rule demands (avail_event 1, avail.idx 1→2) but the driver skipped is caught', async () => {
    const r = await checkQemu(createReadStream(fixture('modern-blk-excerpt.qemu.txt')), createReadStream(fixture('guest-kick-suppressed.txt')));
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ property: 'P-KICK-MUST', requirements: ['NOTIF-DRV-6'], file: 'guest', summary: 'owed kick on vq0 never sent (the end of the run)' });
  });

  it('a malformed guest line names the line and field', async () => {
    const bad = (text: string) => checkQemu(createReadStream(fixture('modern-blk-excerpt.qemu.txt')), Readable.from([text])).then(() => 'accepted', (e: Error) => e.message);
    expect(await bad('garbage\n')).toBe('line 1: is not an ftrace line ("<task>-<pid> [<cpu>] <flags> <time>: <event>: …"): "garbage"');
    expect(await bad('  k-1 [000] d..1.  1.5: kick_prepare: (x) dev=1 vq=99999 num=1024\n')).toBe('line 1: field "kick_prepare.vq" must be an integer between 0 and 1023, got "99999"');
  });
});

describe.runIf(existsSync(REAL))('checkQemu on the real traces (QEMU 7.2 microvm, Linux 6.1), with their guest traces', () => {
  const DECISIONS: Readonly<Record<string, number>> = { legacy: 182, modern: 147, 'modern-mq': 216 }; // README: every kick_prepare/ret pair
  for (const cfg of ['legacy', 'modern', 'modern-mq']) {
    it(`${cfg}: zero violations, net and blk judged on both sides`, async () => {
      const r = await checkQemu(createReadStream(`${REAL}/${cfg}/qemu-trace.log`), createReadStream(`${REAL}/${cfg}/guest-ktrace.txt`));
      expect(r.violations).toEqual([]);
      expect(r.devices.map((d) => d.name.split(' ')[2]?.replace(/[(,]/g, ''))).toEqual(['net', 'blk', 'net', 'blk']);
      expect(r.records).toBeGreaterThan(3000);
      expect(r.notes.join(' ')).toContain(`(${DECISIONS[cfg]} kick decisions)`);
    });
  }
});

describe('checkQemu on bad input', () => {
  const bad = async (text: string) => checkQemu(Readable.from([text])).then(() => 'accepted', (e: Error) => e.message);
  it('names the line and field', async () => {
    expect(await bad('')).toBe('line 1: is missing: the trace is empty');
    expect(await bad('588@1.2:virtqueue_flush vq 0x1 count 1\n588@1.3:virtqueue_flush vq zz count 1\n')).toBe('line 2: field "virtqueue_flush.vq" must be a pointer (0x…), got "zz"');
    expect(await bad('1@1.1:memory_region_ops_read cpu 0 mr 0x1 addr 0x1fffffffffffffff value 0x0 size 4 name \'virtio-mmio\'\n')).toMatch(/^line 1: field "memory_region_ops_read.addr" is absurd/);
    expect(await bad('1@1.1:memory_region_ops_read cpu 0 mr 0x1 addr 0xfeb02c70 value 0x0 size 3 name \'virtio-mmio\'\n')).toBe('line 1: field "memory_region_ops_read.size" must be 1, 2, 4 or 8, got 3');
    expect(await bad('1@1.1:virtio_mmio_setting_irq virtio_mmio setting IRQ 7\n')).toBe('line 1: field "virtio_mmio_setting_irq.level" must be 0 or 1, got "7"');
    expect(await bad('\u0000\u0001\u00ff garbage\n')).toMatch(/^line 1: is not a QEMU log trace line/);
    expect(await bad('1@1.1:virtio_set_status vdev 0x1 val\n')).toBe('line 1: field "virtio_set_status.val" has no value');
  });
});

describe('checkQemu keeps its memory bounded on hostile input', () => {
  it('a trace naming ever new threads or queue pointers is refused at the line past the bound', async () => {
    function* threads(): Generator<string> {
      for (let tid = 1; tid <= 5000; tid++) yield `${tid}@1.1:virtio_mmio_setting_irq virtio_mmio setting IRQ 0\n`;
    }
    await expect(checkQemu(Readable.from(threads()))).rejects.toThrow('line 4097: field "tid" names more than 4096 distinct threads: not a trace of one VM');
    function* names(): Generator<string> {
      for (let k = 0; k < 2000; k++) yield `1@1.1:event_${k} x\n`;
    }
    const r = await checkQemu(Readable.from(names()));
    expect(r.notes.join(' ')).toContain('(other names) ×1744');
  });
});

describe('checkQemu: the device\'s answer to FEATURES_OK comes from the status read back', () => {
  it('a refusal (FEATURES_OK gone on read-back) followed by queue setup is the driver\'s violation, not the device\'s', async () => {
    // Arrange: the excerpt, with the read-back after the 0xb write showing 0x3 (the device refused)
    const lines = readFileSync(fixture('modern-blk-excerpt.qemu.txt'), 'utf8').split('\n');
    const write = lines.findIndex((l) => l.includes('addr 0xfeb02c70 value 0xb size 4') && l.includes('ops_write'));
    const read = lines.findIndex((l, i) => i > write && l.includes('ops_read') && l.includes('addr 0xfeb02c70'));
    lines[read] = lines[read]!.replace('value 0xb', 'value 0x3');
    // Act
    const r = await checkQemu(Readable.from([lines.join('\n')]));
    // Assert
    expect(r.violations[0]).toMatchObject({ property: 'P-STATUS', dev: 1, line: lines.findIndex((l) => l.includes('addr 0xfeb02c44 value 0x1 size 4')) + 1, summary: 'driver queueSetup in state featuresRejected (status ACK|DRV|FEAT_OK)' });
    expect(r.violations.filter((v) => v.requirements.includes('STATUS-DEV-1'))[0]?.line ?? Infinity).toBeGreaterThan(r.violations[0]!.line!);
  });
});
