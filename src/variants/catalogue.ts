// Named configurations the evidence compares: the reference variants (the spec today,
// which must pass every property) and the mutants (one real bug each, named after its
// bug-zoo id, which some property must catch).

import { DEFAULT_CONFIG, type SimConfig } from '../sim/config.ts';
import { REFERENCE_DEVICE, type DeviceQuirks } from '../device/quirks.ts';
import { REFERENCE_DRIVER, type DriverQuirks } from '../driver/quirks.ts';
import type { OracleProperty } from '../oracles/index.ts';
import type { InterruptLineProfile } from '../transport/mmio/irq-lines.ts';

export type VariantKind = 'reference' | 'proposal' | 'mutant';

export interface Variant {
  readonly name: string;
  readonly kind: VariantKind;
  /** Bug-zoo id, for mutants. */
  readonly bug?: string;
  readonly expect: 'pass' | 'violate';
  /** The property expected to catch a mutant. */
  readonly caughtBy?: OracleProperty;
  readonly description: string;
  readonly config: SimConfig;
  /**
   * Known counterexamples (a regression corpus, as fuzzers keep one): replayed before any
   * search, so a bug once found is never missed again. Benchmarks search without them.
   */
  readonly regressions?: readonly Regression[];
}

export interface Regression {
  readonly overrides: Partial<SimConfig>;
  readonly path: string;
  readonly note: string;
}

const base: SimConfig = { ...DEFAULT_CONFIG, memoryModel: 'tso' };

function reference(name: string, description: string, over: Partial<SimConfig>): Variant {
  return { name, kind: 'reference', expect: 'pass', description, config: { ...base, ...over } };
}

/** A proposed transport change, judged by what the model shows (pass, or the property it violates). */
function proposal(name: string, expect: 'pass' | 'violate', caughtBy: OracleProperty | undefined, description: string, over: Partial<SimConfig>): Variant {
  return { name, kind: 'proposal', expect, ...(caughtBy ? { caughtBy } : {}), description, config: { ...base, ...MULTI_QUEUE, ...over } };
}

/** The multi-line proposals' setting: virtio-net with 2 pairs on 2 CPUs (rx k and tx k share line k), 2 lines. */
const MULTI_QUEUE: Partial<SimConfig> = { maxQueuePairs: 2, txPackets: 8 };
const TWO_LINES_SHARED: InterruptLineProfile = { count: 2, status: 'shared', gate: 'always' };

function mutant(name: string, caughtBy: OracleProperty, description: string,
  faults: { device?: Partial<DeviceQuirks>; driver?: Partial<DriverQuirks>; config?: Partial<SimConfig>; regressions?: Regression[] }): Variant {
  return {
    name, kind: 'mutant', bug: name.startsWith('BZ-') ? name.replace(/[ab]$/, '') : undefined, expect: 'violate', caughtBy, description,
    ...(faults.regressions ? { regressions: faults.regressions } : {}),
    config: {
      ...base, ...faults.config,
      device: { ...REFERENCE_DEVICE, ...faults.device },
      driver: { ...REFERENCE_DRIVER, ...faults.driver },
    },
  } as Variant;
}

export const VARIANTS: readonly Variant[] = [
  reference('mmio-v2', 'virtio-mmio Version 2, one level line, shared InterruptStatus, EVENT_IDX, synchronous kicks, x86-TSO', {}),
  reference('mmio-v2-flags', 'mmio-v2 without EVENT_IDX: flag-based suppression (NO_INTERRUPT / NO_NOTIFY)', { eventIdx: false }),
  reference('mmio-v2-ioeventfd', 'mmio-v2 with asynchronous (ioeventfd-style) kicks and a DRIVER_OK→activation window', { kicks: 'async' }),
  reference('mmio-v1', 'legacy virtio-mmio Version 1 (GuestPageSize, QueuePFN), EVENT_IDX', { transport: 'mmio-v1' }),
  reference('mmio-v1-flags', 'legacy virtio-mmio Version 1 without EVENT_IDX', { transport: 'mmio-v1', eventIdx: false }),
  reference('mmio-v2-early-config', 'mmio-v2 whose link also announces before DRIVER_OK: the driver defers the config change and handles it once ready (the only change of the run)', { earlyAnnounce: true, announceEvery: 0 }),
  reference('mmio-v2-mq', 'virtio-net MQ: 2 pairs and a control queue on 2 CPUs; VQ_PAIRS_SET 2 after DRIVER_OK, then VQ_PAIRS_SET 1 while traffic flows (ethtool -L)',
    { ...MULTI_QUEUE, resizeQueuePairsTo: 1 }),
  reference('mmio-v2-mq-fewer', 'virtio-net MQ offering 4 pairs to a driver on 2 CPUs, which enables 2 (fewer than offered) and later all 4',
    { maxQueuePairs: 4, txPackets: 8, resizeQueuePairsTo: 4 }),
  reference('mmio-v2-mq-probe', 'virtio-net MQ with a probing driver that first asks VQ_PAIRS_SET max+1 (against NET-MQ-DRV-2; not judged): the device must answer VIRTIO_NET_ERR',
    { ...MULTI_QUEUE, driver: { ...REFERENCE_DRIVER, requestPairsAboveMax: true } }),
  reference('mmio-v2-status-gating', 'the reference device under the exhaustive (status × byte) Status probe', { workload: 'status-gating', maxSteps: 20_000 }),
  proposal('multi-irq-rfc', 'pass', undefined, 'the 2023 RFC: 2 lines (edges, irqfd), one shared InterruptStatus, queue q on line (q/2) mod 2, the same handler on every line: ack a bit, run all queues, then its own line\'s queues',
    { lines: TWO_LINES_SHARED, driverLines: { use: 'all', handler: 'rfc' } }),
  proposal('multi-irq-per-line-status', 'pass', undefined, 'the RFC with an EXPERIMENTAL status/ACK per line (level lines): each handler acks and services only its own line',
    { lines: { count: 2, status: 'per-line', gate: 'always' }, driverLines: { use: 'all', handler: 'per-line' } }),
  proposal('multi-irq-own-line', 'violate', 'P-ROUTE', 'the RFC without its "all queues" step: each handler acks the shared InterruptStatus, then services only its own line — a line whose bit another handler acked finds nothing (notes §7.4 point 3)',
    { lines: TWO_LINES_SHARED, driverLines: { use: 'all', handler: 'own-line' } }),
  proposal('multi-irq-no-flag', 'violate', 'P-ROUTE', 'a device that spreads queues over 2 lines with no feature bit, and a driver that does not know about lines (claims line 0 only, as mainline Linux does)',
    { lines: TWO_LINES_SHARED, driverLines: { use: 'line0', handler: 'rfc' } }),
  proposal('multi-irq-flag', 'pass', undefined, 'lines beyond 0 only once the EXPERIMENTAL MULTI_IRQ bit (48) is negotiated; an aware driver accepts it and runs the RFC handler on both lines',
    { lines: { ...TWO_LINES_SHARED, gate: 'feature' }, driverLines: { use: 'negotiated', handler: 'rfc' } }),
  proposal('multi-irq-flag-unaware', 'pass', undefined, 'the MULTI_IRQ-gated device with a driver that does not know the bit: nothing is negotiated, so everything stays on line 0',
    { lines: { ...TWO_LINES_SHARED, gate: 'feature' }, driverLines: { use: 'line0', handler: 'rfc' } }),
  mutant('BZ-KVT-01', 'P-QUIESCE', 'kvmtool d7d79bd5: device fence between used.idx store and used_event load is only a write barrier (TSO)',
    {
      device: { shouldNotifyFence: 'wmb' },
      // A narrow race (two stores must both still be buffered across four steps): the PCT
      // portfolio finds it in thousands of runs, beyond the CI search budget.
      regressions: [{
        overrides: { rxPackets: 3, txPackets: 0 },
        path: '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001111110111111000001111111111111111111',
        note: 'virtio-conform run --variant BZ-KVT-01 --runs 30000 --seed 1: PCT run 5636, shrunk to 3 rx / 0 tx packets',
      }],
    }),
  mutant('BZ-LNX-01', 'P-QUIESCE', 'Linux cbdadbbf (3.11-era driver): virtio_net re-enables callbacks after napi_complete, racing another CPU; used_event moves backwards',
    {
      driver: { enableCbAfterNapiComplete: true },
      config: { memoryModel: 'sc', rxPackets: 8, announceEvery: 1, napiBudget: 1 },
      regressions: [{
        overrides: { rxPackets: 3, txPackets: 1 },
        path: '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000022222222222222222222311111111111111111111111111111111111111111111111111111110001111010000000000000011000101111',
        note: 'virtio-conform run --variant BZ-LNX-01 --runs 30000 --seed 1: PCT run 1016, shrunk to 3 rx / 1 tx packets',
      }],
    }),
  mutant('BZ-CV-03', 'P-QUIESCE', 'crosvm 52c97d41: device handles one descriptor chain per kick under EVENT_IDX',
    { device: { onePerKick: true }, config: { kicks: 'async' } }),
  mutant('BZ-FC-01', 'P-QUIESCE', 'Firecracker 0899ee51: kicks between DRIVER_OK and activation are dropped (ioeventfd)',
    { device: { dropKicksBeforeActivation: true }, config: { kicks: 'async' } }),
  mutant('BZ-FC-04', 'P-STATUS', 'Firecracker 2e0b4abd: status write matches only the new bit; bare DRIVER_OK from 0xB stores 0x04 and activates',
    { device: { statusNewBitOnly: true }, config: { workload: 'status-gating', maxSteps: 20_000 } }),
  mutant('BZ-LNX-02', 'P-STATUS', 'Linux 52c9cf1a: driver kicks a virtqueue before DRIVER_OK',
    { driver: { kickBeforeDriverOk: true } }),
  mutant('BZ-KVT-03a', 'P-ISR', 'kvmtool fe218273 (MMIO analogue): InterruptACK clears InterruptStatus but leaves the line asserted',
    { device: { ackKeepsLine: true } }),
  mutant('BZ-KVT-03b', 'P-ISR', 'kvmtool fe218273 (MMIO analogue): InterruptACK clears every bit, not only the written ones',
    { device: { ackClearsAll: true }, config: { announceEvery: 1 } }),
  mutant('feat-unoffered', 'P-FEAT', 'the driver accepts EVENT_IDX from its own feature table although the device did not offer it (FEAT-DRV-1)',
    { driver: { acceptUnofferedFeatures: true }, config: { eventIdx: false } }),
  mutant('BZ-KVT-04', 'P-FEAT', 'kvmtool 717a3ab0: the device tests EVENT_IDX as `features & 29` (the bit number as a mask), so with EVENT_IDX negotiated it uses the flags and never writes avail_event',
    { device: { eventIdxBitAsMask: true } }),
  mutant('BZ-VMV-01', 'P-WRAP', 'rust-vmm vm-virtio 16f1b017: the device trusts an avail.idx more than a ring ahead and loops over the ring (driven by a hostile driver that moves avail.idx 300 ahead)',
    { device: { trustAvailIdx: true }, driver: { availIdxJump: 300 } }),
  mutant('no-recheck', 'P-QUIESCE', 'the driver re-enables callbacks after NAPI polling but does not re-check used.idx (virtqueue_poll) afterwards (NOTIF-DRV-9)',
    { driver: { noRecheckAfterEnableCb: true } }),
  mutant('need-event-off-by-one', 'P-IRQ-MUST', 'the device evaluates vring_need_event without the −1: `new − event < new − old`, so used_event itself never triggers',
    { device: { needEventOffByOne: true } }),
  mutant('signalled-at-check', 'P-IRQ-MUST', 'the device moves signalled_used at every check but notifies once per batch on the last check\'s verdict: an earlier "notify" is dropped',
    { device: { notifyOncePerBatch: true } }),
  mutant('libqos-avail-flags', 'P-KICK-MUST', 'QEMU libqos qvirtqueue_kick: the kick test reads avail.flags where used.flags NO_NOTIFY was meant (flag-based suppression)',
    { driver: { kickReadsAvailFlags: true }, config: { eventIdx: false } }),
  mutant('avail-flags-under-event-idx', 'P-FEAT', 'Linux before "virtio_ring: Make interrupt suppression spec compliant" (2017): disable_cb sets avail.flags NO_INTERRUPT under EVENT_IDX, where it MUST be 0 (NOTIF-DRV-2)',
    { driver: { availFlagUnderEventIdx: true } }),
  mutant('BZ-LNX-05a', 'P-CFG', 'Linux before 22b7050a: a config change during probe runs the driver\'s config handler at once (delivered early)',
    { driver: { configCallbackDuringProbe: true }, config: { earlyAnnounce: true, announceEvery: 0 } }),
  mutant('BZ-LNX-05b', 'P-CFG', 'a driver that gates config changes during probe but drops them instead of replaying them once ready (lost)',
    { driver: { dropConfigWhileDisabled: true }, config: { earlyAnnounce: true, announceEvery: 0 } }),
  mutant('BZ-LNX-03', 'P-FEAT', 'Linux before "virtio-net: validate features during probe" (2014): with a device offering MQ without CTRL_VQ (QEMU ctrl_vq=off,mq=on), the driver accepts MQ',
    { device: { offerMqWithoutCtrlVq: true }, driver: { acceptMqWithoutCtrlVq: true } }),
  mutant('BZ-CH-02', 'P-MQ', 'Cloud Hypervisor 0e085592: VQ_PAIRS_SET accepted up to 0x8000, not up to max_virtqueue_pairs (driven by a driver that asks max+1)',
    { device: { pairsBoundedByProtocolMax: true }, driver: { requestPairsAboveMax: true }, config: MULTI_QUEUE }),
  mutant('mq-narrow-tx-late', 'P-MQ', 'a driver that closes transmit queues only once VQ_PAIRS_SET 1 has been answered, not when it submits it: a packet can still go to transmitq2 meanwhile (NET-MQ-DRV-4)',
    { driver: { narrowTxAtCompletion: true }, config: { ...MULTI_QUEUE, resizeQueuePairsTo: 1 } }),
  mutant('mq-strand-backlog', 'P-MQ', 'a device that detaches the backend queues of closed pairs with their packets still in them: VQ_PAIRS_SET 1 strands what was steered to receiveq2',
    { device: { strandDetachedBacklog: true }, config: { ...MULTI_QUEUE, resizeQueuePairsTo: 1, rxPackets: 10, queueSize: 2 } }),
  mutant('multi-irq-line-formula', 'P-ROUTE', 'a 2-line device that puts queue q on line q mod 2 while the driver expects (q / 2) mod 2: the queue→line mapping is not shared (Jason Wang\'s layering objection, notes §7.4 point 8)',
    { device: { lineByQueueIndex: true }, config: { ...MULTI_QUEUE, lines: TWO_LINES_SHARED, driverLines: { use: 'all', handler: 'rfc' } } }),
  mutant('ack-after-process', 'P-QUIESCE', 'vm_interrupt acks InterruptStatus after scanning the queues instead of before (§4.3 analysis)',
    { driver: { ackAfterProcess: true } }),
];

export function variantByName(name: string): Variant | undefined {
  return VARIANTS.find((v) => v.name === name);
}
