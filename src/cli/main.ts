// The `virtio-conform` command line: run, variants, conform, bench. Exit 0 when a
// verdict matches the variant's expectation, 1 when not, 2 on bad input.

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { VARIANTS, variantByName, type Variant } from '../variants/catalogue.ts';
import { explore, replayCommand, type ExploreResult } from '../explore/explore.ts';
import { runOnce } from '../explore/run-once.ts';
import { ArrayChoiceSource, decodePath, encodePath, PathSyntaxError, trimPath } from '../kernel/index.ts';
import type { SimConfig } from '../sim/config.ts';
import { CounterexampleFileError, overridesOf, readCounterexampleFile, toCounterexampleFile } from './counterexample-file.ts';
import { exhaustiveJson, renderExhaustive, renderResult, resultJson } from './render.ts';
import { exploreExhaustive, msiLitmusTarget, notifyLitmusTarget, replayTarget, simulationTarget } from '../explore/exhaustive.ts';
import { NOTIFY_LITMUS_DEFAULTS } from '../scenarios/notify-litmus.ts';
import { MSI_LITMUS_DEFAULTS } from '../scenarios/msi-litmus.ts';
import { now } from './clock.ts';
import { conformTable } from './conform.ts';
import { runBench } from './bench.ts';
import { toTraceEvents, writeJsonl } from '../trace/jsonl.ts';
// --- trace check hook (branch trace): `check`, `schema`, and the meta line of `--trace` files
import { registerCheckCommands } from './check.ts';
import { traceMeta } from '../check/check-jsonl.ts';
import { oracleContext } from '../explore/run-once.ts';
// --- end trace check hook
// --- device API hook (branch devapi): `run --device FILE`
import { DeviceModuleError, deviceBuilder, loadDeviceModule, unsupportedForDevice, type DeviceFactory } from '../device-api/index.ts';
import type { SimulationBuilder } from '../explore/run-once.ts';
// --- end device API hook
// --- mutate hook (branch mutate): `mutate`
import { MutateUsageError, registerMutateCommand } from './mutate.ts';
// --- end mutate hook
// --- report hook (branch report): `report`, `coverage`, `models`
import { registerReportCommands } from './report.ts';
// --- end report hook

class UsageError extends Error {}

// `virtio-conform variants | head`: a closed pipe ends the command quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

function int(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
}

function variantOrFail(name: string): Variant {
  const v = variantByName(name);
  if (!v) throw new UsageError(`unknown variant ${JSON.stringify(name)}; \`virtio-conform variants\` lists them`);
  return v;
}

function matches(v: Variant, r: ExploreResult): boolean {
  return (v.expect === 'pass') === (r.verdict === 'pass');
}

const program = new Command('virtio-conform')
  .description('Property-based conformance suite for the virtio device/driver protocol')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program.command('run')
  .description('explore one variant for violations; exit 0 when the verdict matches its expectation')
  .option('--variant <name>', 'variant to run (see `variants`)', 'mmio-v2')
  .option('--runs <n>', 'schedules to try', int('--runs', 1), 2000)
  .option('--seed <n>', 'seed of the schedule source', int('--seed', 0), 1)
  .addOption(new Option('--scheduler <name>', 'schedule source; exhaustive = every schedule, breadth-first with state hashing').choices(['pct', 'random', 'exhaustive']).default('pct'))
  .option('--max-states <n>', 'exhaustive: stop after this many distinct states (verdict "bounded")', int('--max-states', 1), 200_000)
  .option('--replay <path>', 'replay one recorded path (as printed by a counterexample) instead of exploring')
  .option('--rx <n>', 'rx packets (override)', int('--rx', 0))
  .option('--tx <n>', 'tx packets (override)', int('--tx', 0))
  .option('--width <bits>', 'ring-index width (override; 16 in the spec, fewer bits make indices wrap early)', int('--width', 1))
  .option('--trace <file>', 'write the counterexample (or replayed) trace as JSON lines')
  .option('--save <file>', 'save the counterexample for `virtio-conform replay FILE`')
  .option('--json', 'machine-readable verdict')
  .option('--device <module>', 'run this device (an ES module exporting a device factory, see docs/device-api.md) in place of the reference device; expectation: pass')
  .action(async (o: { variant: string; runs: number; seed: number; scheduler: 'pct' | 'random' | 'exhaustive'; maxStates: number; replay?: string; rx?: number; tx?: number; width?: number; trace?: string; save?: string; json?: boolean; device?: string }) => {
    const named = variantOrFail(o.variant);
    // Device API: the module is loaded before any run; its device is expected to pass.
    const device = o.device === undefined ? undefined : await loadDevice(o.device, named);
    const v: Variant = device ? { ...named, expect: 'pass', regressions: [] } : named;
    const build: SimulationBuilder | undefined = device ? deviceBuilder(device) : undefined;
    if (o.width !== undefined && (o.width > 16 || 1 << o.width <= v.config.queueSize)) {
      throw new UsageError(`--width ${o.width}: ring indices need more than log2(queue size ${v.config.queueSize}) bits to tell a full ring from an empty one, and at most 16`);
    }
    const overrides = {
      ...(o.rx !== undefined ? { rxPackets: o.rx } : {}), ...(o.tx !== undefined ? { txPackets: o.tx } : {}),
      ...(o.width !== undefined ? { indexWidth: o.width } : {}),
    };
    if (device && (o.scheduler === 'exhaustive' || o.save)) throw new UsageError('--device runs with --scheduler pct or random, without --save');
    if (o.scheduler === 'exhaustive' && o.replay === undefined) {
      const config = { ...v.config, ...overrides };
      const r = exploreExhaustive(simulationTarget(config), { maxStates: o.maxStates }, now);
      const c = r.counterexample;
      if (o.trace && c) writeTrace(o.trace, toTraceEvents(c.records, c.procNames), config);
      const replayFor = (path: string) => replayCommand(v.name, v.config, config, path);
      process.stdout.write(o.json ? `${JSON.stringify(exhaustiveJson(v.name, r))}\n` : `${renderExhaustive(v.name, r, replayFor, config.transport === 'mmio-v1' ? 1 : 2)}\n`);
      process.exitCode = (v.expect === 'pass') === (r.verdict !== 'violated') ? 0 : 1;
      return;
    }
    const scheduler = o.scheduler === 'exhaustive' ? 'pct' : o.scheduler;
    const search = (): ExploreResult => o.replay !== undefined
      ? replayOnce(v, o.replay === '-' ? [] : decodePath(o.replay), overrides, o.seed, scheduler, o.trace, build)
      : explore(v, { runs: o.runs, seed: o.seed, scheduler, overrides, ...(build ? { build } : {}) });
    const result = device ? exploreDevice(o.device!, search) : search();
    // Device API: the replay command names the device module too.
    const shown = device && result.counterexample ? { ...result, counterexample: { ...result.counterexample, replay: result.counterexample.replay.replace(' run ', ` run --device ${o.device} `) } } : result;
    const c = shown.counterexample;
    if (o.replay === undefined && o.trace && c) writeTrace(o.trace, toTraceEvents(c.result.records, c.result.sim.procNames), c.config);
    if (o.save && c) writeFile(o.save, `${JSON.stringify(toCounterexampleFile(v.name, c), null, 2)}\n`);
    process.stdout.write(o.json ? `${JSON.stringify(resultJson(shown))}\n` : `${renderResult(shown, v.expect)}\n`);
    process.exitCode = matches(v, result) ? 0 : 1;
  });

program.command('replay')
  .description('replay a saved counterexample; exit 0 when it reproduces the same property')
  .argument('<file>', 'a file written by `run --save`')
  .option('--trace <file>', 'write the replayed trace as JSON lines')
  .option('--json', 'machine-readable verdict')
  .action((file: string, o: { trace?: string; json?: boolean }) => {
    const saved = readCounterexampleFile(file);
    const v = variantOrFail(saved.variant);
    const result = replayOnce(v, decodePath(saved.path), overridesOf(saved), 0, 'pct', o.trace);
    process.stdout.write(o.json ? `${JSON.stringify(resultJson(result))}\n` : `${renderResult(result, v.expect)}\n`);
    process.exitCode = result.counterexample?.violation.property === saved.property ? 0 : 1;
  });

program.command('litmus')
  .description('exhaustively check the notification litmus (one or two queues, a device thread, a vCPU; one interrupt line or two): verified, or the minimal counterexample')
  .option('--buffers <n>', 'buffers the driver makes available', int('--buffers', 1), 3)
  .option('--width <bits>', 'ring-index width', int('--width', 1), NOTIFY_LITMUS_DEFAULTS.indexWidth)
  .option('--queue-size <n>', 'ring size', int('--queue-size', 1), NOTIFY_LITMUS_DEFAULTS.queueSize)
  .option('--queues <n>', 'virtqueues (1 or 2) sharing one interrupt line; buffers go round robin', int('--queues', 1), 1)
  .option('--lines <n>', 'interrupt lines: 1, or 2 (one per queue, the multi-line proposals; needs --queues 2)', int('--lines', 1), 1)
  .addOption(new Option('--line-handler <kind>', 'with 2 lines: the proposal\'s handler (rfc: shared status, all queues then its own; own-line: shared status, its own queues only; per-line: per-line status)').choices(['rfc', 'own-line', 'per-line']).default('rfc'))
  .option('--flags', 'flag-based suppression (NO_INTERRUPT / NO_NOTIFY) instead of EVENT_IDX')
  .addOption(new Option('--device-fence <kind>', 'barrier between used.idx store and used_event load (wmb = BZ-KVT-01)').choices(['full', 'wmb']).default('full'))
  .addOption(new Option('--driver-fence <kind>', 'barrier between the used_event store and the used.idx re-check (wmb = barrier removed)').choices(['full', 'wmb']).default('full'))
  .addOption(new Option('--memory <model>', 'memory model').choices(['sc', 'tso', 'pso']).default('tso'))
  .option('--buffer-depth <n>', 'TSO store-buffer depth per CPU (default unbounded)', int('--buffer-depth', 1))
  .option('--max-states <n>', 'stop after this many distinct states (verdict "bounded")', int('--max-states', 1), 200_000)
  .option('--replay <path>', 'run one recorded path (as printed by a counterexample) instead of exploring')
  .option('--json', 'machine-readable verdict')
  .action((o: { buffers: number; width: number; queueSize: number; queues: number; lines: number; lineHandler: 'rfc' | 'own-line' | 'per-line'; flags?: boolean; deviceFence: 'full' | 'wmb'; driverFence: 'full' | 'wmb'; memory: 'sc' | 'tso' | 'pso'; bufferDepth?: number; maxStates: number; replay?: string; json?: boolean }) => {
    const config = {
      ...NOTIFY_LITMUS_DEFAULTS, buffers: o.buffers, queues: o.queues, lines: o.lines as 1 | 2, lineHandler: o.lineHandler, indexWidth: o.width, queueSize: o.queueSize, eventIdx: !o.flags,
      deviceFence: o.deviceFence, driverFence: o.driverFence, memoryModel: o.memory,
      ...(o.bufferDepth !== undefined ? { storeBufferDepth: o.bufferDepth } : {}),
    };
    if (config.queues > 2) throw new UsageError(`--queues ${config.queues}: the litmus has 1 or 2 queues`);
    if (o.lines !== 1 && o.lines !== 2) throw new UsageError(`--lines ${o.lines}: the litmus has 1 or 2 interrupt lines`);
    if (o.lines === 2 && config.queues !== 2) throw new UsageError('--lines 2 needs --queues 2 (one queue per line)');
    if (config.queueSize > 1 << config.indexWidth) throw new UsageError(`--queue-size ${config.queueSize} does not fit ${config.indexWidth}-bit ring indices`);
    if (Math.min(config.buffers, config.queueSize) >= 1 << config.indexWidth) {
      throw new UsageError(`${Math.min(config.buffers, config.queueSize)} buffers in flight cannot be told from none with ${config.indexWidth}-bit ring indices: use fewer buffers or a wider index`);
    }
    const target = notifyLitmusTarget(config);
    const r = o.replay !== undefined ? replayTarget(target, o.replay === '-' ? [] : decodePath(o.replay)) : exploreExhaustive(target, { maxStates: o.maxStates }, now);
    const args = `--buffers ${o.buffers} --queues ${o.queues}${o.lines === 2 ? ` --lines 2 --line-handler ${o.lineHandler}` : ''} --width ${o.width} --queue-size ${o.queueSize}${o.flags ? ' --flags' : ''} --device-fence ${o.deviceFence} --driver-fence ${o.driverFence} --memory ${o.memory}${o.bufferDepth !== undefined ? ` --buffer-depth ${o.bufferDepth}` : ''}`;
    process.stdout.write(o.json ? `${JSON.stringify(exhaustiveJson('notify-litmus', r))}\n` : `${renderExhaustive('notify-litmus', r, (path) => `npx virtio-conform litmus ${args} --replay ${path || '-'}`)}\n`);
    process.exitCode = r.verdict === 'violated' ? 1 : 0;
  });

// --- MSI ---
program.command('msi-litmus')
  .description('exhaustively check the MSI vector-update litmus (vectors moved to CPU 1 while the device raises interrupts): never torn, or the minimal counterexample')
  .addOption(new Option('--profile <p>', 'interrupt-delivery profile').choices(['mmio-msi-2020', 'mmio-msi-latched', 'mmio-msi-masked', 'pci-msix']).default(MSI_LITMUS_DEFAULTS.profile))
  .option('--movers <n>', 'affinity changes at once, on two CPUs through one MsiVecSel (1 or 2)', int('--movers', 1), 1)
  .option('--selector-lock', 'the driver serialises its MsiVecSel sequences')
  .option('--events <n>', 'interrupts the device raises', int('--events', 1), MSI_LITMUS_DEFAULTS.events)
  .option('--max-states <n>', 'stop after this many distinct states (verdict "bounded")', int('--max-states', 1), 200_000)
  .option('--replay <path>', 'run one recorded path (as printed by a counterexample) instead of exploring')
  .option('--json', 'machine-readable verdict')
  .action((o: { profile: typeof MSI_LITMUS_DEFAULTS.profile; movers: number; selectorLock?: boolean; events: number; maxStates: number; replay?: string; json?: boolean }) => {
    if (o.movers !== 1 && o.movers !== 2) throw new UsageError(`--movers ${o.movers}: 1 or 2`);
    const config = { ...MSI_LITMUS_DEFAULTS, profile: o.profile, movers: o.movers as 1 | 2, selectorLock: o.selectorLock === true, events: o.events };
    const target = msiLitmusTarget(config);
    const r = o.replay !== undefined ? replayTarget(target, o.replay === '-' ? [] : decodePath(o.replay)) : exploreExhaustive(target, { maxStates: o.maxStates }, now);
    const args = `--profile ${o.profile} --movers ${o.movers}${o.selectorLock ? ' --selector-lock' : ''} --events ${o.events}`;
    process.stdout.write(o.json ? `${JSON.stringify(exhaustiveJson('msi-litmus', r))}\n` : `${renderExhaustive('msi-litmus', r, (path) => `npx virtio-conform msi-litmus ${args} --replay ${path || '-'}`)}\n`);
    process.exitCode = r.verdict === 'violated' ? 1 : 0;
  });
// --- end MSI ---

program.command('variants')
  .description('list the variants and mutants with their expectation')
  .option('--json', 'machine-readable list')
  .action((o: { json?: boolean }) => {
    if (o.json) {
      const list = VARIANTS.map((v) => ({ name: v.name, kind: v.kind, ...(v.bug ? { bug: v.bug } : {}), expect: v.expect }));
      process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      return;
    }
    for (const v of VARIANTS) {
      process.stdout.write(`${v.name.padEnd(24)}${v.kind.padEnd(11)}expect ${v.expect.padEnd(8)}${v.description}\n`);
    }
  });

program.command('conform')
  .description('the main job: every variant, a table of expected vs. actual verdicts')
  .option('--runs <n>', 'schedules per variant', int('--runs', 1), 2000)
  .option('--seed <n>', 'seed', int('--seed', 0), 1)
  .addOption(new Option('--scheduler <name>', 'schedule source').choices(['pct', 'random']).default('pct'))
  .option('--json', 'machine-readable results')
  .action((o: { runs: number; seed: number; scheduler: 'pct' | 'random'; json?: boolean }) => {
    const { text, ok, rows } = conformTable(VARIANTS, o, (line) => { if (!o.json) process.stderr.write(line); });
    process.stdout.write(o.json ? `${JSON.stringify(rows, null, 2)}\n` : text);
    process.exitCode = ok ? 0 : 1;
  });

program.command('bench')
  .description('measure effects per second and runs-to-detect (PCT vs uniform random); writes JSON')
  .option('--out <file>', 'where to write the results', 'bench/results.json')
  .option('--runs <n>', 'max runs per mutant and scheduler', int('--runs', 1), 2000)
  .action((o: { out: string; runs: number }) => {
    const results = runBench(o.runs, (line) => process.stderr.write(line));
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(o.out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`wrote ${o.out}: ${Math.round(results.effectsPerSecond).toLocaleString('en-US')} effects/s\n`);
  });

/** One run along a recorded path: the verdict as if a search had found it at run 1. */
function replayOnce(v: Variant, path: number[], overrides: Partial<SimConfig>, seed: number, scheduler: 'pct' | 'random', trace: string | undefined, build?: SimulationBuilder): ExploreResult {
  const config = { ...v.config, ...overrides };
  const r = build ? runOnce(config, new ArrayChoiceSource(path), build) : runOnce(config, new ArrayChoiceSource(path));
  if (trace) writeTrace(trace, toTraceEvents(r.records, r.sim.procNames), config);
  const violation = r.violations[0];
  if (!violation) return { variant: v.name, verdict: 'pass', runs: 1, seed, scheduler };
  const encoded = encodePath(trimPath(r.path));
  return {
    variant: v.name, verdict: 'violated', runs: 1, seed, scheduler,
    counterexample: { violation, config, path: encoded, result: r, foundAtRun: 1, shrinkAttempts: 0, replay: replayCommand(v.name, v.config, config, encoded) },
  };
}

function writeFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function writeTrace(file: string, events: Parameters<typeof writeJsonl>[0], config: SimConfig): void {
  writeFile(file, writeJsonl([traceMeta(oracleContext(config), 'virtio-conform run'), ...events]));
}

registerCheckCommands(program); // trace check hook (branch trace)
registerMutateCommand(program); // mutate hook (branch mutate)

/**
 * Device API: a device's code the scheduler calls between steps (a `wait` condition,
 * `accessible()`) has no step to fault in; if it throws, the run cannot go on — one line, exit 2.
 */
function exploreDevice(file: string, search: () => ExploreResult): ExploreResult {
  try {
    return search();
  } catch (err) {
    throw new DeviceModuleError(`--device ${file}: the device threw outside a step (a wait condition or accessible()): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

/** Device API: load the module and try its factory once, so a bad module is one line and exit 2, not a fault per run. */
async function loadDevice(file: string, v: Variant): Promise<DeviceFactory> {
  const why = unsupportedForDevice(v.config);
  if (why) throw new UsageError(`--device with --variant ${v.name}: ${why}`);
  const factory = await loadDeviceModule(file);
  try {
    runOnce(v.config, new ArrayChoiceSource([]), deviceBuilder(factory));
  } catch (err) {
    throw new DeviceModuleError(`--device ${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  return factory;
}
registerReportCommands(program); // report hook (branch report)

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof UsageError || err instanceof PathSyntaxError || err instanceof CounterexampleFileError || err instanceof DeviceModuleError || err instanceof MutateUsageError) {
    process.stderr.write(`virtio-conform: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    throw err;
  }
}
