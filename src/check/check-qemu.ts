// `check --format qemu`: a QEMU log-backend trace (and, where given, the guest's kprobe
// trace), imported per virtio-mmio transport and judged by the oracles it carries enough for.

import type { Oracle, OracleContext, OracleProperty } from '../oracles/index.ts';
import { statusOracle } from '../oracles/p-status.ts';
import { featureOracle } from '../oracles/p-feat.ts';
import { isrOracle } from '../oracles/p-isr.ts';
import { wrapOracle } from '../oracles/p-wrap.ts';
import { queueReadyOracle } from '../oracles/p-queue-ready.ts';
import { kickMustOracle } from '../oracles/p-notify.ts';
import { VIRTIO_F } from '../../spec/facts/feature-bits.ts';
import { GuestImporter } from '../trace/qemu/guest.ts';
import { ONE_LINE } from '../transport/mmio/irq-lines.ts';
import { TraceFormatError } from '../trace/jsonl.ts';
import { readLines } from '../trace/lines.ts';
import { TraceChecker, type CheckReport, type CheckedViolation, type DeviceSummary, type SkippedOracle } from './trace-checker.ts';
import { parseQemuLine } from '../trace/qemu/parse.ts';
import { QemuImporter, type ImportedDevice } from '../trace/qemu/importer.ts';

const DEVICE_NAMES: Readonly<Record<number, string>> = { 0: 'no device', 1: 'net', 2: 'blk', 3: 'console', 4: 'rng' };

/** Oracles a QEMU trace cannot feed, and why (what the trace lacks). */
export const QEMU_SKIPPED: readonly SkippedOracle[] = [
  { property: 'P-QUIESCE', reason: 'the run ends at power-off, not at quiescence, and the driver\'s consumption of used entries (last_used) is not in the QEMU trace' },
  { property: 'P-IRQ-MUST', reason: 'needs used_event / NO_INTERRUPT at each used-index update; QEMU traces neither (virtio_notify is logged only when it decided to notify)' },
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
  const violations: CheckedViolation[] = [];
  const devices: DeviceSummary[] = [];
  const ran = new Set<OracleProperty>();
  const skipped: SkippedOracle[] = [...QEMU_SKIPPED];
  if (guest) {
    const g = await checkGuest(guest, importer.deviceList, importer.deviceList.length);
    violations.push(...g.violations);
    devices.push(...g.devices);
    if (g.decisions > 0) ran.add('P-KICK-MUST');
    notes.push(`P-KICK-MUST runs on the guest trace alone (${g.decisions} kick decisions): the driver's view of avail.idx, avail_event / used.flags at each kick_prepare and its QueueNotify writes; the two traces are not interleaved`);
  } else {
    skipped.push({ property: 'P-KICK-MUST', reason: 'needs avail.idx and avail_event / NO_NOTIFY at each kick decision: driver memory, in the guest trace (--guest) only' });
  }
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
  devices.sort((a, b) => a.dev - b.dev);
  violations.sort((a, b) => (a.file === b.file ? 0 : a.file === 'guest' ? 1 : -1) || (a.line ?? 0) - (b.line ?? 0));
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

/** The guest's kprobe trace, per guest virtio device: P-KICK-MUST over the driver's kick decisions. */
async function checkGuest(chunks: AsyncIterable<Buffer | string>, qemuDevices: readonly ImportedDevice[], firstDev: number) {
  const eventIdx = (type: 'net' | 'blk' | 'other'): boolean => {
    const d = qemuDevices.find((x) => x.deviceId === (type === 'net' ? 1 : type === 'blk' ? 2 : -1));
    return d !== undefined && ((d.featuresLo >>> VIRTIO_F.EVENT_IDX) & 1) === 1;
  };
  const ctx: OracleContext = { mmioVersion: 2, line: 0, interruptLines: ONE_LINE, buffered: false, judgeDriver: true };
  const checker = new TraceChecker([kickMustOracle], () => ctx);
  const importer = new GuestImporter((r) => checker.push({ ...r, dev: firstDev + r.dev }), eventIdx);
  for await (const { text, no } of readLines(chunks)) importer.feed(text, no);
  importer.end();
  const { violations, perDevice } = checker.finish();
  const devices: DeviceSummary[] = [...importer.devices.values()].map((d) => ({
    dev: firstDev + d.dev, name: `guest virtio${d.dev} (${d.type}, driver view${eventIdx(d.type) ? ', EVENT_IDX' : ''})`, records: perDevice.get(firstDev + d.dev) ?? 0,
  }));
  return { violations: violations.map((v): CheckedViolation => ({ ...v, file: 'guest' })), devices, decisions: importer.kickDecisions };
}
