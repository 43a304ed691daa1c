// A saved counterexample: the variant, the workload overrides and the path — everything a
// replay needs, as data. Read strictly: a bad file is a clear one-line error, never a crash.

import { readFileSync } from 'node:fs';
import type { Counterexample } from '../explore/explore.ts';
import type { SimConfig } from '../sim/config.ts';

export const COUNTEREXAMPLE_FORMAT = 'virtio-conform/counterexample';

export interface CounterexampleFile {
  readonly format: typeof COUNTEREXAMPLE_FORMAT;
  readonly version: 1;
  readonly variant: string;
  /** Workload overrides; `indexWidth` is optional (files from before it default to the variant's). */
  readonly overrides: { readonly rxPackets: number; readonly txPackets: number; readonly indexWidth?: number };
  readonly path: string;
  readonly property: string;
  readonly summary: string;
}

export function toCounterexampleFile(variant: string, c: Counterexample): CounterexampleFile {
  return {
    format: COUNTEREXAMPLE_FORMAT, version: 1, variant,
    overrides: { rxPackets: c.config.rxPackets, txPackets: c.config.txPackets, indexWidth: c.config.indexWidth },
    path: c.path, property: c.violation.property, summary: c.violation.summary,
  };
}

export class CounterexampleFileError extends Error {}

export function readCounterexampleFile(file: string): CounterexampleFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CounterexampleFileError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CounterexampleFileError(`${file}: not JSON`);
  }
  const fail = (field: string, want: string): never => {
    throw new CounterexampleFileError(`${file}: field "${field}" must be ${want}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('(root)', 'an object');
  const d = data as Record<string, unknown>;
  if (d.format !== COUNTEREXAMPLE_FORMAT) fail('format', JSON.stringify(COUNTEREXAMPLE_FORMAT));
  if (d.version !== 1) fail('version', '1');
  for (const f of ['variant', 'path', 'property', 'summary'] as const) if (typeof d[f] !== 'string') fail(f, 'a string');
  if (!/^[0-9a-z()]*$/.test(d.path as string)) fail('path', 'base-36 choices, e.g. "0120(37)1"');
  const o = d.overrides as Record<string, unknown> | undefined;
  if (typeof o !== 'object' || o === null) fail('overrides', 'an object');
  for (const f of ['rxPackets', 'txPackets'] as const) {
    const v = o![f];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 10_000) fail(`overrides.${f}`, 'an integer in 0..10000');
  }
  const w = o!.indexWidth;
  if (w !== undefined && (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > 16)) fail('overrides.indexWidth', 'an integer in 1..16');
  return d as unknown as CounterexampleFile;
}

export function overridesOf(f: CounterexampleFile): Partial<SimConfig> {
  return { rxPackets: f.overrides.rxPackets, txPackets: f.overrides.txPackets, ...(f.overrides.indexWidth !== undefined ? { indexWidth: f.overrides.indexWidth } : {}) };
}
