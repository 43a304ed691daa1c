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
  /**
   * Requirement ids the caught violation must name (properties/mutants.prop.ts holds every
   * mutant to them): what makes a mutant evidence for a requirement, not just for a property.
   */
  readonly names?: readonly string[];
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
function proposal(name: string, expect: 'pass' | 'violate', caughtBy: OracleProperty | undefined, description: string, config: SimConfig, regressions?: Regression[]): Variant {
  return { name, kind: 'proposal', expect, ...(caughtBy ? { caughtBy } : {}), ...(regressions ? { regressions } : {}), description, config };
}

/** A multi-line proposal, on the multiqueue setting. */
function lineProposal(name: string, expect: 'pass' | 'violate', caughtBy: OracleProperty | undefined, description: string, over: Partial<SimConfig>): Variant {
  return proposal(name, expect, caughtBy, description, { ...base, ...MULTI_QUEUE, ...over });
}

/** The multi-line proposals' setting: virtio-net with 2 pairs on 2 CPUs (rx k and tx k share line k), 2 lines. */
const MULTI_QUEUE: Partial<SimConfig> = { maxQueuePairs: 2, txPackets: 8 };
const TWO_LINES_SHARED: InterruptLineProfile = { count: 2, status: 'shared', gate: 'always' };
/** DEVICE_NEEDS_RESET: the backend fails at the 3rd buffer while live, and the driver recovers (reset, reclaim, re-initialise). */
const BACKEND_FAILS_AT_3: Partial<SimConfig> = { deviceError: { at: 'backend', afterBuffers: 3 }, needsResetRecovery: true };

function mutant(name: string, caughtBy: OracleProperty, description: string,
  faults: { device?: Partial<DeviceQuirks>; driver?: Partial<DriverQuirks>; config?: Partial<SimConfig>; regressions?: Regression[]; names?: readonly string[] }): Variant {
  return {
    name, kind: 'mutant', bug: name.startsWith('BZ-') ? name.replace(/[ab]$/, '') : undefined, expect: 'violate', caughtBy, description,
    ...(faults.regressions ? { regressions: faults.regressions } : {}),
    ...(faults.names ? { names: faults.names } : {}),
    config: {
      ...base, ...faults.config,
      device: { ...REFERENCE_DEVICE, ...faults.device },
      driver: { ...REFERENCE_DRIVER, ...faults.driver },
    },
  } as Variant;
}

// --- MSI: interrupt-delivery profiles (src/transport/msi, src/driver/msi.ts) ---
function msiProposal(name: string, expect: 'pass' | 'violate', description: string, over: Partial<SimConfig>, regressions?: Regression[]): Variant {
  return proposal(name, expect, expect === 'violate' ? 'P-ROUTE' : undefined, description, { ...base, ...over }, regressions);
}
/** The one-CPU tear of live registers in the whole simulation (the same schedule passes under mmio-msi-latched-locked). */
const TORN_2020: Regression = {
  overrides: { rxPackets: 5, txPackets: 0 },
  path: '011000000000000000000000000020000000000000000000011111111110111110100000000010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000110111',
  note: 'virtio-conform run --variant mmio-msi-2020-locked --runs 6000 --seed 1: PCT run 19, shrunk to 5 rx / 0 tx packets; an event between MsiAddrLow and MsiData sends (cpu1, 0x23)',
};
const msi = (over: Partial<SimConfig['msi']>): SimConfig['msi'] => ({ ...DEFAULT_CONFIG.msi, ...over });
// --- end MSI ---

export const VARIANTS: readonly Variant[] = [
  reference('mmio-v2', 'virtio-mmio Version 2, one level line, shared InterruptStatus, EVENT_IDX, synchronous kicks, x86-TSO', {}),
  reference('mmio-v2-flags', 'mmio-v2 without EVENT_IDX: flag-based suppression (NO_INTERRUPT / NO_NOTIFY)', { eventIdx: false }),
  reference('mmio-v2-ioeventfd', 'mmio-v2 with asynchronous (ioeventfd-style) kicks and a DRIVER_OK→activation window', { kicks: 'async' }),
  reference('mmio-v2-flags-ioeventfd', 'mmio-v2 with flag-based suppression and asynchronous kicks: the setting in which two x86-TSO release orderings matter (spin_unlock of the tx lock, and opening the tx queues after NAPI is scheduled)', { eventIdx: false, kicks: 'async' }),
  reference('mmio-v1', 'legacy virtio-mmio Version 1 (GuestPageSize, QueuePFN), EVENT_IDX', { transport: 'mmio-v1' }),
  reference('mmio-v1-flags', 'legacy virtio-mmio Version 1 without EVENT_IDX', { transport: 'mmio-v1', eventIdx: false }),
  reference('mmio-v2-event-idx-declined', 'mmio-v2 whose device offers EVENT_IDX to a driver that does not know it (firmware drivers such as U-Boot\'s and SeaBIOS\'s): flag-based suppression, and the device must ignore used_event', { driverKnowsEventIdx: false }),
  reference('mmio-v1-set-mac-during-probe', 'legacy mmio-v1 while the administrator sets the MAC during probe (Linux before 50c0ada627f5 registered the netdev before DRIVER_OK): virtnet_set_mac_address writes the legacy config mac byte by byte before DRIVER_OK, which a legacy driver may (no FEATURES_OK step, §3.1.2)',
    { transport: 'mmio-v1', setMacDuringProbe: true }),
  reference('mmio-v2-pso', 'mmio-v2 under PSO (SPARC partial store order): a store may become visible before older stores to other addresses unless a write barrier separates them — the store-store reordering of Arm and POWER that virtio\'s write barriers (virtio_wmb before avail.idx and used.idx) exist for', { memoryModel: 'pso' }),
  reference('mmio-v2-flags-pso', 'mmio-v2-pso with flag-based suppression and asynchronous kicks', { memoryModel: 'pso', eventIdx: false, kicks: 'async' }),
  reference('mmio-v2-early-config', 'mmio-v2 whose link also announces before DRIVER_OK: the driver defers the config change and handles it once ready (the only change of the run)', { earlyAnnounce: true, announceEvery: 0 }),
  reference('mmio-v2-mq', 'virtio-net MQ: 2 pairs and a control queue on 2 CPUs; VQ_PAIRS_SET 2 after DRIVER_OK, then VQ_PAIRS_SET 1 while traffic flows (ethtool -L)',
    { ...MULTI_QUEUE, resizeQueuePairsTo: 1 }),
  reference('mmio-v2-mq-fewer', 'virtio-net MQ offering 4 pairs to a driver on 2 CPUs, which enables 2 (fewer than offered) and later all 4',
    { maxQueuePairs: 4, txPackets: 8, resizeQueuePairsTo: 4 }),
  reference('mmio-v2-mq-probe', 'virtio-net MQ with a probing driver that first asks VQ_PAIRS_SET max+1 (against NET-MQ-DRV-2; not judged): the device must answer VIRTIO_NET_ERR',
    { ...MULTI_QUEUE, driver: { ...REFERENCE_DRIVER, requestPairsAboveMax: true } }),
  reference('mmio-v2-status-gating', 'the reference device under the exhaustive (status × byte) Status probe', { workload: 'status-gating', maxSteps: 20_000 }),
  lineProposal('multi-irq-rfc', 'pass', undefined, 'the 2023 RFC: 2 lines (edges, irqfd), one shared InterruptStatus, queue q on line (q/2) mod 2, the same handler on every line: ack a bit, run all queues, then its own line\'s queues',
    { lines: TWO_LINES_SHARED, driverLines: { use: 'all', handler: 'rfc' } }),
  lineProposal('multi-irq-per-line-status', 'pass', undefined, 'the RFC with an EXPERIMENTAL status/ACK per line (level lines): each handler acks and services only its own line',
    { lines: { count: 2, status: 'per-line', gate: 'always' }, driverLines: { use: 'all', handler: 'per-line' } }),
  lineProposal('multi-irq-own-line', 'violate', 'P-ROUTE', 'the RFC without its "all queues" step: each handler acks the shared InterruptStatus, then services only its own line — a line whose bit another handler acked finds nothing (notes §7.4 point 3)',
    { lines: TWO_LINES_SHARED, driverLines: { use: 'all', handler: 'own-line' } }),
  lineProposal('multi-irq-no-flag', 'violate', 'P-ROUTE', 'a device that spreads queues over 2 lines with no feature bit, and a driver that does not know about lines (claims line 0 only, as mainline Linux does)',
    { lines: TWO_LINES_SHARED, driverLines: { use: 'line0', handler: 'rfc' } }),
  lineProposal('multi-irq-flag', 'pass', undefined, 'lines beyond 0 only once the EXPERIMENTAL MULTI_IRQ bit (48) is negotiated; an aware driver accepts it and runs the RFC handler on both lines',
    { lines: { ...TWO_LINES_SHARED, gate: 'feature' }, driverLines: { use: 'negotiated', handler: 'rfc' } }),
  lineProposal('multi-irq-flag-unaware', 'pass', undefined, 'the MULTI_IRQ-gated device with a driver that does not know the bit: nothing is negotiated, so everything stays on line 0',
    { lines: { ...TWO_LINES_SHARED, gate: 'feature' }, driverLines: { use: 'line0', handler: 'rfc' } }),
  // --- MSI ---
  reference('pci-msix', 'virtio-pci MSI-X as the device\'s interrupt delivery: config and each queue on a vector of their own (vp_find_vqs), per-vector table entries with mask and pending bits, NO_VECTOR after reset; both queue vectors move to CPU 1 while traffic flows, each entry masked around its update (__pci_write_msi_msg) and holding only its own irq lock — no selector, so no driver lock is needed', { irqDelivery: 'pci-msix' }),
  msiProposal('mmio-msi-2020', 'violate', 'the 2020 virtio-mmio MSI proposal as posted (kernel v2): MsiVecSel + live MsiAddrLow/High/MsiData + CONFIGURE, no masking, no lock beyond each irq\'s own; both queue vectors move to CPU 1 while traffic flows, each move run by another CPU. Search first finds the selector race (CPU 1 rewrites MsiVecSel between CPU 0\'s select and its data writes: one vector keeps its old, freed message — stale); the one-CPU tear (an event between MsiAddrLow and MsiData: new destination, old vector) is mmio-msi-2020-locked\'s and the msi-litmus\'s counterexample (spec-notes §6.5.1–2)', { irqDelivery: 'mmio-msi-2020' }),
  msiProposal('mmio-msi-latched', 'violate', 'fix 1: MsiAddrLow/High/MsiData staged, committed to the selected vector by CONFIGURE — one CPU\'s update is atomic (msi-litmus: verified with one mover); but two CPUs moving two vectors share MsiVecSel and the staging registers: CPU 1\'s MsiVecSel lands between CPU 0\'s MsiData and CONFIGURE, so CPU 0\'s message is committed to CPU 1\'s vector and its own vector keeps the old, freed message (spec-notes §6.5.2)', { irqDelivery: 'mmio-msi-latched' }),
  msiProposal('mmio-msi-masked', 'violate', 'fix 2: mask → write → unmask with a pending bit (PCI semantics, live registers): nothing is sent while one CPU\'s update is half done (msi-litmus: verified with one mover); but two CPUs sharing MsiVecSel without a driver lock write each other\'s vectors — the two messages swap, and an rx interrupt reaches the tx handler (spec-notes §6.5.2)', { irqDelivery: 'mmio-msi-masked' }),
  msiProposal('mmio-msi-latched-locked', 'pass', 'fix 1 with a driver-side lock around every MsiVecSel sequence (what the shared selector needs, as QueueSel does): no tear, no lost update', { irqDelivery: 'mmio-msi-latched', msi: msi({ selectorLock: true }) }),
  msiProposal('mmio-msi-masked-locked', 'pass', 'fix 2 with a driver-side lock around every MsiVecSel sequence: no tear, no lost update; an event during the update is held in the pending bit and sent once, to the new message', { irqDelivery: 'mmio-msi-masked', msi: msi({ selectorLock: true }) }),
  msiProposal('mmio-msi-2020-locked', 'violate', 'the 2020 profile with the driver lock: the selector no longer races, yet an event between MsiAddrLow and MsiData of one update still sends a torn message (new destination, old vector) — no lock can fix live registers; masking or latching is needed (MST, 2020-01-05)', { irqDelivery: 'mmio-msi-2020', msi: msi({ selectorLock: true }) }, [TORN_2020]),
  // --- end MSI ---
  mutant('BZ-KVT-01', 'P-QUIESCE', 'kvmtool d7d79bd5: device fence between used.idx store and used_event load is only a write barrier (TSO)',
    { names: ['NOTIF-DEV-4'],
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
    { names: ['NOTIF-DRV-9'],
      driver: { enableCbAfterNapiComplete: true },
      config: { memoryModel: 'sc', rxPackets: 8, announceEvery: 1, napiBudget: 1 },
      regressions: [{
        overrides: { rxPackets: 3, txPackets: 1 },
        path: '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000022222222222222222222311111111111111111111111111111111111111111111111111111110001111010000000000000011000101111',
        note: 'virtio-conform run --variant BZ-LNX-01 --runs 30000 --seed 1: PCT run 1016, shrunk to 3 rx / 1 tx packets',
      }],
    }),
  mutant('BZ-CV-03', 'P-QUIESCE', 'crosvm 52c97d41: device handles one descriptor chain per kick under EVENT_IDX',
    { names: ['NOTIF-DEV-8'], device: { onePerKick: true }, config: { kicks: 'async' } }),
  mutant('BZ-FC-01', 'P-QUIESCE', 'Firecracker 0899ee51: kicks between DRIVER_OK and activation are dropped (ioeventfd)',
    { device: { dropKicksBeforeActivation: true }, config: { kicks: 'async' } }),
  mutant('BZ-FC-04', 'P-STATUS', 'Firecracker 2e0b4abd: status write matches only the new bit; bare DRIVER_OK from 0xB stores 0x04 and activates',
    { names: ['STATUS-DEV-1'], device: { statusNewBitOnly: true }, config: { workload: 'status-gating', maxSteps: 20_000 } }),
  mutant('BZ-LNX-02', 'P-STATUS', 'Linux 52c9cf1a: driver kicks a virtqueue before DRIVER_OK',
    { names: ['STATUS-DRV-10'], driver: { kickBeforeDriverOk: true } }),
  mutant('BZ-KVT-03a', 'P-ISR', 'kvmtool fe218273 (MMIO analogue): InterruptACK clears InterruptStatus but leaves the line asserted',
    { names: ['MMIO-DEV-8'], device: { ackKeepsLine: true } }),
  mutant('BZ-KVT-03b', 'P-ISR', 'kvmtool fe218273 (MMIO analogue): InterruptACK clears every bit, not only the written ones',
    { names: ['MMIO-DEV-3'], device: { ackClearsAll: true }, config: { announceEvery: 1 } }),
  mutant('feat-unoffered', 'P-FEAT', 'the driver accepts EVENT_IDX from its own feature table although the device did not offer it (FEAT-DRV-1)',
    { names: ['FEAT-DRV-1'], driver: { acceptUnofferedFeatures: true }, config: { eventIdx: false } }),
  mutant('BZ-KVT-04', 'P-FEAT', 'kvmtool 717a3ab0: the device tests EVENT_IDX as `features & 29` (the bit number as a mask), so with EVENT_IDX negotiated it uses the flags and never writes avail_event',
    { names: ['NOTIF-DEV-6'], device: { eventIdxBitAsMask: true } }),
  mutant('BZ-VMV-01', 'P-WRAP', 'rust-vmm vm-virtio 16f1b017: the device trusts an avail.idx more than a ring ahead and loops over the ring (driven by a hostile driver that moves avail.idx 300 ahead)',
    { device: { trustAvailIdx: true }, driver: { availIdxJump: 300 } }),
  mutant('no-recheck', 'P-QUIESCE', 'the driver re-enables callbacks after NAPI polling but does not re-check used.idx (virtqueue_poll) afterwards (NOTIF-DRV-9)',
    { names: ['NOTIF-DRV-9'],
      driver: { noRecheckAfterEnableCb: true },
      // PCT finds it within a few hundred runs; the fast-check budget of CI's mutant search does not always.
      regressions: [{
        overrides: { rxPackets: 4, txPackets: 1 },
        path: '00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000011000000011111101111100000000000011111111100001111110000000000000011111112',
        note: 'virtio-conform run --variant no-recheck --runs 3000 --seed 1: PCT run 95, shrunk to 4 rx / 1 tx packets',
      }],
    }),
  mutant('need-event-off-by-one', 'P-IRQ-MUST', 'the device evaluates vring_need_event without the −1: `new − event < new − old`, so used_event itself never triggers',
    { names: ['NOTIF-DEV-4'], device: { needEventOffByOne: true } }),
  mutant('signalled-at-check', 'P-IRQ-MUST', 'the device moves signalled_used at every check but notifies once per batch on the last check\'s verdict: an earlier "notify" is dropped',
    { names: ['NOTIF-DEV-4'], device: { notifyOncePerBatch: true } }),
  mutant('libqos-avail-flags', 'P-KICK-MUST', 'QEMU libqos qvirtqueue_kick: the kick test reads avail.flags where used.flags NO_NOTIFY was meant (flag-based suppression)',
    { names: ['NOTIF-DRV-5'], driver: { kickReadsAvailFlags: true }, config: { eventIdx: false } }),
  mutant('avail-flags-under-event-idx', 'P-FEAT', 'Linux before "virtio_ring: Make interrupt suppression spec compliant" (2017): disable_cb sets avail.flags NO_INTERRUPT under EVENT_IDX, where it MUST be 0 (NOTIF-DRV-2)',
    { names: ['NOTIF-DRV-2'], driver: { availFlagUnderEventIdx: true } }),
  mutant('BZ-LNX-05a', 'P-CFG', 'Linux before 22b7050a: a config change during probe runs the driver\'s config handler at once (delivered early)',
    { driver: { configCallbackDuringProbe: true }, config: { earlyAnnounce: true, announceEvery: 0 } }),
  mutant('BZ-LNX-05b', 'P-CFG', 'a driver that gates config changes during probe but drops them instead of replaying them once ready (lost)',
    { driver: { dropConfigWhileDisabled: true }, config: { earlyAnnounce: true, announceEvery: 0 } }),
  mutant('BZ-LNX-03', 'P-FEAT', 'Linux before "virtio-net: validate features during probe" (2014): with a device offering MQ without CTRL_VQ (QEMU ctrl_vq=off,mq=on), the driver accepts MQ',
    { names: ['FEAT-DRV-2'], device: { offerMqWithoutCtrlVq: true }, driver: { acceptMqWithoutCtrlVq: true } }),
  mutant('mq-offered-without-ctrl-vq', 'P-FEAT', 'QEMU with `ctrl_vq=off,mq=on` (BZ-LNX-03\'s trigger): the device offers MQ without its prerequisite CTRL_VQ (FEAT-DEV-1); the reference driver drops MQ and runs one pair',
    { names: ['FEAT-DEV-1'], device: { offerMqWithoutCtrlVq: true } }),
  mutant('BZ-CH-02', 'P-MQ', 'Cloud Hypervisor 0e085592: VQ_PAIRS_SET accepted up to 0x8000, not up to max_virtqueue_pairs (driven by a driver that asks max+1)',
    { names: ['NET-MQ-DEV-1'], device: { pairsBoundedByProtocolMax: true }, driver: { requestPairsAboveMax: true }, config: MULTI_QUEUE }),
  mutant('mq-narrow-tx-late', 'P-MQ', 'a driver that closes transmit queues only once VQ_PAIRS_SET 1 has been answered, not when it submits it: a packet can still go to transmitq2 meanwhile (NET-MQ-DRV-4)',
    { names: ['NET-MQ-DRV-4'], driver: { narrowTxAtCompletion: true }, config: { ...MULTI_QUEUE, resizeQueuePairsTo: 1 } }),
  mutant('mq-strand-backlog', 'P-MQ', 'a device that detaches the backend queues of closed pairs with their packets still in them: VQ_PAIRS_SET 1 strands what was steered to receiveq2',
    { names: ['NET-MQ-DEV-3'], device: { strandDetachedBacklog: true }, config: { ...MULTI_QUEUE, resizeQueuePairsTo: 1, rxPackets: 10, queueSize: 2 } }),
  mutant('multi-irq-line-formula', 'P-ROUTE', 'a 2-line device that puts queue q on line q mod 2 while the driver expects (q / 2) mod 2: the queue→line mapping is not shared (Jason Wang\'s layering objection, notes §7.4 point 8)',
    { names: ['MIRQ-DEV-2'], device: { lineByQueueIndex: true }, config: { ...MULTI_QUEUE, lines: TWO_LINES_SHARED, driverLines: { use: 'all', handler: 'rfc' } } }),
  // --- MSI mutants ---
  mutant('BZ-FC-03', 'P-ROUTE', 'Firecracker ac5cd1b9 (vsock): the backend answers a transmitted packet at once, so handling the tx kick also completes an rx buffer — but the interrupt is raised for the tx queue\'s vector only (pci-msix, per-queue vectors; invisible on one line, where the handler scans every queue)',
    { names: ['MMIO-MSI-DEV-3'], device: { signalHandledQueueOnly: true }, config: { irqDelivery: 'pci-msix', txEcho: true } }),
  mutant('BZ-KVT-02', 'P-ROUTE', 'kvmtool 3d5cefc2: every MSI-X vector mapping starts at 0 instead of NO_VECTOR; with a driver that maps its queues only (config left unmapped), a config change fires vector 0 and is taken for a queue-0 interrupt — the config handler never runs',
    { names: ['PCI-DEV-4'], device: { msiVectorsDefaultZero: true }, config: { irqDelivery: 'pci-msix', msi: { ...DEFAULT_CONFIG.msi, configVector: false } } }),
  // --- end MSI mutants ---
  mutant('status-writeb', 'P-MMIO', 'a driver ported from legacy virtio-pci, where the status is a byte register (iowrite8): it writes the MMIO Status register with an 8-bit access, where every control register takes aligned 32-bit accesses (MMIO-DRV-2)',
    { names: ['MMIO-DRV-2'], driver: { statusByteWrite: true } }),
  mutant('reset-writes-isr', 'P-MMIO', 'a driver that, on reset, also "clears" InterruptStatus by writing 0 to it — a read-only register (MMIO-DRV-1; the device ignores the write)',
    { names: ['MMIO-DRV-1'], driver: { resetWritesIsr: true } }),
  mutant('queue-size-fixed', 'P-MMIO', 'a driver with a hard-coded ring size (8) that writes QueueSize without reading it against QueueSizeMax (4) (MMIO-DRV-7)',
    { names: ['MMIO-DRV-7'], driver: { fixedQueueSize: 8 } }),
  mutant('queue-size-after-ready', 'P-MMIO', 'a driver that writes QueueSize once more after setting QueueReady, re-programming an enabled queue (MMIO-DRV-8; the device ignores it)',
    { names: ['MMIO-DRV-8'], driver: { rewriteSizeAfterReady: true } }),
  mutant('magic-byte-swapped', 'P-MMIO', 'a device model that stores "virt" big-endian: MagicValue reads 0x76697274 (MMIO-DEV-1); the reference driver rejects it and touches nothing else',
    { names: ['MMIO-DEV-1'], device: { magicByteSwapped: true } }),
  mutant('version-reads-legacy', 'P-MMIO', 'a modern (Version 2 layout) device whose Version register reads 1, as if QEMU\'s force-legacy were left on for a modern backend (MMIO-DEV-2)',
    { names: ['MMIO-DEV-2'], device: { versionReadsLegacy: true } }),
  mutant('ctrl-vq-after-driver-ok', 'P-STATUS', 'a driver that sets up its control queue lazily, after DRIVER_OK, instead of with the other queues in step 7 (§3.1.1: device setup, then DRIVER_OK); without VIRTIO_F_RING_RESET no queue is enabled on a live device',
    { driver: { ctrlVqAfterDriverOk: true }, config: MULTI_QUEUE, names: ['STATUS-DRV-5'] }),
  // --- one mutant per requirement its property did not yet name (classic slips unless a bug is cited) ---
  mutant('status-bits-together', 'P-STATUS', 'a driver that writes ACKNOWLEDGE|DRIVER in one Status write (0 → 3), not one bit as each step completes (STATUS-DRV-1)',
    { names: ['STATUS-DRV-1', 'MMIO-DRV-15'], driver: { statusBitsTogether: true } }),
  mutant('status-new-bit-only', 'P-STATUS', '`virtio_add_status` without the read: the driver writes each new bit alone (1, then 2 …), clearing the bits it set before — the very write BZ-FC-04\'s device mishandled (STATUS-DRV-2)',
    { names: ['STATUS-DRV-2'], driver: { statusWriteNewBitOnly: true } }),
  mutant('feature-after-features-ok', 'P-STATUS', 'a driver that turns EVENT_IDX on once FEATURES_OK is confirmed, writing DriverFeatures again (STATUS-DRV-7; the device ignores it, so the two sides disagree on the ring format)',
    { names: ['STATUS-DRV-7'], driver: { featureAfterFeaturesOk: true }, config: { eventIdx: false } }),
  mutant('features-read-unselected', 'P-FEAT', 'a driver that reads DeviceFeatures before writing DeviceFeaturesSel, trusting the selector to start at 0 (MMIO-DRV-6): it takes word 0 for word 1',
    { names: ['MMIO-DRV-6'], driver: { readFeaturesUnselected: true } }),
  mutant('features-ok-unvalidated', 'P-FEAT', 'Firecracker `ack_features`: an unoffered bit the driver accepts is dropped with a warning and FEATURES_OK is kept, so the driver believes it has EVENT_IDX (FEAT-DEV-2; driven by the feat-unoffered driver)',
    { names: ['FEAT-DEV-2'], device: { acceptInvalidFeatures: true }, driver: { acceptUnofferedFeatures: true }, config: { eventIdx: false } }),
  mutant('mac-before-features-ok', 'P-STATUS', 'a driver that takes the legacy path on a modern device and writes the MAC into config before FEATURES_OK (STATUS-DRV-6: device-specific config is written only once the features are settled)',
    { names: ['STATUS-DRV-6'], driver: { macBeforeFeaturesOk: true } }),
  mutant('features-refusal-ignored', 'P-STATUS', 'a driver that reads FEATURES_OK back cleared — this device cannot work without ACCESS_PLATFORM — and sets up its queues regardless (STATUS-DRV-9: an unrecoverable failure ends the initialisation)',
    { names: ['STATUS-DRV-9'], driver: { ignoreFeaturesRefusal: true }, config: { requireAccessPlatform: true } }),
  mutant('retry-without-reset', 'P-STATUS', 'a driver that, having set FAILED (the device refused FEATURES_OK), tries again from ACKNOWLEDGE without resetting the device first (STATUS-DRV-3)',
    { names: ['STATUS-DRV-3'], driver: { retryWithoutReset: true }, config: { requireAccessPlatform: true } }),
  // --- after a reset (§2.4.1, §4.2.2.1) ---
  mutant('reset-keeps-needs-reset', 'P-STATUS', 'a device whose reset clears everything but a sticky DEVICE_NEEDS_RESET: Status never reads 0 again, and the recovering driver waits for the reset to complete for ever (STATUS-DEV-3)',
    { names: ['STATUS-DEV-3'], device: { resetKeepsNeedsReset: true }, config: BACKEND_FAILS_AT_3 }),
  mutant('queue-ready-latched', 'P-MMIO', 'a register file whose QueueReady latch the reset does not clear: after recovering from DEVICE_NEEDS_RESET the driver reads QueueReady 1 for a queue it has not set up, and takes it for one in use (MMIO-DEV-4; Linux vm_setup_vq returns -ENOENT)',
    { names: ['MMIO-DEV-4'], device: { queueReadyLatchSurvivesReset: true }, config: BACKEND_FAILS_AT_3 }),
  mutant('config-irq-on-reset', 'P-STATUS', 'a device that signals a configuration change whenever its status changes, the reset included: right after showing status 0 it raises the config interrupt (STATUS-DEV-4: nothing is sent until the driver initialises the device again)',
    { names: ['STATUS-DEV-4'], device: { configIrqOnReset: true } }),
  // --- end after a reset ---
  mutant('avail-idx-no-wmb', 'P-WRAP', 'virtqueue_add without the virtio_wmb between the avail ring entry and avail.idx, on a machine that reorders stores (PSO; invisible on x86, which is why such bugs survive x86 testing): the device sees the new index before the entry and takes a stale head (NOTIF-DRV-7)',
    {
      names: ['NOTIF-DRV-7'], driver: { noWmbBeforeAvailIdx: true }, config: { memoryModel: 'pso' },
      // The device must read the index in the few steps before the driver's next full barrier: uniform random finds it, PCT rarely.
      regressions: [{
        overrides: { txPackets: 0 },
        path: '1011020001010112111111111110000000211000001110000011100001000020211010200100011030000000010001010000330302333333',
        note: 'virtio-conform run --variant avail-idx-no-wmb --runs 3000 --scheduler random --seed 1: run 345, shrunk to 0 tx packets',
      }],
    }),
  mutant('ack-all-ones', 'P-ISR', 'a driver that acks an interrupt by writing all ones to InterruptACK instead of the bits it read (MMIO-DRV-11): undefined bits, and an event raised since the read is cleared unseen',
    { names: ['MMIO-DRV-11'], driver: { ackAllOnes: true } }),
  mutant('avail-flag-bit-number', 'P-FEAT', 'a driver that stores NO_INTERRUPT as `1 << VRING_AVAIL_F_NO_INTERRUPT` (= 2), the bit number taken for a mask (NOTIF-DRV-1: avail.flags is 0 or 1); the device never sees the hint',
    { names: ['NOTIF-DRV-1'], driver: { availFlagAsBitNumber: true }, config: { eventIdx: false } }),
  mutant('used-flag-bit-number', 'P-FEAT', 'a device that stores NO_NOTIFY as `1 << VRING_USED_F_NO_NOTIFY` (= 2) (NOTIF-DEV-5: used.flags is 0 or 1); the driver kicks anyway',
    { names: ['NOTIF-DEV-5'], device: { usedFlagAsBitNumber: true }, config: { eventIdx: false } }),
  mutant('event-idx-from-offered', 'P-FEAT', 'a device that picks its suppression mode from the features it offered, not those negotiated: with a driver that did not take EVENT_IDX it reads used_event (NOTIF-DEV-1) — BZ-KVT-04\'s mirror image',
    { names: ['NOTIF-DEV-1'], device: { eventIdxFromOffered: true }, config: { driverKnowsEventIdx: false } }),
  mutant('flags-under-event-idx-honoured', 'P-IRQ-MUST', 'a device that still honours avail.flags NO_INTERRUPT with EVENT_IDX negotiated, driven by a pre-2017 Linux driver that sets the flag there (a harness, not judged): used_event is crossed while the flag is set, and the required interrupt is skipped (NOTIF-DEV-3)',
    { names: ['NOTIF-DEV-3'], device: { honourAvailFlagsUnderEventIdx: true }, driver: { availFlagUnderEventIdx: true, harness: true } }),
  mutant('kick-need-event-off-by-one', 'P-KICK-MUST', 'the driver\'s vring_need_event without the −1: `new − event < new − old`, so avail_event itself never triggers a kick (NOTIF-DRV-6) — need-event-off-by-one on the driver side',
    { names: ['NOTIF-DRV-6'], driver: { kickNeedEventOffByOne: true } }),
  mutant('kick-prepare-wmb', 'P-QUIESCE', 'virtqueue_kick_prepare with a write barrier where a full one is needed (NOTIF-DRV-8): on x86 the avail_event load passes the buffered avail.idx store, the driver reads a stale "no kick" while the device sleeps having seen the old index — a lost kick',
    {
      names: ['NOTIF-DRV-8'], driver: { kickFence: 'wmb' },
      // Two stores must both still be buffered while the device re-arms: beyond CI's search budget.
      regressions: [{
        overrides: { rxPackets: 5, txPackets: 1 },
        path: '00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000011111111111111111111011111111111111111100000000000000000000000000000222222222222222222222222222222222222222222121111111',
        note: 'virtio-conform run --variant kick-prepare-wmb --runs 3000 --seed 1: PCT run 919, shrunk to 5 rx / 1 tx packets',
      }],
    }),
  mutant('pairs-set-before-driver-ok', 'P-MQ', 'a driver that sends VQ_PAIRS_SET from probe, before DRIVER_OK (NET-CVQ-1; Linux calls virtnet_set_queues only after virtio_device_ready): the device does not process the control queue yet and the driver spins',
    { names: ['NET-CVQ-1'], driver: { pairsSetBeforeDriverOk: true }, config: MULTI_QUEUE }),
  mutant('pairs-set-zero', 'P-MQ', 'a driver that asks VQ_PAIRS_SET 0 (a pair count computed as 0) before its real request (NET-MQ-DRV-2); the device answers ERR',
    { names: ['NET-MQ-DRV-2'], driver: { requestZeroPairs: true }, config: MULTI_QUEUE }),
  mutant('pairs-beyond-set-up', 'P-MQ', 'a driver that sets up the virtqueues of only the pairs it enables first (2 of 4), yet later asks VQ_PAIRS_SET 4 (NET-MQ-DRV-1)',
    { names: ['NET-MQ-DRV-1'], driver: { setUpFewerPairs: true }, config: { maxQueuePairs: 4, txPackets: 8, resizeQueuePairsTo: 4 } }),
  mutant('tx-before-pairs-set', 'P-MQ', 'a driver that opens every transmit queue at probe and leaves VQ_PAIRS_SET to a work item, so CPU 1 transmits on transmitq2 before the command (NET-MQ-DRV-3)',
    { names: ['NET-MQ-DRV-3'], driver: { txAllQueuesBeforePairsSet: true }, config: MULTI_QUEUE }),
  mutant('steer-all-pairs-from-start', 'P-MQ', 'a device that steers received packets over every pair from activation, before any VQ_PAIRS_SET, as vhost-user backends did before VHOST_USER_SET_VRING_ENABLE (NET-MQ-DEV-2: receiveq1 only until the command)',
    { names: ['NET-MQ-DEV-2'], device: { steerAllPairsFromStart: true }, config: MULTI_QUEUE }),
  mutant('notify-fence-wmb-flags', 'P-QUIESCE', 'BZ-KVT-01\'s weakened device barrier under flag-based suppression: the avail.flags load passes the buffered used.idx store, the device reads NO_INTERRUPT from before the driver re-enabled callbacks and skips an interrupt the driver\'s re-check could not see coming (NOTIF-DEV-2)',
    {
      names: ['NOTIF-DEV-2'], device: { shouldNotifyFence: 'wmb' }, config: { eventIdx: false },
      // As narrow as BZ-KVT-01 (the litmus finds it exhaustively: `litmus --flags --device-fence wmb`, 47 choices).
      regressions: [{
        overrides: { rxPackets: 3, txPackets: 0 },
        path: '000000000000000100000000000000000000000000000000000000000000000000000000000000000000000000000000000000110110000000022222222222222222',
        note: 'virtio-conform run --variant notify-fence-wmb-flags --runs 80000 --seed 3 --rx 3 --tx 0: PCT run 28316',
      }],
    }),
  mutant('ack-after-process', 'P-QUIESCE', 'vm_interrupt acks InterruptStatus after scanning the queues instead of before (§4.3 analysis)',
    { names: ['MMIO-DRV-16'], driver: { ackAfterProcess: true } }),
  // --- notifications ---
  reference('mmio-v2-spurious', 'mmio-v2 with injected spurious notifications both ways (legal): the device raises 4 used-buffer interrupts with nothing used, the driver writes 4 kicks with nothing added — each side must read the index and find nothing (NOTIF-DRV-3, NOTIF-DEV-7)',
    { spuriousInterrupts: 4, spuriousKicks: 4 }),
  reference('mmio-v2-flags-spurious', 'mmio-v2-spurious with flag-based suppression and asynchronous kicks',
    { eventIdx: false, kicks: 'async', spuriousInterrupts: 4, spuriousKicks: 4 }),
  mutant('interrupt-means-used', 'P-WRAP', 'a driver that takes each used-buffer notification as one completed buffer: vring_interrupt without `if (!more_used(vq)) return IRQ_NONE`, and the get_buf that follows consumes an entry without reading used.idx — a spurious interrupt makes it consume an entry the device never used (a classic slip of simple polling-era drivers; driven by injected spurious interrupts, NOTIF-DRV-3)',
    { driver: { interruptMeansUsed: true }, config: { spuriousInterrupts: 2 }, names: ['NOTIF-DRV-3'] }),
  mutant('kick-means-buffer', 'P-WRAP', 'a device whose tx handler takes each kick as one new buffer: it pops an entry per kick without reading avail.idx — a spurious kick makes it transmit an entry the driver never made available (a classic slip; unlike BZ-CV-03, which takes too few per kick, this takes one too many; driven by injected spurious kicks, NOTIF-DEV-7)',
    { device: { kickMeansBuffer: true }, config: { spuriousKicks: 2 }, names: ['NOTIF-DEV-7'] }),
  mutant('used-ring-not-zeroed', 'P-WRAP', 'a driver that allocates its used ring without zeroing it (alloc_pages without __GFP_ZERO) in memory a previous user left non-zero: it reads a stale used.idx / avail_event (or a stale NO_NOTIFY flag) the device never wrote (NOTIF-DRV-4)',
    { driver: { usedRingNotZeroed: true }, names: ['NOTIF-DRV-4'] }),
  // --- end notifications ---
  // --- net-mq flows ---
  reference('mmio-v2-mq-flows', 'mmio-v2-mq with packets in 3 flows both ways: the device steers each received flow by its hash, or to the pair it last transmitted on (Linux tun automq), and VQ_PAIRS_SET 1 while traffic flows re-steers them (NET-MQ-DEV-4)',
    { ...MULTI_QUEUE, resizeQueuePairsTo: 1, flows: 3, rxPackets: 10 }),
  mutant('steer-per-packet', 'P-MQ', 'a device that spreads received packets round-robin over the active receive queues, packet by packet, ignoring flows: two packets of one flow land on different queues (NET-MQ-DEV-4; a classic slip that reorders a TCP flow across CPUs)',
    { device: { steerPerPacket: true }, config: { ...MULTI_QUEUE, flows: 3, rxPackets: 10, txPackets: 2 }, names: ['NET-MQ-DEV-4'] }),
  // --- end net-mq flows ---
  // --- needs-reset (§2.1.1, §2.1.2, §3.3.1) ---
  reference('mmio-v2-needs-reset-activation', 'mmio-v2 whose device fails to activate at DRIVER_OK, as Firecracker\'s MmioTransport handles it: DEVICE_NEEDS_RESET and a config interrupt; the driver\'s config work reads Status, detaches, disables NAPI, resets (read back until 0), reclaims the exposed buffers, re-initialises and resends',
    { deviceError: { at: 'activation', afterBuffers: 0 }, needsResetRecovery: true }),
  reference('mmio-v2-needs-reset-backend', 'mmio-v2 whose backend fails at the 3rd buffer while live: the device finishes the batch in hand, announces DEVICE_NEEDS_RESET with a config interrupt and stops; the driver recovers by reset, reclaims, re-initialises and resends',
    BACKEND_FAILS_AT_3),
  reference('mmio-v2-needs-reset-features', 'mmio-v2 whose backend fails when FEATURES_OK is accepted: DEVICE_NEEDS_RESET set before DRIVER_OK, so no notification yet (QEMU virtio_error); activation then fails at DRIVER_OK and the config interrupt follows; the driver recovers',
    { deviceError: { at: 'features', afterBuffers: 0 }, needsResetRecovery: true }),
  mutant('needs-reset-silent', 'P-STATUS', 'a device that sets DEVICE_NEEDS_RESET after DRIVER_OK (its backend failed at the 3rd buffer) without the configuration-change notification §2.1.2 requires — as a device that only sets the bit, leaving the notification to a transport path that checks the wrong condition (classic slip: QEMU virtio_notify_config and Firecracker both send it); the driver never learns (STATUS-DEV-2); no link announce in this setting, whose config interrupt would tell the driver anyway',
    { device: { needsResetSilent: true }, config: { ...BACKEND_FAILS_AT_3, announceEvery: 0 }, names: ['STATUS-DEV-2'] }),
  mutant('detach-before-reset', 'P-STATUS', 'a recovering driver that reclaims its exposed buffers (virtqueue_detach_unused_buf, which moves avail.idx back) before it resets the device, i.e. from live queues (classic slip: the order Linux virtnet remove/freeze keeps, reset first, reversed) (STATUS-DRV-13)',
    { driver: { detachBeforeReset: true }, config: BACKEND_FAILS_AT_3, names: ['STATUS-DRV-13'] }),
  mutant('needs-reset-ignored', 'P-STATUS', 'a driver whose config work reads Status, sees DEVICE_NEEDS_RESET and carries on waiting for its buffers (as a driver that only tests FAILED would); it relies on a device that will complete nothing (STATUS-DRV-4)',
    { driver: { ignoreNeedsReset: true }, config: BACKEND_FAILS_AT_3, names: ['STATUS-DRV-4'] }),
  reference('mmio-v2-needs-reset-ioeventfd', 'mmio-v2-needs-reset-activation with flag-based suppression and asynchronous kicks: the worker fails the activation and raises the config interrupt; the recovery re-initialises while NAPI, the worker and the backend run', { deviceError: { at: 'activation', afterBuffers: 0 }, needsResetRecovery: true, kicks: 'async', eventIdx: false }),
  // --- end needs-reset ---
  // --- feature negotiation ---
  reference('mmio-v2-requires-access-platform', 'a device that cannot accept every valid subset: it offers ACCESS_PLATFORM and refuses FEATURES_OK without it (a vDPA parent such as mlx5_vdpa, verify_min_features); the driver, which does not know the bit, reads FEATURES_OK back clear, ORs in FAILED and stops (STATUS-DEV-5, STATUS-DRV-9, FEAT-DRV-4) — no traffic',
    { requireAccessPlatform: true }),
  reference('mmio-v2-protected-guest', 'a guest with restricted memory access (SEV/TDX/s390 PV): the driver needs ACCESS_PLATFORM (Linux virtio_features_ok, virtio_check_mem_acc_cb), which this device does not offer — it sets FAILED before FEATURES_OK and stops (FEAT-DRV-4) — no traffic',
    { protectedGuest: true }),
  mutant('admin-vq-offered-on-mmio', 'P-FEAT', 'a device model that shares one feature set between its PCI and MMIO transports offers ADMIN_VQ (41) over virtio-mmio, which does not support it (§4.2.5, FEAT-DEV-3); the reference driver ignores the bit (FEAT-DRV-3/5) and runs. A slip',
    { device: { offerAdminVqOnMmio: true }, names: ['FEAT-DEV-3'] }),
  mutant('admin-vq-negotiated-on-mmio', 'P-FEAT', 'the ADMIN_VQ-over-MMIO device with a driver that keeps every offered transport bit (virtio_dev_probe\'s 28–41 loop without the vring_transport_features filter, FEAT-DRV-3): the driver\'s FEATURES_OK is invalid, the device accepts it — the negotiation is agreed on a set the transport cannot carry. A slip on both sides',
    { device: { offerAdminVqOnMmio: true }, driver: { keepTransportFeatures: true }, names: ['FEAT-DEV-3', 'FEAT-DRV-3'] }),
  mutant('version-1-not-offered', 'P-FEAT', 'a Version 2 (modern layout) device that does not offer VERSION_1, as a legacy backend wired to a modern register file would (FEAT-DEV-5, §6.2); the reference driver refuses it (Linux vm_finalize_features: "New virtio-mmio devices (version 2) must provide VIRTIO_F_VERSION_1"), sets FAILED and stops',
    { device: { omitVersion1: true }, names: ['FEAT-DEV-5'] }),
  mutant('version-1-dropped', 'P-FEAT', 'a driver that filters the offer through its device-type feature table only (virtnet\'s feature_table) and so drops VERSION_1, then sets FEATURES_OK (FEAT-DRV-6, §6.1); Linux keeps transport bits in virtio_dev_probe. A slip',
    { driver: { dropVersion1: true }, names: ['FEAT-DRV-6'] }),
  mutant('features-ok-on-legacy', 'P-STATUS', 'on a legacy (Version 1, no VERSION_1) device, a driver core that runs steps 5–6 anyway: Linux virtio_features_ok without its `if (!virtio_has_feature(dev, VIRTIO_F_VERSION_1)) return 0;` (FEAT-DRV-9, §2.2.3, §3.1.2). A slip',
    { driver: { featuresOkOnLegacy: true }, config: { transport: 'mmio-v1' }, names: ['FEAT-DRV-9'] }),
  mutant('refused-features-ok-kept', 'P-FEAT', 'the ACCESS_PLATFORM-requiring device refuses the driver\'s subset but stores the written status anyway, so FEATURES_OK reads back set and the driver goes on with a device that refused it (STATUS-DEV-5). A slip: check and store in the wrong order',
    { device: { keepRefusedFeaturesOk: true }, config: { requireAccessPlatform: true }, names: ['STATUS-DEV-5'] }),
  mutant('give-up-without-failed', 'P-FEAT', 'the protected guest, which needs ACCESS_PLATFORM and is not offered it, returns from probe without setting FAILED (an early `return -ENODEV` before virtio_dev_probe\'s `err:` label; FEAT-DRV-4). A slip',
    { driver: { giveUpWithoutFailed: true }, config: { protectedGuest: true }, names: ['FEAT-DRV-4'] }),
  mutant('fail-on-unknown-feature', 'P-FEAT', 'a driver that "validates" the offer by refusing any device offering a bit it does not know, here the MULTI_IRQ-gated device\'s EXPERIMENTAL bit 48 that an unaware driver meets (multi-irq-flag-unaware): FAILED before choosing a subset (FEAT-DRV-5; FEAT-DRV-3 asks to ignore such bits). A slip',
    { driver: { failOnUnknownFeature: true }, config: { ...MULTI_QUEUE, lines: { ...TWO_LINES_SHARED, gate: 'feature' }, driverLines: { use: 'line0', handler: 'rfc' } }, names: ['FEAT-DRV-5'] }),
  reference('mmio-v2-mtu', 'the device also offers VIRTIO_NET_F_MTU (mtu 1500): the driver reads mtu before FEATURES_OK, as Linux virtnet_validate does (fe36cbe0671e), and keeps MTU (STATUS-DEV-6)',
    { mtu: 1500 }),
  mutant('mtu-once-negotiated', 'P-FEAT', 'a device that fills feature-dependent config fields from the negotiated features: mtu reads 0 before FEATURES_OK, so the driver\'s virtnet_validate clears MTU (STATUS-DEV-6). A slip; the same mistake is why vDPA config reads before FEATURES_OK were debated',
    { device: { configFieldsOnceNegotiated: true }, config: { mtu: 1500 }, names: ['STATUS-DEV-6'] }),
  // --- end feature negotiation ---
  // --- mmio transport rules (MMIO-DRV-3/4/5/9/10/13/14, MMIO-DEV-5) ---
  reference('mmio-v2-placeholder', 'the window holds a virtio-mmio transport with no backend (QEMU -device virtio-mmio alone): DeviceID reads 0, and the driver stops silently after reading it (MMIO-DRV-5, -13)', { mmioSlot: 'placeholder' }),
  reference('mmio-v2-empty-window', 'no device decodes the window (every read 0): the driver reads MagicValue, finds no "virt" and leaves it (MMIO-DRV-3)', { mmioSlot: 'empty' }),
  reference('mmio-v2-version3', 'the window holds a device of the 2019 virtio-mmio MSI proposal v1, whose Version reads 3: a driver of Versions 1 and 2 leaves it (MMIO-DRV-4)', { mmioSlot: 'version3' }),
  mutant('probe-skips-magic', 'P-MMIO', 'a driver that trusts the window it was given (device tree, virtio_mmio.device=) and goes on past a wrong MagicValue: on an empty window it reads Version next (MMIO-DRV-3). A classic slip: the magic check is the only thing telling "no device" from "a device"',
    { driver: { probeSkipsMagicCheck: true }, config: { mmioSlot: 'empty' }, names: ['MMIO-DRV-3'] }),
  mutant('probe-any-version', 'P-MMIO', 'a driver that checks only `version < 1` where Linux vm_probe checks `version < 1 || version > 2`: it drives a Version 3 device (the 2019 MSI proposal) as if it knew its layout (MMIO-DRV-4)',
    { driver: { probeAcceptsAnyVersion: true }, config: { mmioSlot: 'version3' }, names: ['MMIO-DRV-4'] }),
  mutant('probe-vendor-before-id-check', 'P-MMIO', 'a driver that reads DeviceID and VendorID together, as Linux vm_probe did before it learned of placeholders, and only then checks for DeviceID 0: it touches VendorID of a placeholder (MMIO-DRV-13)',
    { driver: { readVendorBeforeIdCheck: true }, config: { mmioSlot: 'placeholder' }, names: ['MMIO-DRV-13'] }),
  mutant('placeholder-reported', 'P-MMIO', 'a driver that treats DeviceID 0 as a failed probe and logs an error, where the spec (and Linux: "End probing now with no error reported") wants silence (MMIO-DRV-5)',
    { driver: { placeholderReportsError: true }, config: { mmioSlot: 'placeholder' }, names: ['MMIO-DRV-5'] }),
  mutant('probe-shm-regions', 'P-MMIO', 'a generic transport driver that enumerates shared memory regions at probe for every device type (SHMSel, SHMLen) — virtio-net has none, so its driver must not use the SHM registers (MMIO-DRV-14); Linux asks only when a device driver calls virtio_get_shm_region (virtio-fs, virtio-gpu)',
    { driver: { probeShmRegions: true }, names: ['MMIO-DRV-14'] }),
  reference('mmio-v2-remove', 'mmio-v2 whose driver is removed once the traffic is over (virtnet_remove): config work flushed, NAPI disabled, the device reset, then every queue stopped with QueueReady 0 and read back (vm_del_vq, MMIO-DRV-9) — while the link may still announce', { removeAfterWorkload: true }),
  reference('mmio-v1-remove', 'legacy Version 1 with driver removal: the reset, then QueuePFN 0 for every queue (§4.2.4)', { transport: 'mmio-v1', removeAfterWorkload: true }),
  reference('pci-msix-remove', 'pci-msix with driver removal: the device is reset with its MSI-X vectors programmed (they return to NO_VECTOR, masked), then the queues are stopped and the vectors freed', { irqDelivery: 'pci-msix', removeAfterWorkload: true }),
  mutant('stop-queue-no-readback', 'P-MMIO', 'a vm_del_vq without the read-back: QueueReady 0 is written and the driver moves on to the next queue, never synchronising with the device (MMIO-DRV-9). Linux reads it back (WARN_ON(readl(QUEUE_READY))) since Version 2 support; a classic slip of drivers that treat a register write as done when it is posted',
    { driver: { stopQueueWithoutReadback: true }, config: { removeAfterWorkload: true }, names: ['MMIO-DRV-9'] }),
  reference('mmio-v2-config-generation', 'mmio-v2 whose driver reads the MAC at probe as virtnet_probe does (virtio_cread_bytes: byte reads inside a ConfigGeneration loop) while the link announces (a config change) as soon as the driver is there: a change during the read bumps the generation and the driver reads again', { readMac: true, earlyAnnounce: true, announceEvery: 0 }),
  mutant('config-generation-frozen', 'P-CFG', 'a device whose ConfigGeneration is hard-wired (common in small device models: `case VIRTIO_MMIO_CONFIG_GENERATION: return 0`) yet whose config changes (a link announce): a change during the driver\'s MAC read leaves two equal generations around a torn read (MMIO-DEV-5)',
    { device: { configGenerationFrozen: true }, config: { readMac: true, earlyAnnounce: true, announceEvery: 0 }, names: ['MMIO-DEV-5'] }),
  mutant('isr-undefined-bit', 'P-ISR', 'a device that sets InterruptStatus bit 2, which v1.4 does not define, with every used-buffer notification (as a device built to a later draft might): bits of events that did not happen must read 0 (MMIO-DEV-3). The reference driver is unharmed: vm_interrupt tests each bit and acks what it read',
    { device: { isrUndefinedBit: true }, names: ['MMIO-DEV-3'] }),
  mutant('isr-equality-dispatch', 'P-ISR', 'the bit-2 device with a driver whose interrupt handler dispatches on equality (`if (status == VIRTIO_MMIO_INT_VRING)`, a classic slip where `&` was meant): the undefined bit hides the used-buffer bit, no queue is scanned and the notification is lost (MMIO-DRV-10)',
    { device: { isrUndefinedBit: true }, driver: { isrEqualityDispatch: true }, names: ['MMIO-DRV-10'] }),
  // --- end mmio transport rules ---
];

export function variantByName(name: string): Variant | undefined {
  return VARIANTS.find((v) => v.name === name);
}
