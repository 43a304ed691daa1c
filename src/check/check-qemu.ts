// `check --format qemu`: a QEMU log-backend trace (and, where given, the guest's kprobe
// trace), imported per virtio-mmio transport and judged by the oracles it carries enough for.

import type { Oracle, OracleContext, OracleProperty } from '../oracles/index.ts';
import { statusOracle } from '../oracles/p-status.ts';
import { featureOracle } from '../oracles/p-feat.ts';
import { isrOracle } from '../oracles/p-isr.ts';
import { wrapOracle } from '../oracles/p-wrap.ts';
import { queueReadyOracle } from '../oracles/p-queue-ready.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';
import { TraceFormatError } from '../trace/jsonl.ts';
import { readLines } from '../trace/lines.ts';
import { TraceChecker, type CheckReport, type SkippedOracle } from './trace-checker.ts';
import { parseQemuLine } from '../trace/qemu/parse.ts';
import { QemuImporter } from '../trace/qemu/importer.ts';

const DEVICE_NAMES: Readonly<Record<number, string>> = { 0: 'no device', 1: 'net', 2: 'blk', 3: 'console', 4: 'rng' };

/** Oracles a QEMU trace cannot feed, and why (what the trace lacks). */
export const QEMU_SKIPPED: readonly SkippedOracle[] = [
  { property: 'P-QUIESCE', reason: 'the run ends at power-off, not at quiescence, and the driver\'s consumption of used entries (last_used) is not in the QEMU trace' },
  { property: 'P-IRQ-MUST', reason: 'needs used_event / NO_INTERRUPT at each used-index update; QEMU traces neither (virtio_notify is logged only when it decided to notify)' },
  { property: 'P-KICK-MUST', reason: 'needs avail.idx and avail_event / NO_NOTIFY at each kick decision: driver memory, not in the QEMU trace' },
  { property: 'P-CFG', reason: 'needs the device\'s configuration-change events and the driver\'s handling of them; neither is traced (and no config interrupt occurred)' },
  { property: 'P-MQ', reason: 'needs the control-queue commands (VQ_PAIRS_SET n) and per-packet queues; QEMU 7.2 traces neither' },
  { property: 'P-ROUTE', reason: 'judges several interrupt lines per device; a QEMU virtio-mmio transport has one' },
];

/** The suppression-mode check (ring flags and event fields in memory) cannot run either. */
const MEMORY_ONLY = 'ring memory (flags, used_event, avail_event) is not in the QEMU trace';

function oraclesFor(deviceId: number | undefined): readonly Oracle[] {
  return deviceId === 1 ? [statusOracle, queueReadyOracle, featureOracle, isrOracle, wrapOracle] : [statusOracle, queueReadyOracle, isrOracle, wrapOracle];
}

/**
 * Check a QEMU trace; throws TraceFormatError (line and field) on bad input.
 * @example await checkQemu(createReadStream('qemu-trace.log'))
 */
export async function checkQemu(chunks: AsyncIterable<Buffer | string>, guest?: AsyncIterable<Buffer | string>): Promise<CheckReport> {
  let importer: QemuImporter | undefined = undefined;
  const contextOf = (dev: number): OracleContext => {
    const d = importer!.deviceList[dev]!;
    return { mmioVersion: d.version ?? 2, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
  };
  const checkers = new Map<number, TraceChecker>();
  const checkerFor = (dev: number): TraceChecker => {
    let c = checkers.get(dev);
    if (!c) {
      c = new TraceChecker(oraclesFor(importer!.deviceList[dev]!.deviceId), contextOf);
      checkers.set(dev, c);
    }
    return c;
  };
  importer = new QemuImporter((r) => checkerFor(r.dev).push(r));
  let lines = 0;
  for await (const { text, no } of readLines(chunks)) {
    lines = no;
    const l = parseQemuLine(text, no);
    if (l) importer.feed(l, no);
  }
  if (lines === 0) throw new TraceFormatError(1, undefined, 'is missing: the trace is empty');
  importer.end();
  const notes: string[] = [];
  if (guest) {
    let guestLines = 0;
    for await (const { no } of readLines(guest)) guestLines = no;
    notes.push(`guest trace (${guestLines} lines) read but not merged: the driver-side oracles that need it (P-IRQ-MUST, P-KICK-MUST, P-QUIESCE) are not fed yet`);
  }
  const violations = [];
  const devices = [];
  const ran = new Set<OracleProperty>();
  const skipped: SkippedOracle[] = [...QEMU_SKIPPED];
  let records = 0;
  for (const d of importer.deviceList) {
    const c = checkers.get(d.index);
    const name = `virtio-mmio@0x${d.base.toString(16)} v${d.version ?? 2} ${DEVICE_NAMES[d.deviceId ?? -1] ?? `device id ${d.deviceId}`}`;
    devices.push({ dev: d.index, name, records: c?.records ?? 0 });
    if (!c) continue;
    records += c.records;
    for (const o of oraclesFor(d.deviceId)) ran.add(o.property);
    if (d.deviceId !== 1) skipped.push({ property: 'P-FEAT', reason: `device ${d.index} (${name}): the feature statechart knows virtio-net's dependencies only` });
    violations.push(...c.finish().violations);
  }
  violations.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  notes.push(`P-WRAP runs in part: used.idx (Σ virtqueue_flush counts) is judged against the entries taken (virtqueue_pop); the avail.idx QEMU read is not traced, so its pop check is vacuous`);
  notes.push(`P-ISR: InterruptStatus is reconstructed from QEMU's code (virtio_notify sets bit 0, reset clears, an ACK clears the written bits unless the line then drops, which shows them all cleared); register reads are checked against it`);
  notes.push(`the suppression-mode check is not run: ${MEMORY_ONLY}`);
  if (importer.markers > 0) notes.push(`${importer.markers} in-band marker writes (0x7e57000N to MagicValue of an empty slot) skipped`);
  if (importer.unresolved > 0) notes.push(`${importer.unresolved} virtqueue/notify lines name a queue or device never seen on the bus: not judged`);
  const ignored = [...importer.ignored].map(([k, n]) => `${k} ×${n}`).join(', ');
  if (ignored) notes.push(`events not judged: ${ignored}`);
  return {
    format: 'qemu', verdict: violations.length === 0 ? 'conformant' : 'violations', lines, records, devices,
    ran: [...ran], skipped, notes, violations,
  };
}
