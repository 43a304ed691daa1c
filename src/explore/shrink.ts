// Shrinking a failing run to a minimal one: fewer packets first, then a shorter and
// smaller path (truncate, delete chunks, lower choices), keeping the same property
// violated — and, when asked, a violation of it that names the same requirement (a mutant
// is evidence for that requirement, not only for its property). Every candidate is a real
// re-run, so the result replays exactly.

import { ArrayChoiceSource } from '../kernel/index.ts';
import type { SimConfig } from '../sim/config.ts';
import type { OracleProperty } from '../oracles/index.ts';
import { runOnce, type RunResult, type SimulationBuilder } from './run-once.ts';
import { buildSimulation, type SimulationCore } from '../sim/build.ts';

export interface Shrunk {
  readonly config: SimConfig;
  readonly result: RunResult<SimulationCore>;
  readonly attempts: number;
}

export function shrinkFailure(config: SimConfig, path: readonly number[], property: OracleProperty, maxAttempts = 2000,
  build: SimulationBuilder = buildSimulation, requirement?: string): Shrunk {
  let attempts = 0;
  let best = { config, result: runOnce(config, new ArrayChoiceSource(path), build) };
  /** The violation to keep: the run's first, of `property` — or the first of `property` naming `requirement`. */
  const target = (r: RunResult<SimulationCore>) => requirement === undefined
    ? (r.violations[0]?.property === property ? r.violations[0] : undefined)
    : r.violations[0]?.property === property ? r.violations.find((v) => v.property === property && v.requirements.includes(requirement)) : undefined;
  const fails = (r: RunResult<SimulationCore>) => target(r) !== undefined;
  if (!fails(best.result)) return { ...best, attempts };
  // A candidate is better only if it fails no later than the best so far, so it need not run
  // past that step — except for quiescence failures, which are judged at the end of a run.
  const horizon = (c: SimConfig): SimConfig => {
    if (property === 'P-QUIESCE') return c;
    const at = target(best.result)!.at;
    return { ...c, maxSteps: Math.min(c.maxSteps, (best.result.records[at]?.step ?? c.maxSteps) + 2) };
  };
  const tryCandidate = (c: SimConfig, p: readonly number[]): boolean => {
    if (attempts >= maxAttempts) return false;
    attempts++;
    const r = runOnce(horizon(c), new ArrayChoiceSource(p), build);
    if (fails(r) && size(c, r) < size(best.config, best.result)) {
      best = { config: c, result: r };
      return true;
    }
    return false;
  };
  // A run that made no choice cannot shrink its schedule.
  for (let improved = best.result.path.length > 0 || best.config.workload === 'net'; improved && attempts < maxAttempts;) {
    improved = false;
    // Packet counts matter only to the net workload (the status probe ignores them).
    for (const key of best.config.workload === 'net' ? (['rxPackets', 'txPackets'] as const) : []) {
      for (let n = 0; n < best.config[key]; n++) {
        if (tryCandidate({ ...best.config, [key]: n }, best.result.path)) { improved = true; break; }
      }
    }
    const p = best.result.path;
    // Truncate: the shortest prefix (then choice 0 everywhere) that still fails.
    let lo = 0, hi = p.length;
    while (lo < hi && attempts < maxAttempts) {
      const mid = (lo + hi) >> 1;
      if (tryCandidate(best.config, p.slice(0, mid))) hi = Math.min(mid, best.result.path.length); else lo = mid + 1;
    }
    // Delete chunks, halving the chunk size.
    for (let chunk = Math.max(1, best.result.path.length >> 1); chunk >= 1; chunk >>= 1) {
      for (let i = 0; i + chunk <= best.result.path.length; i += chunk) {
        const q = best.result.path;
        if (tryCandidate(best.config, [...q.slice(0, i), ...q.slice(i + chunk)])) { improved = true; i -= chunk; }
      }
    }
    // Lower single choices towards 0.
    for (let i = 0; i < best.result.path.length; i++) {
      const q = best.result.path;
      if (q[i]! > 0 && tryCandidate(best.config, [...q.slice(0, i), 0, ...q.slice(i + 1)])) improved = true;
    }
  }
  // Report exactly what a replay produces (candidates may have stopped at the horizon).
  return { config: best.config, result: runOnce(best.config, new ArrayChoiceSource(best.result.path), build), attempts };
}

/** Smaller is better: an earlier violation, then fewer choices, then smaller choices. */
function size(_c: SimConfig, r: RunResult<SimulationCore>): number {
  let sum = 0;
  for (const x of r.path) sum += x;
  const at = r.violations[0]?.at ?? r.records.length;
  return at * 1e6 + r.path.length * 1e3 + Math.min(sum, 999);
}
