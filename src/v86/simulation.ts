// One run of v86's virtio-console under the suite's virtio-pci driver: the platform of
// sim/build.ts (guest memory, interrupt controller, one vCPU), v86's device through the PCI
// window (v86-console.ts), every oracle over the trace, judged as a PCI device.

import { type ChoiceSource, type KernelRecord, PctChoiceSource, RandomChoiceSource, RecordingChoiceSource, type RunOutcome } from '../kernel/index.ts';
import { buildPlatform, DEVICE_LINE } from '../sim/build.ts';
import { DEFAULT_CONFIG, type SimConfig } from '../sim/config.ts';
import { devicePlatform, ExternalMmioDevice, instantiate } from '../device-api/platform.ts';
import type { DeviceFactory } from '../device-api/types.ts';
import { spawnVcpu } from '../platform/vcpu.ts';
import { VirtioPciConsoleDriver } from '../driver/virtio-pci.ts';
import { statusProber } from '../driver/status-prober.ts';
import { consoleControl, VIRTIO_CONSOLE_F_MULTIPORT } from '../driver/console-control.ts';
import { checkRecords, type OracleContext, type Violation } from '../oracles/index.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';
import { toTraceEvents, writeJsonl } from '../trace/jsonl.ts';
import { traceMeta } from '../check/check-jsonl.ts';
import { V86_VERSION } from './v86-module.ts';

/** How the oracles judge a v86 run: the PCI window, one INTx line, SC, driver judged too. */
export const V86_CONTEXT: OracleContext = { mmioVersion: 2, line: DEVICE_LINE, interruptLines: ONE_LINE, buffered: false, judgeDriver: true, transport: 'pci' };

export interface V86RunOptions {
  readonly seed: number;
  readonly scheduler: 'pct' | 'random';
  readonly tx: number;
  readonly queueSize: number;
  /** 'console': init, queues, transmit (the default); 'status-gating': the status probe (device judged only). */
  readonly workload?: 'console' | 'status-gating' | 'kick-before-driver-ok' | 'multiport';
}

export interface V86RunResult {
  readonly outcome: RunOutcome;
  readonly records: readonly KernelRecord[];
  readonly procNames: readonly string[];
  readonly violations: readonly Violation[];
  readonly driver: VirtioPciConsoleDriver;
  /** How the run was judged (the hostile harnesses judge the device only). */
  readonly context: OracleContext;
}

export function runV86(factory: DeviceFactory, o: V86RunOptions): V86RunResult {
  const config: SimConfig = { ...DEFAULT_CONFIG, cpus: 1, queueSize: o.queueSize, eventIdx: false, workload: 'net', maxSteps: 40_000 };
  const source: ChoiceSource = o.scheduler === 'pct' ? new PctChoiceSource(o.seed, { depth: 2, expectedSteps: 400 }) : new RandomChoiceSource(o.seed);
  const recording = new RecordingChoiceSource(source);
  const p = buildPlatform(config, recording);
  const impl = instantiate(factory, devicePlatform(p.world, p.irq, DEVICE_LINE, config));
  const slot = p.bus.attach(new ExternalMmioDevice(impl));
  const driver = new VirtioPciConsoleDriver(slot, DEVICE_LINE, p.irq, p.dma, { queueSize: o.queueSize, tx: o.tx, known: o.workload === 'multiport' ? VIRTIO_CONSOLE_F_MULTIPORT : 0n, kickBeforeDriverOk: o.workload === 'kick-before-driver-ok' });
  if (o.workload === 'multiport') driver.control = consoleControl(driver, 8);
  const probe = o.workload === 'status-gating';
  const hostile = probe || o.workload === 'kick-before-driver-ok'; // the harness breaks driver rules on purpose: judge the device only
  p.bus.cpuOf.set(spawnVcpu(p.world, p.irq, 0, probe ? statusProber(driver) : driver.main()), 0);
  for (const [name, body] of impl.threads?.() ?? []) p.world.spawn(name, body);
  const outcome = p.world.run();
  const records = p.world.trace;
  const procNames = p.world.procs.map((q) => q.name);
  const context: OracleContext = hostile ? { ...V86_CONTEXT, judgeDriver: false } : V86_CONTEXT;
  return { outcome, records, procNames, violations: checkRecords(records, context), driver, context };
}

/** The run as a JSON-lines trace (meta first), for `virtio-conform check`. */
export function v86TraceJsonl(r: V86RunResult): string {
  return writeJsonl([traceMeta(r.context, `v86 ${V86_VERSION} virtio-console`), ...toTraceEvents(r.records, r.procNames)]);
}
