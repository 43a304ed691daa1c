// The shipped JSON Schema describes the simulator's own traces (every event type a run makes,
// plus the meta line), and rejects what the codec rejects. Validated with a small validator of
// the keywords the schema uses (no dependency; the schema is plain draft 2020-12).

import { describe, expect, it } from 'vitest';
import { RandomChoiceSource } from '../kernel/index.ts';
import { buildSimulation } from '../sim/build.ts';
import { DEFAULT_CONFIG } from '../sim/config.ts';
import { oracleContext } from '../explore/run-once.ts';
import { formatJsonlLine, parseJsonlLine, toTraceEvents } from './jsonl.ts';
import { traceSchema } from './schema.ts';
import { traceMeta } from '../check/check-jsonl.ts';

type S = Record<string, unknown>;

/** Validate `x` against `schema` for the keywords traceSchema uses; returns the first error or undefined. */
function validate(root: S, schema: S, x: unknown, path = '$'): string | undefined {
  if (typeof schema['$ref'] === 'string') {
    const name = (schema['$ref'] as string).replace('#/$defs/', '');
    return validate(root, (root['$defs'] as Record<string, S>)[name]!, x, path);
  }
  if ('const' in schema && x !== schema['const']) return `${path}: not ${JSON.stringify(schema['const'])}`;
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(x)) return `${path}: not in enum`;
  if (schema['type'] !== undefined) {
    const types = Array.isArray(schema['type']) ? schema['type'] as string[] : [schema['type'] as string];
    const ok = types.some((t) => t === 'integer' ? Number.isInteger(x) : t === 'object' ? typeof x === 'object' && x !== null && !Array.isArray(x) : typeof x === t);
    if (!ok) return `${path}: not ${types.join('|')}`;
  }
  if (typeof schema['minimum'] === 'number' && (x as number) < (schema['minimum'] as number)) return `${path}: below minimum`;
  if (typeof schema['maximum'] === 'number' && (x as number) > (schema['maximum'] as number)) return `${path}: above maximum`;
  if (Array.isArray(schema['oneOf'])) {
    const matches = (schema['oneOf'] as S[]).filter((b) => validate(root, b, x, path) === undefined).length;
    if (matches !== 1) return `${path}: matches ${matches} branches of oneOf`;
  }
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
    const obj = x as Record<string, unknown>;
    const props = (schema['properties'] ?? {}) as Record<string, S>;
    for (const r of (schema['required'] ?? []) as string[]) if (!Object.hasOwn(obj, r)) return `${path}.${r}: missing`;
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) { const e = validate(root, props[k]!, v, `${path}.${k}`); if (e) return e; continue; }
      const ap = schema['additionalProperties'];
      if (ap === false) return `${path}.${k}: not allowed`;
      if (typeof ap === 'object' && ap !== null) { const e = validate(root, ap as S, v, `${path}.${k}`); if (e) return e; }
    }
  }
  return undefined;
}

function simulatorLines(): string[] {
  const config = { ...DEFAULT_CONFIG, memoryModel: 'tso' as const, kicks: 'async' as const };
  const sim = buildSimulation(config, new RandomChoiceSource(1));
  sim.world.run();
  return [traceMeta(oracleContext(config), 'test'), ...toTraceEvents(sim.world.trace, sim.procNames)].map(formatJsonlLine);
}

describe('the trace JSON Schema', () => {
  const schema = traceSchema() as S;

  it('is a draft 2020-12 schema with one branch per event type', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((schema['oneOf'] as unknown[]).length).toBe(19);
  });

  it('accepts every line of a simulator trace (meta line included)', () => {
    // Arrange
    const lines = simulatorLines();
    // Act
    const errors = lines.map((l) => validate(schema, schema, JSON.parse(l))).filter((e) => e !== undefined);
    // Assert
    expect(lines.length).toBeGreaterThan(100);
    expect(errors).toEqual([]);
  });

  it('rejects what the codec rejects: unknown type, wrong field type, extra field, bad level', () => {
    const good = { v: 1, seq: 1, step: 1, actor: 'vCPU0', type: 'irq.set', line: 0, level: 1, site: 'x' };
    for (const bad of [{ ...good, type: 'irq.sett' }, { ...good, line: -1 }, { ...good, extra: 1 }, { ...good, level: 2 }, { ...good, v: 2 }]) {
      expect(validate(schema, schema, bad)).toBeDefined();
      expect(() => parseJsonlLine(JSON.stringify(bad), 1)).toThrow();
    }
    expect(validate(schema, schema, good)).toBeUndefined();
  });
});
