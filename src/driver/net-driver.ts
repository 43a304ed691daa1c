// A Linux-like virtio-net driver, after drivers/virtio/virtio.c (virtio_dev_probe, §3.1.1)
// and drivers/net/virtio_net.c (virtnet_probe, virtnet_open, start_xmit, NAPI rx and tx
// polls, virtnet_send_command, _virtnet_set_queues). One rx/tx pair, or with MQ (§5.1.9.5.6)
// max_virtqueue_pairs of them and a control queue. Each vCPU runs `cpuMain`: NAPI softirq
// work first, then queued tasks.

import { type Process, type StoreBuffer, load, mmioRead, mmioWrite, note, runningStoreBuffer, store, wait } from '../kernel/index.ts';
import { MMIO } from '../../spec/facts/mmio-registers.ts';
import { splitRing } from '../../spec/facts/split-ring-layout.ts';
import { STATUS } from '../../spec/facts/status-bits.ts';
import { VIRTIO_F, VIRTIO_NET_F, featureMask, hasFeature } from '../../spec/facts/feature-bits.ts';
import { CTRL_CMD, NET_CONFIG, NET_MIN_MTU, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN,
  VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, VIRTIO_NET_OK, ctrlVqIndex, rxq2vq, txq2vq } from '../../spec/facts/net.ts';
import type { DmaAllocator } from '../platform/guest-memory.ts';
import { VirtioMmioDriver } from './virtio-mmio.ts';
import { Napi, NapiScheduler } from './napi.ts';
import type { Vring } from './vring.ts';
import { SpinLock } from './spinlock.ts';

export interface NetDriverOptions {
  readonly cpus: number;
  readonly queueSize: number;
  readonly indexWidth: number;
  /** Does the driver know VIRTIO_F_EVENT_IDX (it accepts it when offered)? */
  readonly eventIdx: boolean;
  readonly txPackets: number;
  readonly napiBudget: number;
  /** `ethtool -L combined N` once half the packets are sent: VQ_PAIRS_SET N while traffic flows. 0 = never. */
  readonly resizeQueuePairsTo: number;
  /** Fault injection, legal for a driver (NOTIF-DEV-7): this many extra kicks with nothing new, from CPU 0 once the queues are open. */
  readonly spuriousKicks?: number;
  /** The config-change work reads Status and recovers from DEVICE_NEEDS_RESET (§2.1.1): see `recover`. */
  readonly needsResetRecovery?: boolean;
  /** A guest with restricted memory access (SEV, TDX, s390 PV): needs VERSION_1 and ACCESS_PLATFORM (Linux virtio_features_ok). */
  readonly protectedGuest?: boolean;
  /** Remove the driver once this many packets were received and every transmit completed (virtnet_remove); absent = never. */
  readonly removeAfter?: { readonly rxPackets: number } | undefined;
  /** virtnet_probe reads the MAC (virtio_cread_bytes, in a ConfigGeneration loop) when VIRTIO_NET_F_MAC is negotiated. */
  readonly readMac?: boolean | undefined;
  /** The MAC is set while probing, before DRIVER_OK (see SimConfig.setMacDuringProbe). */
  readonly setMacDuringProbe?: boolean | undefined;
}

/** A locally administered unicast address (bit 1 of the first byte set): what `ip link set address` writes. */
const LOCAL_MAC: readonly number[] = [0x02, 0x00, 0x00, 0xc0, 0xff, 0xee];

/** Work a CPU runs when it is ready (a process context, below softirq). */
export interface Task {
  readonly ready: () => boolean;
  readonly run: () => Process;
}

const RX_BUF = 64;
/** Linux VIRTIO_TRANSPORT_F_START..END: the transport (device-independent) bits 28–41 virtio_dev_probe keeps. */
const TRANSPORT_FEATURE_RANGE = ((1n << 42n) - 1n) & ~((1n << 28n) - 1n);
const TX_BUF = 64;

/** `struct receive_queue` + `struct send_queue` of one pair. */
class QueuePair {
  readonly rxBufs: number[];
  readonly txBufs: number[];
  readonly txFree: number[];
  /** The packet each transmit buffer carries (so one reclaimed by a reset can be sent again). */
  readonly txSeq: number[];
  readonly rxNapi: Napi;
  readonly txNapi: Napi;
  /** The tx queue lock (`__netif_tx_lock`): start_xmit and the tx NAPI poll share the virtqueue. */
  readonly txLock = new SpinLock();

  /** The rings: replaced when the driver re-initialises the device after a reset (`restore`). */
  constructor(readonly index: number, public rx: Vring, public tx: Vring, dma: DmaAllocator,
    rxPoll: (pair: QueuePair, cpu: number, budget: number) => Process<number>, txPoll: (pair: QueuePair, cpu: number) => Process<number>) {
    this.rxBufs = Array.from({ length: rx.layout.num }, () => dma.alloc(RX_BUF, 64));
    this.txBufs = Array.from({ length: tx.layout.num }, () => dma.alloc(TX_BUF, 64));
    this.txFree = [...this.txBufs.keys()];
    this.txSeq = this.txBufs.map(() => 0);
    const suffix = index === 0 ? '' : String(index); // pair 0 keeps the single-queue names
    this.rxNapi = new Napi(`napi.rx${suffix}`, dma.alloc(4, 4), (cpu, budget) => rxPoll(this, cpu, budget));
    this.txNapi = new Napi(`napi.tx${suffix}`, dma.alloc(4, 4), (cpu) => txPoll(this, cpu));
  }
}

export class NetDriver {
  readonly napi: NapiScheduler;
  readonly tasks: Task[][];
  readonly pairs: QueuePair[] = [];
  /** The control queue (with CTRL_VQ), and its command buffer. */
  private cvq: Vring | undefined;
  private ctrlBuf = 0;
  /** `cvq_lock`: one control command in flight. */
  private readonly cvqLock = new SpinLock();
  features = 0n;
  /** `max_queue_pairs` (from config with MQ, else 1) and `curr_queue_pairs` (1 until VQ_PAIRS_SET succeeds). */
  maxQueuePairs = 1;
  currQueuePairs = 1;
  /** Transmit queues start_xmit may pick from: narrowed *before* a smaller VQ_PAIRS_SET is made available (NET-MQ-DRV-4). */
  private txQueuePairs = 1;
  readonly received: number[] = [];
  txCompleted = 0;
  private txSent = 0;

  constructor(readonly mmio: VirtioMmioDriver, private readonly dma: DmaAllocator, readonly options: NetDriverOptions) {
    this.napi = new NapiScheduler(options.cpus, mmio.quirks);
    this.tasks = Array.from({ length: options.cpus }, () => []);
    this.tasks[0]!.push({ ready: () => true, run: () => this.probe() });
  }

  /** receiveq1 / transmitq1 (the single-queue driver's only pair). */
  get rx(): Vring | undefined {
    return this.pairs[0]?.rx;
  }
  get tx(): Vring | undefined {
    return this.pairs[0]?.tx;
  }

  /** What a vCPU runs: softirq (NAPI polls) before tasks; idle (HLT) when neither. */
  *cpuMain(cpu: number): Process {
    const list = this.napi.pollList[cpu]!;
    const tasks = this.tasks[cpu]!;
    // Tasks run in order among the ready ones: a stopped tx queue (start_xmit waiting for a
    // free buffer) does not hold up config work, as a workqueue item is not behind the qdisc.
    const idle = wait(() => list.length > 0 || tasks.some((t) => t.ready()), `cpu${cpu}.idle`);
    for (;;) {
      yield idle;
      const napi = list.shift();
      if (napi) {
        const work = yield* napi.poll(cpu, this.options.napiBudget);
        if (work >= this.options.napiBudget) list.push(napi); // budget used up: stay scheduled, poll again
      } else {
        const [task] = tasks.splice(tasks.findIndex((t) => t.ready()), 1);
        yield* task!.run();
      }
    }
  }

  /** `virtio_add_status`: read, OR in the bit, write (STATUS-DRV-1). */
  private *addStatus(bit: number): Process {
    if (this.mmio.quirks.statusWriteNewBitOnly) return yield* this.mmio.setStatus(bit); // the slip: no read, the new bit alone
    const cur = yield* this.mmio.getStatus();
    yield* this.mmio.setStatus(cur | bit);
  }

  /** `virtio_dev_probe` + `virtnet_probe` + `virtnet_open` (§3.1.1 steps 1–8). */
  *probe(): Process {
    const m = this.mmio;
    if (!(yield* m.probe())) return;
    yield* m.reset(); // step 1
    if (m.quirks.statusBitsTogether) yield* this.addStatus(STATUS.ACKNOWLEDGE | STATUS.DRIVER); // the slip: steps 2 and 3 in one write
    else {
      yield* this.addStatus(STATUS.ACKNOWLEDGE); // step 2
      yield* this.addStatus(STATUS.DRIVER); // step 3
    }
    const offered = yield* m.getFeatures(); // step 4
    const known = featureMask(VIRTIO_F.VERSION_1, VIRTIO_NET_F.MAC, VIRTIO_NET_F.STATUS, VIRTIO_NET_F.CTRL_VQ, VIRTIO_NET_F.MQ, VIRTIO_NET_F.MTU)
      | (this.options.eventIdx ? featureMask(VIRTIO_F.EVENT_IDX) : 0n)
      | (this.options.protectedGuest ? featureMask(VIRTIO_F.ACCESS_PLATFORM) : 0n) // the DMA API goes through the (bounce-buffering) IOMMU path
      | m.transportFeatures(); // the experimental MULTI_IRQ / MMIO MSI bits, when the transport driver has them
    // FEAT-DRV-9 (§2.2.3): no VERSION_1 offered means a legacy device — unless Version 2 says otherwise (vm_finalize_features).
    const legacy = !hasFeature(offered, VIRTIO_F.VERSION_1);
    if (m.version === 2 && legacy) return yield* this.fail('Version 2 device without VERSION_1'); // FEAT-DRV-6 (MAY refuse), FEAT-DRV-4
    if (m.quirks.failOnUnknownFeature && (offered & ~known) !== 0n) return yield* this.fail('unknown feature offered'); // the slip, against FEAT-DRV-5
    this.features = m.quirks.acceptUnofferedFeatures
      ? known | featureMask(VIRTIO_F.EVENT_IDX) // the mutant: what it knows, offered or not
      : offered & known; // FEAT-DRV-1/3/5: only what was offered and is understood; unknown bits are ignored, not fatal
    // virtnet_validate_features: MQ needs CTRL_VQ (FEAT-DRV-2). BZ-LNX-03: the 2014 driver
    // knew MQ and took it without checking its prerequisite.
    if (hasFeature(this.features, VIRTIO_NET_F.MQ) && !hasFeature(this.features, VIRTIO_NET_F.CTRL_VQ) && !m.quirks.acceptMqWithoutCtrlVq) {
      this.features &= ~featureMask(VIRTIO_NET_F.MQ);
    }
    if (m.quirks.acceptMqWithoutCtrlVq) this.features |= offered & featureMask(VIRTIO_NET_F.MQ);
    if (hasFeature(this.features, VIRTIO_NET_F.MTU)) {
      // virtnet_validate (Linux fe36cbe0671e), before FEATURES_OK: an mtu below MIN_MTU clears MTU (STATUS-DEV-6: the device must allow this read).
      const mtu = yield mmioRead(m.dev, MMIO.Config + NET_CONFIG.mtu, 'drv.config.read_mtu', 2);
      if (mtu < NET_MIN_MTU) this.features &= ~featureMask(VIRTIO_NET_F.MTU);
    }
    if (m.quirks.keepTransportFeatures) this.features |= offered & TRANSPORT_FEATURE_RANGE; // the slip: no vring_transport_features filter
    if (m.quirks.dropVersion1) this.features &= ~featureMask(VIRTIO_F.VERSION_1); // the slip: only the device-type table
    yield* m.finalizeFeatures(this.features);
    if (this.options.protectedGuest && !hasFeature(this.features, VIRTIO_F.ACCESS_PLATFORM)) {
      // virtio_features_ok: with restricted memory access the device must provide ACCESS_PLATFORM —
      // a feature the driver needs and cannot do without: FAILED, stop (FEAT-DRV-4).
      return yield* this.fail('device must provide VIRTIO_F_ACCESS_PLATFORM');
    }
    if (!legacy || m.quirks.featuresOkOnLegacy) { // virtio_features_ok: `if (!virtio_has_feature(dev, VIRTIO_F_VERSION_1)) return 0;`
      if (m.quirks.macBeforeFeaturesOk) yield* this.writeConfigMac(LOCAL_MAC); // the slip: STATUS-DRV-6
      yield* this.addStatus(STATUS.FEATURES_OK); // step 5
      const status = yield* m.getStatus(); // step 6: read back (STATUS-DRV-8)
      // STATUS-DRV-9, FEAT-DRV-4; the slip goes on as if the device had agreed.
      if (!(status & STATUS.FEATURES_OK) && !m.quirks.ignoreFeaturesRefusal) return yield* this.fail('device refused FEATURES_OK');
      // The slip: a feature turned on once the set is frozen (STATUS-DRV-7).
      if (m.quirks.featureAfterFeaturesOk) yield* m.finalizeFeatures(this.features | (offered & featureMask(VIRTIO_F.EVENT_IDX)));
    }
    // virtnet_probe: the MAC from config, read as one consistent snapshot (§2.5.1, §5.1.4)
    if (this.options.readMac && hasFeature(this.features, VIRTIO_NET_F.MAC)) {
      const mac = yield* m.readConfigBytes(NET_CONFIG.mac, 6, 'drv.config.read_mac');
      yield note('drv.mac', { mac: mac.map((b) => b.toString(16).padStart(2, '0')).join(':') });
    }
    // step 7: virtqueues, interrupt, buffers
    const mq = hasFeature(this.features, VIRTIO_NET_F.MQ) && hasFeature(this.features, VIRTIO_NET_F.CTRL_VQ);
    if (mq) this.maxQueuePairs = yield* this.readMaxQueuePairs();
    const eventIdx = hasFeature(this.features, VIRTIO_F.EVENT_IDX);
    m.configChanged = (cpu) => this.configChangedIrq(cpu); // the driver's config_changed: bound with the driver
    yield* m.findVqsIrq(this.features); // vm_find_vqs: request_irq (or the MSI vectors) before the queues are set up
    const { queueSize, indexWidth } = this.options;
    // The slip: queues for only the pairs it enables first, though it may later ask for all of them (NET-MQ-DRV-1).
    const setUp = m.quirks.setUpFewerPairs ? Math.min(this.maxQueuePairs, this.options.cpus) : this.maxQueuePairs;
    for (let p = 0; p < setUp; p++) {
      const rx = yield* m.setupVq(rxq2vq(p), queueSize, eventIdx, indexWidth);
      const tx = yield* m.setupVq(txq2vq(p), queueSize, eventIdx, indexWidth);
      if (!rx || !tx) return yield* this.fail('missing virtqueues');
      this.setupPair(p, rx, tx);
    }
    const lateCtrlVq = m.quirks.ctrlVqAfterDriverOk;
    if (hasFeature(this.features, VIRTIO_NET_F.CTRL_VQ) && !lateCtrlVq) {
      if (!(yield* this.setupCtrlVq(mq))) return;
    }
    if (mq && m.quirks.pairsSetBeforeDriverOk) yield* this.setQueuePairs(Math.min(this.maxQueuePairs, this.options.cpus)); // the slip: NET-CVQ-1
    for (const pair of this.pairs) {
      yield* this.napi.init(pair.rxNapi);
      yield* this.napi.init(pair.txNapi);
    }
    for (const pair of this.pairs) for (let i = 0; i < pair.rx.layout.num; i++) yield* this.addRxBuffer(pair, i);
    if (m.quirks.kickBeforeDriverOk) yield* this.kick(this.pairs[0]!.rx); // BZ-LNX-02: a kick before DRIVER_OK
    // register_netdevice came first (before 50c0ada627f5): `ip link set address` may run now.
    if (this.options.setMacDuringProbe) yield* this.setMacAddress(LOCAL_MAC);
    yield* this.addStatus(STATUS.DRIVER_OK); // step 8: virtio_device_ready
    yield* m.configEnable(0); // virtio_dev_probe: virtio_config_core_enable once the driver's probe returned
    // The slip: the control queue set up on first use, after DRIVER_OK (against STATUS-DRV-5, §3.1.1 step 7 before step 8).
    if (hasFeature(this.features, VIRTIO_NET_F.CTRL_VQ) && lateCtrlVq && !(yield* this.setupCtrlVq(mq))) return;
    if (mq) {
      // virtnet_probe, after virtio_device_ready (NET-CVQ-1): one pair per CPU, at most max.
      if (m.quirks.requestPairsAboveMax) yield* this.setQueuePairs(this.maxQueuePairs + 1); // the probing driver: must get an ERR
      if (m.quirks.requestZeroPairs) yield* this.setQueuePairs(0); // the slip: a count of 0 (NET-MQ-DRV-2)
      if (m.quirks.txAllQueuesBeforePairsSet) {
        // The slip: every transmit queue open at once, the command left to a task (NET-MQ-DRV-3).
        this.txQueuePairs = this.maxQueuePairs;
        this.tasks[0]!.push({ ready: () => true, run: () => this.setQueuePairs(Math.min(this.maxQueuePairs, this.options.cpus)) });
      } else if (!m.quirks.pairsSetBeforeDriverOk) yield* this.setQueuePairs(Math.min(this.maxQueuePairs, this.options.cpus));
    }
    // virtnet_open: try_fill_recv kicks (STATUS-DRV-10: only now), then enables NAPI — the
    // rx ring is not shared with a NAPI poll on another CPU until then.
    for (const pair of this.pairs) yield* this.kick(pair.rx);
    for (const pair of this.pairs) {
      yield* this.napi.enable(pair.rxNapi, pair.rx, 0);
      yield* this.napi.enable(pair.txNapi, pair.tx, 0);
    }
    this.queueTransmits(mq);
    this.opened = true; // needs-reset: a recovery waits for open to finish
  }

  /**
   * `virtnet_set_mac_address` without CTRL_MAC_ADDR: a legacy device (no VERSION_1) that has
   * VIRTIO_NET_F_MAC takes the address in its config, byte by byte (virtio_cwrite8); a modern
   * device's mac is not the driver's to write, so nothing goes to the device.
   */
  private *setMacAddress(mac: readonly number[]): Process {
    if (!hasFeature(this.features, VIRTIO_NET_F.MAC) || hasFeature(this.features, VIRTIO_F.VERSION_1)) return;
    yield* this.writeConfigMac(mac);
  }

  private *writeConfigMac(mac: readonly number[]): Process {
    for (let i = 0; i < 6; i++) yield mmioWrite(this.mmio.dev, MMIO.Config + NET_CONFIG.mac + i, mac[i]!, 'drv.config.write_mac', 1);
  }

  /** virtnet_find_vqs' control queue: the last queue, polled (no callback), with its command buffer. */
  private *setupCtrlVq(mq: boolean): Process<boolean> {
    const { queueSize, indexWidth } = this.options;
    const eventIdx = hasFeature(this.features, VIRTIO_F.EVENT_IDX);
    this.cvq = yield* this.mmio.setupVq(ctrlVqIndex(mq, this.maxQueuePairs), queueSize, eventIdx, indexWidth);
    if (!this.cvq) { yield* this.fail('missing control virtqueue'); return false; }
    yield* this.cvq.noCallback(); // virtnet_find_vqs: the control queue is polled, not interrupt-driven
    this.ctrlBuf = this.dma.alloc(CTRL_CMD.size, 8);
    return true;
  }

  /**
   * The workload: `txPackets` packets. Single queue: all from one CPU. With MQ, packet k from
   * CPU k mod cpus, each CPU on its own transmit queue (XPS) among the active ones.
   */
  private queueTransmits(mq: boolean): void {
    const { cpus, txPackets, resizeQueuePairsTo } = this.options;
    // netif_tx_start_all_queues opens the queues with an atomic bit operation: a release, so
    // another CPU's start_xmit sees open()'s stores (e.g. the NAPI schedule's disable_cb).
    // Modelled like SpinLock's release: the queues open once this CPU's store buffer drained.
    const buffer = runningStoreBuffer();
    this.openedBehind = buffer !== undefined && buffer.length > 0 ? buffer : undefined;
    for (let seq = 1; seq <= txPackets; seq++) {
      const cpu = mq ? (seq - 1) % cpus : cpus > 1 ? 1 : 0;
      // start_xmit runs when its queue is awake: a free slot (netif_stop_queue until tx completes)
      this.tasks[cpu]!.push(this.xmitTask(seq, cpu));
    }
    // NOTIF-DEV-7 fault injection: kicks of transmitq1 and receiveq1 in turn, with nothing added.
    for (let i = 0; i < (this.options.spuriousKicks ?? 0); i++) {
      const vq = i % 2 === 0 ? this.pairs[0]!.tx : this.pairs[0]!.rx;
      this.tasks[0]!.push({ ready: () => this.queuesOpen(), run: () => this.spuriousKick(vq) });
    }
    if (mq && resizeQueuePairsTo > 0) {
      const half = Math.ceil(txPackets / 2);
      this.tasks[0]!.push({ ready: () => this.txSent >= half, run: () => this.setQueuePairs(resizeQueuePairsTo) });
    }
    const removeAfter = this.options.removeAfter;
    if (removeAfter) {
      // rmmod once the traffic is over: every packet received, every transmit completed, no control command in flight
      // (the resize task, ahead of this one on CPU 0, runs first once it is ready).
      this.tasks[0]!.push({
        // No config work queued either: it runs as a task of a CPU, maybe this one, where flush_work (below) would wait
        // for it forever; remove() disables config changes in the same step as this check, so none is queued after it.
        ready: () => this.received.length >= removeAfter.rxPackets && this.txCompleted >= txPackets && this.cvqLock.free && this.configWork === 0,
        run: () => this.remove(),
      });
    }
  }

  /**
   * A kick with nothing new in the avail ring (vm_notify without virtqueue_add): legal — a
   * device MUST tolerate it (§2.7.10.2, NOTIF-DEV-7) — as when a driver kicks on a timer.
   */
  private *spuriousKick(vq: Vring): Process {
    yield note('drv.spuriousKick', { q: vq.index, availIdx: vq.availIdxShadow });
    yield* this.mmio.notify(vq);
  }
  // --- driver removal ---
  /** Config work items scheduled and not yet finished (`flush_work(&vi->config_work)` waits for them). */
  private configWork = 0;
  /** The config work is queued and has not started / is running on some CPU (workqueue semantics). */
  private configWorkPending = false;
  private configWorkRunning = false;

  /**
   * `virtio_dev_remove` → `virtnet_remove`: config changes off (virtio_config_core_disable)
   * and the config work flushed; the interface closed (virtnet_close: napi_disable on every
   * queue, so no poll touches a ring again); `remove_vq_common`: the device reset
   * (virtio_reset_device, §2.4, MMIO-RST-1), then `del_vqs`, which stops every queue
   * (vm_del_vq, MMIO-DRV-9); last, virtio_dev_remove checks the status reads 0 and sets
   * ACKNOWLEDGE again ("Acknowledge the device's existence again").
   */
  private *remove(): Process {
    const m = this.mmio;
    m.configDisable(); // flush_work(&vi->config_work): nothing queued (the task's readiness), nothing more will be
    const committed = (addr: number) => this.dma.memory.read(addr, 4);
    for (const pair of this.pairs) {
      yield* this.napi.disable(pair.rxNapi, committed);
      yield* this.napi.disable(pair.txNapi, committed);
    }
    yield* m.reset();
    yield* m.delVqs();
    yield note('drv.removed', { status: yield* m.getStatus() }); // WARN_ON_ONCE(get_status): the reset left 0
    yield* this.addStatus(STATUS.ACKNOWLEDGE);
  }
  // --- end driver removal ---

  /** XPS: the transmit queue of `cpu` among those start_xmit may use. */
  private txPairOf(cpu: number): number {
    return cpu % this.txQueuePairs;
  }

  /** `virtnet_probe`: max_virtqueue_pairs from config (16-bit access, MMIO-DRV-2), 1 if out of range. */
  private *readMaxQueuePairs(): Process<number> {
    const max = yield mmioRead(this.mmio.dev, MMIO.Config + NET_CONFIG.maxVirtqueuePairs, 'drv.config.read_max_pairs', 2);
    return max < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || max > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX ? 1 : max;
  }

  /**
   * `_virtnet_set_queues`: VQ_PAIRS_SET n on the control queue. Transmit queues above n are
   * closed before the command is made available (NET-MQ-DRV-4: the restriction starts at
   * submission) — under their tx locks, so no start_xmit is half-way through one of them.
   * On an ERR ack the old count stays (Linux: "Fail to set num of queue pairs").
   */
  private *setQueuePairs(n: number): Process {
    // The mutant closes nothing now: it narrows only after the answer (below).
    const closing = this.mmio.quirks.narrowTxAtCompletion ? [] : this.pairs.slice(Math.min(n, this.txQueuePairs), this.txQueuePairs);
    for (const pair of closing) yield* pair.txLock.acquire('set_queues'); // netif_tx_lock
    this.txQueuePairs = Math.max(1, Math.min(this.txQueuePairs, n));
    for (const pair of closing) pair.txLock.release();
    const ok = yield* this.sendCommand(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, n);
    if (ok) this.currQueuePairs = n;
    this.txQueuePairs = Math.min(this.currQueuePairs, this.maxQueuePairs);
    yield note('drv.queuePairs', { requested: n, ok, curr: this.currQueuePairs });
  }

  /**
   * `virtnet_send_command`: one command at a time (cvq_lock); add the buffer, kick, then
   * spin until the device has used it (the control queue has no callback) and read the ack.
   */
  private *sendCommand(cls: number, cmd: number, data: number): Process<boolean> {
    const cvq = this.cvq!;
    yield* this.cvqLock.acquire('send_command');
    const buf = this.ctrlBuf;
    yield store(buf + CTRL_CMD.class, 4, cls | (cmd << 8) | (data << 16), 'drv.ctrl.store_command');
    yield store(buf + CTRL_CMD.ack, 1, 0xff, 'drv.ctrl.store_ack_poison'); // VIRTIO_NET_ERR-or-nothing: the device must write it
    yield* cvq.add(buf, CTRL_CMD.size, true, 0);
    yield note('drv.ctrlSubmit', { q: cvq.index, cls, cmd, data });
    yield* this.kick(cvq);
    // `while (!virtqueue_get_buf(vi->cvq, &tmp) && !virtqueue_is_broken(vi->cvq)) cpu_relax();`
    const memory = this.dma.memory;
    yield wait(() => memory.read(splitRing.usedIdx(cvq.layout.used), 2) !== cvq.lastUsedIdx, 'drv.ctrl.spin');
    yield* cvq.getBuf();
    const ack = (yield load(buf + CTRL_CMD.ack, 1, 'drv.ctrl.load_ack')) & 0xff;
    this.cvqLock.release();
    return ack === VIRTIO_NET_OK;
  }

  /** `skb_xmit_done`: suppress further interrupts, then schedule tx NAPI (napi_tx). */
  private *skbXmitDone(pair: QueuePair, cpu: number): Process {
    yield* pair.tx.disableCb();
    yield* this.napi.schedule(pair.txNapi, pair.tx, cpu);
  }

  /**
   * `virtnet_config_changed`: the interrupt only schedules the config work — one
   * `work_struct`: scheduling it while it is pending queues nothing more, and the workqueue
   * never runs it on two CPUs at once (a second run waits for the first). Without that, a
   * work item that checked "not recovering" could read Status after another CPU's work had
   * begun a DEVICE_NEEDS_RESET recovery and handle the change on a device being reset.
   */
  private *configChangedIrq(cpu: number): Process {
    if (!this.configWorkPending) {
      this.configWorkPending = true;
      this.configWork++;
      this.tasks[cpu]!.push({ ready: () => !this.configWorkRunning, run: () => this.configChangedWork(cpu) });
    }
    yield note('drv.configWorkScheduled', { cpu });
  }

  private *configChangedWork(cpu: number): Process {
    this.configWorkPending = false; // from now on a new change queues the work again
    this.configWorkRunning = true;
    yield* this.configChanged(cpu);
    this.configWorkRunning = false;
    this.configWork--;
  }

  /** `virtnet_config_changed_work`: read the link status (a 16-bit field, 16-bit access: MMIO-DRV-2). */
  private *configChanged(cpu: number): Process {
    if (this.recovering) {
      // needs-reset: config changes are off during the recovery (virtio_config_core_disable); replayed at its end
      this.mmio.configPending = true;
      yield note('drv.configDeferred', { cpu: -1, kept: true });
      return;
    }
    if (this.options.needsResetRecovery && (yield* this.checkNeedsReset(cpu))) return; // needs-reset
    const status = yield mmioRead(this.mmio.dev, MMIO.Config + NET_CONFIG.status, 'drv.config.read_status', 2);
    yield note('drv.configChanged', { status });
  }

  /** virtio_dev_probe's `err:` path: FAILED, then nothing more (FEAT-DRV-4, STATUS-DRV-9). */
  /** The retrying slip tries once more (retryWithoutReset). */
  private retried = false;

  private *fail(reason: string): Process {
    yield note('drv.probeFailed', { reason });
    if (this.mmio.quirks.giveUpWithoutFailed) return; // the slip: an early return before the FAILED
    yield* this.addStatus(STATUS.FAILED);
    // The slip: a second attempt from where the first one failed, without the reset (STATUS-DRV-3).
    if (this.mmio.quirks.retryWithoutReset && !this.retried) {
      this.retried = true;
      yield* this.mmio.setStatus(STATUS.ACKNOWLEDGE); // the init routine's first step, with the reset forgotten
    }
  }

  private setupPair(index: number, rx: Vring, tx: Vring): void {
    const pair = new QueuePair(index, rx, tx, this.dma, (p, cpu, budget) => this.rxPoll(p, cpu, budget), (p, cpu) => this.txPoll(p, cpu));
    this.pairs.push(pair);
    this.bindCallbacks(pair);
  }

  private bindCallbacks(pair: QueuePair): void {
    const { rx } = pair;
    rx.callback = (cpu) => this.napi.schedule(pair.rxNapi, rx, cpu); // skb_recv_done
    pair.tx.callback = (cpu) => this.skbXmitDone(pair, cpu);
  }

  private *addRxBuffer(pair: QueuePair, token: number): Process {
    yield* pair.rx.add(pair.rxBufs[token]!, RX_BUF, true, token);
  }

  private *kick(vq: Vring): Process {
    if (yield* vq.kickPrepare()) yield* this.mmio.notify(vq);
  }

  /** `virtnet_poll` → `virtnet_receive`: take up to `budget` packets, refill, complete. */
  private *rxPoll(pair: QueuePair, cpu: number, budget: number): Process<number> {
    const rx = pair.rx;
    let received = 0;
    const refill: number[] = [];
    while (received < budget) {
      const token = yield* rx.getBuf();
      if (token === undefined) break;
      const seq = yield load(pair.rxBufs[token]!, 4, 'drv.rx.load_packet');
      this.received.push(seq);
      yield note('drv.rxPacket', { q: rx.index, seq, cpu });
      refill.push(token);
      received++;
    }
    if (refill.length > 0) {
      for (const token of refill) yield* this.addRxBuffer(pair, token); // try_fill_recv
      yield* this.kick(rx);
    }
    if (received < budget) yield* this.completeNapi(pair.rxNapi, rx, cpu);
    return received;
  }

  /** `virtnet_poll_tx`: under the tx queue lock, reclaim every completed buffer, then complete. */
  private *txPoll(pair: QueuePair, cpu: number): Process<number> {
    const tx = pair.tx;
    yield* pair.txLock.acquire(`cpu${cpu}`); // __netif_tx_lock: start_xmit uses the same virtqueue
    for (;;) {
      const token = yield* tx.getBuf();
      if (token === undefined) break;
      pair.txFree.push(token);
      this.txCompleted++;
      yield note('drv.txComplete', { q: tx.index, cpu, completed: this.txCompleted });
    }
    yield* this.completeNapi(pair.txNapi, tx, cpu);
    pair.txLock.release();
    return 0;
  }

  private *completeNapi(napi: Napi, vq: Vring, cpu: number): Process {
    if (this.mmio.quirks.enableCbAfterNapiComplete) yield* this.napi.completeUnlocked(napi, vq, cpu);
    else yield* this.napi.complete(napi, vq, cpu);
  }

  /** The opening CPU's store buffer while it still holds open()'s stores (see `queueTransmits`). */
  private openedBehind: StoreBuffer | undefined;

  /** The transmit queues are open: open()'s stores are visible to every CPU. */
  private queuesOpen(): boolean {
    return this.openedBehind === undefined || this.openedBehind.length === 0;
  }

  /** A transmit waiting in the qdisc: it runs when the queues are open and this CPU's transmit queue has a free slot. */
  private xmitTask(seq: number, cpu: number): Task {
    return { ready: () => this.queuesOpen() && !this.detached && this.pairs[this.txPairOf(cpu)]!.txFree.length > 0, run: () => this.startXmit(seq, cpu) };
  }

  /**
   * `start_xmit` on this CPU's transmit queue: take its lock; if the queue was closed
   * meanwhile (a smaller VQ_PAIRS_SET) or filled, the packet goes back to the qdisc, first in
   * line (start_xmit never waits: the CPU must stay free for the NAPI poll that frees slots).
   * Otherwise fill a free buffer, add it, kick.
   */
  private *startXmit(seq: number, cpu: number): Process {
    const pair = this.pairs[this.txPairOf(cpu)]!;
    yield* pair.txLock.acquire(`cpu${cpu}`); // HARD_TX_LOCK around ndo_start_xmit
    if (pair.index >= this.txQueuePairs || pair.txFree.length === 0 || this.detached) {
      pair.txLock.release();
      this.tasks[cpu]!.unshift(this.xmitTask(seq, cpu)); // NETDEV_TX_BUSY: requeued
      return;
    }
    const tx = pair.tx;
    const token = pair.txFree.shift()!;
    pair.txSeq[token] = seq;
    yield store(pair.txBufs[token]!, 4, seq, 'drv.tx.store_packet');
    yield* tx.add(pair.txBufs[token]!, TX_BUF, false, token);
    const jump = this.mmio.quirks.availIdxJump;
    if (jump && seq === 1) {
      // The hostile driver: avail.idx far beyond the ring (BZ-VMV-01's trigger).
      yield store(splitRing.availIdx(tx.layout.avail), 2, (tx.availIdxShadow + jump) & tx.mask, 'drv.hostile.store_avail_idx');
    }
    this.txSent++;
    yield note('drv.txPacket', { q: tx.index, seq });
    yield* this.kick(tx);
    yield* this.checkSqFullAndDisable(pair, cpu);
    pair.txLock.release();
  }

  /**
   * `check_sq_full_and_disable` (napi_tx): with the ring full the queue stops, and
   * callbacks are re-armed with `virtqueue_enable_cb_delayed`; if enough were used already,
   * tx NAPI is scheduled to reclaim them now rather than waiting for an interrupt.
   */
  private *checkSqFullAndDisable(pair: QueuePair, cpu: number): Process {
    const tx = pair.tx;
    if (tx.numFree > 0) return;
    yield note('drv.txQueueFull', { q: tx.index });
    if (!(yield* tx.enableCbDelayed())) yield* this.napi.schedule(pair.txNapi, tx, cpu);
  }

  // --- needs-reset: recovery from DEVICE_NEEDS_RESET (§2.1.1), after virtnet_freeze_down + remove_vq_common + virtnet_restore_up ---
  /** `netif_device_detach`: start_xmit gives packets back to the qdisc (set under every tx lock). */
  private detached = false;
  /** Probe and open are done (NAPI enabled, transmits queued). */
  private opened = false;
  /** A recovery is under way (the config work is one work item: Linux never runs it twice at once). */
  private recovering = false;

  /**
   * §2.1.1: "The driver SHOULD NOT rely on completion of operations of a device if
   * DEVICE_NEEDS_RESET is set … A good implementation will try to recover by issuing a
   * reset." Linux virtio_net never reads Status here; this driver does, when configured.
   */
  private *checkNeedsReset(cpu: number): Process<boolean> {
    if (!this.opened) {
      // Probe + open still enabling NAPI on another CPU (Linux: config work only after probe, open under rtnl_lock): look once it is done.
      this.tasks[cpu]!.push({ ready: () => this.opened, run: () => this.configChanged(cpu) });
      return true;
    }
    const status = yield* this.mmio.getStatus();
    if (!(status & STATUS.DEVICE_NEEDS_RESET) || this.recovering) return false;
    if (this.mmio.quirks.ignoreNeedsReset) {
      yield note('drv.needsResetIgnored', { status }); // the mutant: waits on for buffers the device will never use
      return false;
    }
    this.recovering = true;
    this.mmio.configEnabled = false; // virtio_config_core_disable: later changes wait for the device to be back
    yield note('drv.needsReset', { status });
    // virtnet_freeze_down: netif_tx_lock_bh + netif_device_detach — no start_xmit is half-way through a ring.
    for (const pair of this.pairs) yield* pair.txLock.acquire('freeze');
    this.detached = true;
    for (const pair of this.pairs) pair.txLock.release();
    yield* this.disableNapis(cpu, this.pairs.flatMap((p) => [p.rxNapi, p.txNapi]));
    return true;
  }

  /**
   * `napi_disable` on each: a poll in progress (or scheduled, perhaps on this CPU's own poll
   * list) finishes first — so no poll refills or reclaims a ring across the reset. Linux
   * sleeps; here the rest of the recovery waits as a task until the owner let go.
   */
  private *disableNapis(cpu: number, pending: Napi[]): Process {
    while (pending.length > 0) {
      const napi = pending[0]!;
      if (!(yield* this.napi.tryDisable(napi))) {
        const memory = this.dma.memory;
        this.tasks[cpu]!.push({ ready: () => NapiScheduler.idle(memory.read(napi.stateAddr, 4)), run: () => this.disableNapis(cpu, pending) });
        return;
      }
      pending.shift();
    }
    yield* this.resetReclaimRestore(cpu);
  }

  /**
   * §3.3.1 (STATUS-DRV-13): buffers exposed on a live queue are left alone; reset first so no
   * queue is live, then reclaim them (`free_unused_bufs` → `virtqueue_detach_unused_buf`):
   * receive buffers are dropped, transmit buffers resubmitted once the device is back.
   */
  private *resetReclaimRestore(cpu: number): Process {
    const m = this.mmio;
    if (m.quirks.detachBeforeReset) yield* this.reclaim(); // the mutant: reclaims from live queues, then resets
    yield* m.resetAndWait(); // remove_vq_common → virtio_reset_device
    if (!m.quirks.detachBeforeReset) yield* this.reclaim();
    const ok = yield* this.restore(cpu);
    if (ok) this.detached = false; // netif_device_attach
    this.recovering = false;
    yield note('drv.recovered', { ok });
    if (ok) yield* m.configEnable(cpu); // virtio_config_core_enable, after DRIVER_OK: a change raised meanwhile is handled now
  }

  private *reclaim(): Process {
    const cpu = this.options.cpus > 1 ? 1 : 0; // the single-queue workload's transmitting CPU
    let dropped = 0;
    const resent: number[] = [];
    for (const pair of this.pairs) {
      while ((yield* pair.rx.detachUnusedBuf()) !== undefined) dropped++;
      for (let token = yield* pair.tx.detachUnusedBuf(); token !== undefined; token = yield* pair.tx.detachUnusedBuf()) {
        const seq = pair.txSeq[token]!;
        resent.push(seq);
        this.tasks[cpu]!.push(this.xmitTask(seq, cpu)); // back to the qdisc: sent again once the device is back
      }
    }
    yield note('drv.reclaimed', { rx: dropped, tx: resent.length });
  }

  /**
   * `virtio_device_restore` + `virtnet_restore_up`: the init sequence again with the
   * features already negotiated (§3.1.1 steps 2–8), fresh rings, receive buffers, DRIVER_OK,
   * then NAPI back on. False if the device refuses (then FAILED: the driver gives up).
   */
  private *restore(cpu: number): Process<boolean> {
    const m = this.mmio;
    yield* this.addStatus(STATUS.ACKNOWLEDGE);
    yield* this.addStatus(STATUS.DRIVER);
    yield* m.finalizeFeatures(this.features);
    if (hasFeature(this.features, VIRTIO_F.VERSION_1)) {
      yield* this.addStatus(STATUS.FEATURES_OK);
      if (!((yield* m.getStatus()) & STATUS.FEATURES_OK)) {
        yield* this.fail('device refused FEATURES_OK on restore');
        return false;
      }
    }
    const eventIdx = hasFeature(this.features, VIRTIO_F.EVENT_IDX);
    const { queueSize, indexWidth } = this.options;
    for (const pair of this.pairs) {
      const rx = yield* m.setupVq(rxq2vq(pair.index), queueSize, eventIdx, indexWidth);
      const tx = yield* m.setupVq(txq2vq(pair.index), queueSize, eventIdx, indexWidth);
      if (!rx || !tx) {
        yield* this.fail('missing virtqueues on restore');
        return false;
      }
      pair.rx = rx;
      pair.tx = tx;
      pair.txFree.splice(0, pair.txFree.length, ...pair.txBufs.keys());
      this.bindCallbacks(pair);
    }
    for (const pair of this.pairs) for (let i = 0; i < pair.rx.layout.num; i++) yield* this.addRxBuffer(pair, i);
    yield* this.addStatus(STATUS.DRIVER_OK);
    for (const pair of this.pairs) yield* this.kick(pair.rx);
    for (const pair of this.pairs) {
      // napi_enable + schedule on this CPU: its poll's stores to the ring flags follow this CPU's own (x86-TSO keeps them in order)
      yield* this.napi.enable(pair.rxNapi, pair.rx, cpu);
      yield* this.napi.enable(pair.txNapi, pair.tx, cpu);
    }
    return true;
  }
  // --- end needs-reset ---
}
