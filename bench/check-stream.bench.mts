// Throughput and memory of `check` over a long simulator trace streamed from a generator
// (never on disk): node --expose-gc --import tsx bench/check-stream.bench.mts [repetitions]
import { Readable } from 'node:stream';
import { RandomChoiceSource } from '../src/kernel/index.ts';
import { buildSimulation } from '../src/sim/build.ts';
import { DEFAULT_CONFIG } from '../src/sim/config.ts';
import { oracleContext } from '../src/explore/run-once.ts';
import { formatJsonlLine, toTraceEvents } from '../src/trace/jsonl.ts';
import { checkJsonl, traceMeta } from '../src/check/check-jsonl.ts';
const config = { ...DEFAULT_CONFIG };
const sim = buildSimulation(config, new RandomChoiceSource(1));
sim.world.run();
const body = toTraceEvents(sim.world.trace, sim.procNames).map(formatJsonlLine).join('\n') + '\n';
const reps = Number(process.argv[2] ?? 100);
console.log('lines per rep', body.split('\n').length - 1, 'bytes', body.length);
let peak = 0;
let h0 = 0;
function* gen() { yield formatJsonlLine(traceMeta(oracleContext(config))) + '\n'; for (let i = 0; i < reps; i++) { for (let k = 0; k < body.length; k += 65536) yield body.slice(k, k + 65536); peak = Math.max(peak, process.memoryUsage().heapUsed - h0); } }
global.gc?.();
h0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
const rss0 = process.memoryUsage().rss;
const r = await checkJsonl(Readable.from(gen(), { objectMode: false }));
const dt = performance.now() - t0;
console.log(r.verdict, r.violations.length, r.violations.slice(0,3).map(v=>`${v.line} ${v.property} ${v.summary}`), 'lines', r.lines, 'ms', dt.toFixed(0), 'lines/s', Math.round(r.lines / dt * 1000), 'peak heap delta MB', (peak/1e6).toFixed(1), 'MB input', (body.length*reps/1e6).toFixed(0), 'rss MB', (process.memoryUsage().rss/1e6).toFixed(0), 'rss0', (rss0/1e6).toFixed(0));
