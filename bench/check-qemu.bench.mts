// Throughput of `check --format qemu`: a real trace repeated N times from a generator (each copy
// starts with the devices' resets): node --import tsx bench/check-qemu.bench.mts FILE [N]
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { checkQemu } from '../src/check/check-qemu.ts';
const text = readFileSync(process.argv[2] ?? '/work/shared/traces/qemu/modern-mq/qemu-trace.log', 'utf8');
const reps = Number(process.argv[3] ?? 50);
function* gen() { for (let i = 0; i < reps; i++) yield text; }
const t0 = performance.now();
const r = await checkQemu(Readable.from(gen()));
const dt = performance.now() - t0;
console.log(r.verdict, r.violations.length, r.violations.slice(0,3).map(v=>`${v.line} ${v.property} ${v.summary}`), 'lines', r.lines, 'ms', dt.toFixed(0), 'lines/s', Math.round(r.lines/dt*1000), 'rss MB', (process.memoryUsage().rss/1e6).toFixed(0));
