// The renderers: the ASCII chart has a lane per process, names registers and ring fields,
// marks the offending step, elides from the front; Mermaid output is a sequenceDiagram.

import { describe, expect, it } from 'vitest';
import { RandomChoiceSource } from '../kernel/index.ts';
import type { KernelRecord } from '../kernel/records.ts';
import { buildSimulation } from '../sim/build.ts';
import { DEFAULT_CONFIG } from '../sim/config.ts';
import { describeRecords, renderSequenceChart, siteLabel } from './sequence-chart.ts';
import { mermaidText, renderMermaidSequence } from './mermaid.ts';

function realRun(): { records: readonly KernelRecord[]; procNames: readonly string[] } {
  const sim = buildSimulation({ ...DEFAULT_CONFIG, memoryModel: 'tso', kicks: 'async' }, new RandomChoiceSource(1));
  sim.world.run();
  return { records: sim.world.trace, procNames: sim.procNames };
}

const eff = (proc: number, effect: Extract<KernelRecord, { kind: 'effect' }>['effect'], result?: number): KernelRecord =>
  ({ kind: 'effect', step: 0, proc, effect, result });

describe('renderSequenceChart', () => {
  it('has one lane per process, the marker, and the same text on every render', () => {
    // Arrange
    const { records, procNames } = realRun();
    const mark = 120;
    // Act
    const first = renderSequenceChart(records, procNames, { mark, maxRows: 40 });
    const second = renderSequenceChart(records, procNames, { mark, maxRows: 40 });
    // Assert
    expect(second).toBe(first);
    const lines = first.trimEnd().split('\n');
    const header = lines[0] ?? '';
    expect(header.trim().split(/\s+/)).toEqual([...procNames]);
    for (const name of procNames) expect(header).toContain(name);
    const marked = lines.filter((l) => l.startsWith('>> '));
    expect(marked).toEqual([expect.stringMatching(new RegExp(`^>> #${mark} .* <== here$`))]);
    expect(lines[1]).toMatch(/^… \d+ earlier events elided$/);
    expect(lines.filter((l) => /^ {3}#\d+/.test(l))).toHaveLength(40);
    expect(lines.at(-1)).toMatch(/⊘ quiescent/);
  });

  it('places each event in its own lane, at its lane column', () => {
    // Arrange
    const records: KernelRecord[] = [
      eff(1, { kind: 'mmioWrite', dev: 0, off: 0x70, size: 4, value: 3, site: 'drv.write_status' }),
      eff(0, { kind: 'mmioRead', dev: 0, off: 0x60, size: 4, site: 'drv.irq.read_status' }, 1),
      { kind: 'irqEnter', step: 1, proc: 1, line: 0 },
      { kind: 'quiescent', step: 2 },
    ];
    // Act
    const lines = renderSequenceChart(records, ['vCPU0', 'vCPU1'], { laneWidth: 24 }).trimEnd().split('\n');
    // Assert
    const col = (lines[0] ?? '').indexOf('vCPU1');
    expect(lines[1]?.indexOf('| W Status=ACK|DRV')).toBe(col);
    expect(lines[2]).toMatch(/^ {3}#1 +\| R InterruptStatus→1 +\|$/);
    expect(lines[3]?.indexOf('| ⇢ irq line0')).toBe(col);
    expect(lines[4]).toMatch(/^ {3}#3 ─── ⊘ quiescent ─+$/);
  });

  it('labels memory by site: ring fields, TSO flushes of the store they commit, fences', () => {
    // Arrange
    const records: KernelRecord[] = [
      eff(0, { kind: 'store', addr: 0x1a02, size: 2, value: 5, site: 'drv.vq0.store_used_event' }),
      eff(0, { kind: 'fence', fence: 'full', site: 'drv.vq0.mb_before_poll' }),
      { kind: 'flush', step: 1, proc: 0, addr: 0x1a02, size: 2, value: 5 },
      eff(1, { kind: 'load', addr: 0x1a04, size: 2, site: 'dev.vq0.load_used_idx' }, 3),
      eff(1, { kind: 'store', addr: 0x1a02, size: 2, value: 3, site: '' }),
      eff(1, { kind: 'setIrq', line: 0, level: 1, site: 'dev.raise_vring' }),
      { kind: 'irqExit', step: 2, proc: 0, line: 0 },
      eff(0, { kind: 'note', note: 'drv.rxPacket', data: { seq: 3 }, site: 'drv.rxPacket' }),
    ];
    // Act
    const texts = describeRecords(records);
    // Assert
    expect(texts).toEqual([
      'st vq0 used_event=5', 'mb (full) vq0 before_poll', 'flush vq0 used_event=5', 'ld vq0 used.idx→3',
      'st [0x1a02]=3', 'IRQ line0 ↑', '⇠ irq', '· drv.rxPacket seq=3',
    ]);
    expect(siteLabel('drv.napi.tx.load_state')).toBe('napi.tx state');
  });

  it('hides notes and memory on request but always shows the marked row', () => {
    // Arrange
    const { records, procNames } = realRun();
    const mark = records.findIndex((r) => r.kind === 'effect' && r.effect.kind === 'note');
    // Act
    const chart = renderSequenceChart(records, procNames, { mark, hideNotes: true, hideMemory: true, maxRows: 10_000 });
    // Assert
    const rows = chart.split('\n').filter((l) => /^(>>| {3}) #/.test(l));
    expect(rows.filter((l) => l.includes('· '))).toHaveLength(1);
    expect(chart).not.toMatch(/\| (ld|st|flush) /);
    expect(chart).toContain(`>> #${mark} `);
  });

  it('keeps a marked row that lies before the kept tail, with both elided counts', () => {
    // Arrange
    const { records, procNames } = realRun();
    // Act
    const lines = renderSequenceChart(records, procNames, { mark: 5, maxRows: 10 }).trimEnd().split('\n');
    // Assert
    expect(lines[1]).toBe('… 5 earlier events elided');
    expect(lines[2]).toMatch(/^>> #5 .* <== here$/);
    expect(lines[3]).toBe(`… ${records.length - 16} further events elided`);
    expect(lines).toHaveLength(14);
  });
});

describe('renderMermaidSequence', () => {
  it('starts with sequenceDiagram, declares every process plus dev and mem, and boxes the mark', () => {
    // Arrange
    const { records, procNames } = realRun();
    // Act
    const text = renderMermaidSequence(records, procNames, { mark: 200, maxRows: 60 });
    // Assert
    expect(text.startsWith('sequenceDiagram\n')).toBe(true);
    procNames.forEach((name, i) => expect(text).toContain(`participant p${i} as ${name}\n`));
    expect(text).toContain('participant dev as device');
    expect(text).toContain('participant mem as memory');
    expect(text).toMatch(/ {2}rect rgb\(255,220,220\)\n {4}[^\n]*#35;200 [^\n]*\n {2}end\n/);
    expect(renderMermaidSequence(records, procNames, { mark: 200, maxRows: 60 })).toBe(text);
    for (const l of text.split('\n').slice(1)) {
      const label = l.split(': ').slice(1).join(': ');
      expect(label.replace(/#(\d+|lt|gt);/g, '')).not.toMatch(/[#;:<>]/);
    }
  });

  it('escapes the characters Mermaid reads as syntax', () => {
    expect(mermaidText('fault: a; b #1 <x>')).toBe('fault#58; a#59; b #35;1 #lt;x#gt;');
  });
});
