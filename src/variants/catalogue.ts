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
    {
      driver: { noRecheckAfterEnableCb: true },
      // PCT finds it within a few hundred runs; the fast-check budget of CI's mutant search does not always.
      regressions: [{
        overrides: { rxPackets: 4, txPackets: 1 },
        path: '00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000011000000011111101111100000000000011111111100001111110000000000000011111112',
        note: 'virtio-conform run --variant no-recheck --runs 3000 --seed 1: PCT run 95, shrunk to 4 rx / 1 tx packets',
      }],
    }),
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
  mutant('mq-offered-without-ctrl-vq', 'P-FEAT', 'QEMU with `ctrl_vq=off,mq=on` (BZ-LNX-03\'s trigger): the device offers MQ without its prerequisite CTRL_VQ (FEAT-DEV-1); the reference driver drops MQ and runs one pair',
    { device: { offerMqWithoutCtrlVq: true } }),
  mutant('BZ-CH-02', 'P-MQ', 'Cloud Hypervisor 0e085592: VQ_PAIRS_SET accepted up to 0x8000, not up to max_virtqueue_pairs (driven by a driver that asks max+1)',
    { device: { pairsBoundedByProtocolMax: true }, driver: { requestPairsAboveMax: true }, config: MULTI_QUEUE }),
  mutant('mq-narrow-tx-late', 'P-MQ', 'a driver that closes transmit queues only once VQ_PAIRS_SET 1 has been answered, not when it submits it: a packet can still go to transmitq2 meanwhile (NET-MQ-DRV-4)',
    { driver: { narrowTxAtCompletion: true }, config: { ...MULTI_QUEUE, resizeQueuePairsTo: 1 } }),
  mutant('mq-strand-backlog', 'P-MQ', 'a device that detaches the backend queues of closed pairs with their packets still in them: VQ_PAIRS_SET 1 strands what was steered to receiveq2',
    { device: { strandDetachedBacklog: true }, config: { ...MULTI_QUEUE, resizeQueuePairsTo: 1, rxPackets: 10, queueSize: 2 } }),
  mutant('multi-irq-line-formula', 'P-ROUTE', 'a 2-line device that puts queue q on line q mod 2 while the driver expects (q / 2) mod 2: the queue→line mapping is not shared (Jason Wang\'s layering objection, notes §7.4 point 8)',
    { device: { lineByQueueIndex: true }, config: { ...MULTI_QUEUE, lines: TWO_LINES_SHARED, driverLines: { use: 'all', handler: 'rfc' } } }),
  // --- MSI mutants ---
  mutant('BZ-FC-03', 'P-ROUTE', 'Firecracker ac5cd1b9 (vsock): the backend answers a transmitted packet at once, so handling the tx kick also completes an rx buffer — but the interrupt is raised for the tx queue\'s vector only (pci-msix, per-queue vectors; invisible on one line, where the handler scans every queue)',
    { device: { signalHandledQueueOnly: true }, config: { irqDelivery: 'pci-msix', txEcho: true } }),
  mutant('BZ-KVT-02', 'P-ROUTE', 'kvmtool 3d5cefc2: every MSI-X vector mapping starts at 0 instead of NO_VECTOR; with a driver that maps its queues only (config left unmapped), a config change fires vector 0 and is taken for a queue-0 interrupt — the config handler never runs',
    { device: { msiVectorsDefaultZero: true }, config: { irqDelivery: 'pci-msix', msi: { ...DEFAULT_CONFIG.msi, configVector: false } } }),
  // --- end MSI mutants ---
  mutant('status-writeb', 'P-MMIO', 'a driver ported from legacy virtio-pci, where the status is a byte register (iowrite8): it writes the MMIO Status register with an 8-bit access, where every control register takes aligned 32-bit accesses (MMIO-DRV-2)',
    { driver: { statusByteWrite: true } }),
  mutant('reset-writes-isr', 'P-MMIO', 'a driver that, on reset, also "clears" InterruptStatus by writing 0 to it — a read-only register (MMIO-DRV-1; the device ignores the write)',
    { driver: { resetWritesIsr: true } }),
  mutant('queue-size-fixed', 'P-MMIO', 'a driver with a hard-coded ring size (8) that writes QueueSize without reading it against QueueSizeMax (4) (MMIO-DRV-7)',
    { driver: { fixedQueueSize: 8 } }),
  mutant('queue-size-after-ready', 'P-MMIO', 'a driver that writes QueueSize once more after setting QueueReady, re-programming an enabled queue (MMIO-DRV-8; the device ignores it)',
    { driver: { rewriteSizeAfterReady: true } }),
  mutant('magic-byte-swapped', 'P-MMIO', 'a device model that stores "virt" big-endian: MagicValue reads 0x76697274 (MMIO-DEV-1); the reference driver rejects it and touches nothing else',
    { device: { magicByteSwapped: true } }),
  mutant('version-reads-legacy', 'P-MMIO', 'a modern (Version 2 layout) device whose Version register reads 1, as if QEMU\'s force-legacy were left on for a modern backend (MMIO-DEV-2)',
    { device: { versionReadsLegacy: true } }),
  mutant('ack-after-process', 'P-QUIESCE', 'vm_interrupt acks InterruptStatus after scanning the queues instead of before (§4.3 analysis)',
    { driver: { ackAfterProcess: true } }),
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
