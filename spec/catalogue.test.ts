import { describe, it, expect } from 'vitest';
import {
  EXCLUSIONS,
  REQUIREMENTS,
  isExcluded,
  requirementById,
  requirementsCheckedBy,
} from './catalogue.ts';
import type { Area, PropertyId } from './requirements/types.ts';

const ID = /^(?:(?:STATUS|FEAT|NOTIF|MMIO|PCI|NET-MQ|MIRQ|MMIO-MSI)-(?:DRV|DEV)|MMIO-RST|NET-CVQ)-[1-9]\d*$/;
const SECTION = /^\d+(\.\d+)*( .+)?$/;

/** id group → [area, number of requirements] as enumerated in spec-notes.md. */
const GROUPS: Record<string, readonly [Area, number]> = {
  'STATUS-DRV': ['status', 14], 'STATUS-DEV': ['status', 8],
  'FEAT-DRV': ['features', 9], 'FEAT-DEV': ['features', 7],
  'NOTIF-DRV': ['notification', 9], 'NOTIF-DEV': ['notification', 8],
  'MMIO-DEV': ['mmio', 8], 'MMIO-DRV': ['mmio', 17], 'MMIO-RST': ['mmio', 1],
  'NET-MQ-DEV': ['net-mq', 6], 'NET-MQ-DRV': ['net-mq', 5], 'NET-CVQ': ['net-mq', 1],
  'PCI-DEV': ['pci', 11], 'PCI-DRV': ['pci', 7],
  // Not spec text: the rules a multi-line proposal must keep (notes §7.4, analysis).
  'MIRQ-DEV': ['multi-irq', 2], 'MIRQ-DRV': ['multi-irq', 1],
  'MMIO-MSI-DEV': ['msi', 3], 'MMIO-MSI-DRV': ['msi', 2], // the 2020 proposal (spec/requirements/msi.ts)
};

const group = (id: string): string => id.replace(/-\d+$/, '');

describe('requirement catalogue', () => {
  it('has unique ids', () => {
    const ids = REQUIREMENTS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses well-formed ids', () => {
    for (const r of REQUIREMENTS) expect(r.id, r.id).toMatch(ID);
  });

  it('numbers each id group 1..n, with the counts of spec-notes.md', () => {
    const seen = new Map<string, number[]>();
    for (const r of REQUIREMENTS) {
      const n = Number(/\d+$/.exec(r.id)?.[0]);
      seen.set(group(r.id), [...(seen.get(group(r.id)) ?? []), n]);
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(GROUPS).sort());
    for (const [g, [, count]] of Object.entries(GROUPS)) {
      const numbers = [...(seen.get(g) ?? [])].sort((a, b) => a - b);
      expect(numbers, g).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    }
    expect(REQUIREMENTS).toHaveLength(119);
  });

  it('puts each requirement in the area and role its id names', () => {
    for (const r of REQUIREMENTS) {
      expect(r.area, r.id).toBe(GROUPS[group(r.id)]?.[0]);
      if (r.id.includes('-DEV-')) expect(r.role, r.id).toBe('device');
      if (r.id.includes('-DRV-')) expect(r.role, r.id).toBe('driver');
    }
  });

  it('gives every requirement a section number and a one-line paraphrase', () => {
    for (const r of REQUIREMENTS) {
      expect(r.section, r.id).toMatch(SECTION);
      expect(r.text.trim().length, r.id).toBeGreaterThan(10);
      expect(r.text, r.id).not.toMatch(/\n/);
    }
  });

  it('lists each checking property at most once per requirement', () => {
    for (const r of REQUIREMENTS) expect(new Set(r.properties).size, r.id).toBe(r.properties.length);
  });
});

describe('exclusions', () => {
  it('name existing requirements, once each, with a reason', () => {
    for (const e of EXCLUSIONS) {
      expect(requirementById(e.id), e.id).toBeDefined();
      expect(e.reason.trim(), e.id).toMatch(/^[A-Z].+\.$/);
    }
    expect(new Set(EXCLUSIONS.map((e) => e.id)).size).toBe(EXCLUSIONS.length);
  });

  it('are never also checked by a property', () => {
    for (const e of EXCLUSIONS) expect(requirementById(e.id)?.properties, e.id).toEqual([]);
  });

  it('cover v1.4 SUSPEND and IOMMU', () => {
    for (const id of ['STATUS-DRV-14', 'STATUS-DEV-8', 'FEAT-DRV-7']) expect(isExcluded(id), id).toBe(true);
    expect(isExcluded('STATUS-DRV-1')).toBe(false);
  });
});

describe('lookups', () => {
  it('finds requirements by id', () => {
    expect(requirementById('NOTIF-DEV-4')?.section).toBe('2.7.7.2');
    expect(requirementById('STATUS-DRV-10')?.level).toBe('MUST NOT');
    expect(requirementById('NOPE-1')).toBeUndefined();
  });

  it('maps properties to the requirements that list them', () => {
    const ids = (p: PropertyId): string[] => requirementsCheckedBy(p).map((r) => r.id);
    for (const r of REQUIREMENTS) {
      for (const p of r.properties) expect(ids(p), `${p} ${r.id}`).toContain(r.id);
    }
    expect(ids('P-ISR')).toContain('MMIO-DRV-16');
    expect(ids('P-QUIESCE')).toContain('MMIO-DRV-16');
  });

  it('covers at least the first-milestone checks', () => {
    const milestone1: Record<string, readonly string[]> = {
      'P-STATUS': ['STATUS-DRV-1', 'STATUS-DRV-2', 'STATUS-DRV-3', 'STATUS-DRV-5', 'STATUS-DRV-8',
        'STATUS-DRV-9', 'STATUS-DRV-10', 'STATUS-DEV-1', 'STATUS-DEV-3', 'MMIO-DRV-15', 'MMIO-RST-1', 'NET-CVQ-1'],
      'P-FEAT': ['FEAT-DRV-1', 'FEAT-DRV-2', 'FEAT-DRV-3', 'FEAT-DEV-2', 'STATUS-DRV-7', 'MMIO-DRV-6',
        'NOTIF-DRV-1', 'NOTIF-DRV-2', 'NOTIF-DEV-1', 'NOTIF-DEV-5', 'NOTIF-DEV-6'],
      'P-QUIESCE': ['NOTIF-DEV-2', 'NOTIF-DEV-4', 'NOTIF-DEV-8', 'NOTIF-DRV-5', 'NOTIF-DRV-6', 'NOTIF-DRV-7',
        'NOTIF-DRV-8', 'NOTIF-DRV-9', 'MMIO-DRV-16'],
      'P-ISR': ['MMIO-DEV-3', 'MMIO-DEV-4', 'MMIO-DEV-8', 'MMIO-DRV-11', 'MMIO-DRV-16'],
      'P-IRQ-MUST': ['NOTIF-DEV-2', 'NOTIF-DEV-3', 'NOTIF-DEV-4'],
      'P-KICK-MUST': ['NOTIF-DRV-5', 'NOTIF-DRV-6'],
    };
    for (const [p, expected] of Object.entries(milestone1)) {
      const got = requirementsCheckedBy(p as PropertyId).map((r) => r.id);
      expect(got, p).toEqual(expect.arrayContaining([...expected]));
    }
  });
});
