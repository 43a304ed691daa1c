// Wall-clock time for reports and the benchmark only; the simulator never reads a clock.
import { performance } from 'node:perf_hooks';

export const now = (): number => performance.now();
export const elapsedMs = (since: number): number => Math.round(performance.now() - since);
