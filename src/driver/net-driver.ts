// A Linux-like virtio-net driver for one rx/tx pair, after drivers/virtio/virtio.c
// (virtio_dev_probe, §3.1.1) and drivers/net/virtio_net.c (probe, open, start_xmit, NAPI
// rx and tx polls). Each vCPU runs `cpuMain`: NAPI softirq work first, then queued tasks.

import { type Process, load, mmioRead, note, store, wait } from '../kernel/index.ts';
import { MMIO } from '../../spec/facts/mmio-registers.ts';
import { splitRing } from '../../spec/facts/split-ring-layout.ts';
import { STATUS } from '../../spec/facts/status-bits.ts';
import { VIRTIO_F, VIRTIO_NET_F, featureMask, hasFeature } from '../../spec/facts/feature-bits.ts';
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
}

/** Work a CPU runs when it is ready (a process context, below softirq). */
export interface Task {
  readonly ready: () => boolean;
  readonly run: () => Process;
}

const RX_BUF = 64;
const TX_BUF = 64;

export class NetDriver {
  readonly napi: NapiScheduler;
  readonly tasks: Task[][];
  rx: Vring | undefined;
  tx: Vring | undefined;
  features = 0n;
  private rxBufs: number[] = [];
  private txBufs: number[] = [];
  private readonly txFree: number[] = [];
  private rxNapi!: Napi;
  private txNapi!: Napi;
  readonly received: number[] = [];
  /** The tx queue lock (`__netif_tx_lock`): start_xmit and the tx NAPI poll share the virtqueue. */
  private readonly txLock = new SpinLock();
  txCompleted = 0;

  constructor(readonly mmio: VirtioMmioDriver, private readonly dma: DmaAllocator, readonly options: NetDriverOptions) {
    this.napi = new NapiScheduler(options.cpus, mmio.quirks);
    this.tasks = Array.from({ length: options.cpus }, () => []);
    this.tasks[0]!.push({ ready: () => true, run: () => this.probe() });
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
    const cur = yield* this.mmio.getStatus();
    yield* this.mmio.setStatus(cur | bit);
  }

  /** `virtio_dev_probe` + `virtnet_probe` + `virtnet_open` (§3.1.1 steps 1–8). */
  *probe(): Process {
    const m = this.mmio;
    if (!(yield* m.probe())) return;
    yield* m.reset(); // step 1
    yield* this.addStatus(STATUS.ACKNOWLEDGE); // step 2
    yield* this.addStatus(STATUS.DRIVER); // step 3
    const offered = yield* m.getFeatures(); // step 4
    const known = featureMask(VIRTIO_F.VERSION_1, VIRTIO_NET_F.MAC, VIRTIO_NET_F.STATUS)
      | (this.options.eventIdx ? featureMask(VIRTIO_F.EVENT_IDX) : 0n)
      | m.transportFeatures(); // MSI hook: VIRTIO_F_EXPERIMENTAL_MMIO_MSI when the driver has MMIO MSI
    const legacy = !hasFeature(offered, VIRTIO_F.VERSION_1);
    if (m.version === 2 && legacy) return yield* this.fail('Version 2 device without VERSION_1');
    this.features = m.quirks.acceptUnofferedFeatures
      ? known | featureMask(VIRTIO_F.EVENT_IDX) // the mutant: what it knows, offered or not
      : offered & known; // FEAT-DRV-1/3: only what was offered and is understood
    // BZ-LNX-03: the 2014 driver knew MQ and took it without checking its prerequisite
    // (virtnet_validate_features now refuses MQ without CTRL_VQ, FEAT-DRV-2).
    if (m.quirks.acceptMqWithoutCtrlVq) this.features |= offered & featureMask(VIRTIO_NET_F.MQ);
    yield* m.finalizeFeatures(this.features);
    if (!legacy) {
      yield* this.addStatus(STATUS.FEATURES_OK); // step 5
      const status = yield* m.getStatus(); // step 6: read back (STATUS-DRV-8)
      if (!(status & STATUS.FEATURES_OK)) return yield* this.fail('device refused FEATURES_OK'); // STATUS-DRV-9
    }
    // step 7: virtqueues, interrupt, buffers
    const eventIdx = hasFeature(this.features, VIRTIO_F.EVENT_IDX);
    m.configChanged = (cpu) => this.configChangedIrq(cpu); // the driver's config_changed: bound with the driver
    yield* m.findVqsIrq(this.features); // vm_find_vqs: request_irq (or the MSI vectors) before the queues are set up
    this.rx = yield* m.setupVq(0, this.options.queueSize, eventIdx, this.options.indexWidth);
    this.tx = yield* m.setupVq(1, this.options.queueSize, eventIdx, this.options.indexWidth);
    if (!this.rx || !this.tx) return yield* this.fail('missing virtqueues');
    this.setupNapi(this.rx, this.tx);
    yield* this.napi.init(this.rxNapi);
    yield* this.napi.init(this.txNapi);
    for (let i = 0; i < this.rx.layout.num; i++) yield* this.addRxBuffer(i);
    if (m.quirks.kickBeforeDriverOk) yield* this.kick(this.rx); // BZ-LNX-02: a kick before DRIVER_OK
    yield* this.addStatus(STATUS.DRIVER_OK); // step 8: virtio_device_ready
    yield* m.configEnable(0); // virtio_dev_probe: virtio_config_core_enable once the driver's probe returned
    // virtnet_open: try_fill_recv kicks (STATUS-DRV-10: only now), then enables NAPI — the
    // rx ring is not shared with a NAPI poll on another CPU until then.
    yield* this.kick(this.rx);
    yield* this.napi.enable(this.rxNapi, this.rx, 0);
    yield* this.napi.enable(this.txNapi, this.tx, 0);
    const txCpu = this.options.cpus > 1 ? 1 : 0;
    for (let seq = 1; seq <= this.options.txPackets; seq++) {
      // start_xmit runs when the queue is awake: a free slot (netif_stop_queue until tx completes)
      this.tasks[txCpu]!.push({ ready: () => this.txFree.length > 0, run: () => this.startXmit(seq, txCpu) });
    }
  }

  /** `skb_xmit_done`: suppress further interrupts, then schedule tx NAPI (napi_tx). */
  private *skbXmitDone(tx: Vring, cpu: number): Process {
    yield* tx.disableCb();
    yield* this.napi.schedule(this.txNapi, tx, cpu);
  }

  /** `virtnet_config_changed`: the interrupt only schedules the config work (a task). */
  private *configChangedIrq(cpu: number): Process {
    this.tasks[cpu]!.push({ ready: () => true, run: () => this.configChanged() });
    yield note('drv.configWorkScheduled', { cpu });
  }

  /** `virtnet_config_changed_work`: read the link status (a 16-bit field, 16-bit access: MMIO-DRV-2). */
  private *configChanged(): Process {
    const status = yield mmioRead(this.mmio.dev, MMIO.Config + 6, 'drv.config.read_status', 2);
    yield note('drv.configChanged', { status });
  }

  private *fail(reason: string): Process {
    yield note('drv.probeFailed', { reason });
    yield* this.addStatus(STATUS.FAILED);
  }

  private setupNapi(rx: Vring, tx: Vring): void {
    this.rxBufs = Array.from({ length: rx.layout.num }, () => this.dma.alloc(RX_BUF, 64));
    this.txBufs = Array.from({ length: tx.layout.num }, () => this.dma.alloc(TX_BUF, 64));
    this.txFree.push(...this.txBufs.keys());
    this.rxNapi = new Napi('napi.rx', this.dma.alloc(4, 4), (cpu, budget) => this.rxPoll(cpu, budget));
    this.txNapi = new Napi('napi.tx', this.dma.alloc(4, 4), (cpu) => this.txPoll(cpu));
    rx.callback = (cpu) => this.napi.schedule(this.rxNapi, rx, cpu); // skb_recv_done
    tx.callback = (cpu) => this.skbXmitDone(tx, cpu);
  }

  private *addRxBuffer(token: number): Process {
    yield* this.rx!.add(this.rxBufs[token]!, RX_BUF, true, token);
  }

  private *kick(vq: Vring): Process {
    if (yield* vq.kickPrepare()) yield* this.mmio.notify(vq);
  }

  /** `virtnet_poll` → `virtnet_receive`: take up to `budget` packets, refill, complete. */
  private *rxPoll(cpu: number, budget: number): Process<number> {
    const rx = this.rx!;
    let received = 0;
    const refill: number[] = [];
    while (received < budget) {
      const token = yield* rx.getBuf();
      if (token === undefined) break;
      const seq = yield load(this.rxBufs[token]!, 4, 'drv.rx.load_packet');
      this.received.push(seq);
      yield note('drv.rxPacket', { q: rx.index, seq, cpu });
      refill.push(token);
      received++;
    }
    if (refill.length > 0) {
      for (const token of refill) yield* this.addRxBuffer(token); // try_fill_recv
      yield* this.kick(rx);
    }
    if (received < budget) yield* this.completeNapi(this.rxNapi, rx, cpu);
    return received;
  }

  /** `virtnet_poll_tx`: under the tx queue lock, reclaim every completed buffer, then complete. */
  private *txPoll(cpu: number): Process<number> {
    const tx = this.tx!;
    yield* this.txLock.acquire(`cpu${cpu}`); // __netif_tx_lock: start_xmit uses the same virtqueue
    for (;;) {
      const token = yield* tx.getBuf();
      if (token === undefined) break;
      this.txFree.push(token);
      this.txCompleted++;
      yield note('drv.txComplete', { q: tx.index, cpu, completed: this.txCompleted });
    }
    yield* this.completeNapi(this.txNapi, tx, cpu);
    this.txLock.release();
    return 0;
  }

  private *completeNapi(napi: Napi, vq: Vring, cpu: number): Process {
    if (this.mmio.quirks.enableCbAfterNapiComplete) yield* this.napi.completeUnlocked(napi, vq, cpu);
    else yield* this.napi.complete(napi, vq, cpu);
  }

  /** `start_xmit`: fill a free buffer, add it, kick. */
  private *startXmit(seq: number, cpu: number): Process {
    const tx = this.tx!;
    yield* this.txLock.acquire(`cpu${cpu}`); // HARD_TX_LOCK around ndo_start_xmit
    const token = this.txFree.shift()!;
    yield store(this.txBufs[token]!, 4, seq, 'drv.tx.store_packet');
    yield* tx.add(this.txBufs[token]!, TX_BUF, false, token);
    const jump = this.mmio.quirks.availIdxJump;
    if (jump && seq === 1) {
      // The hostile driver: avail.idx far beyond the ring (BZ-VMV-01's trigger).
      yield store(splitRing.availIdx(tx.layout.avail), 2, (tx.availIdxShadow + jump) & tx.mask, 'drv.hostile.store_avail_idx');
    }
    yield note('drv.txPacket', { q: tx.index, seq });
    yield* this.kick(tx);
    yield* this.checkSqFullAndDisable(tx, cpu);
    this.txLock.release();
  }

  /**
   * `check_sq_full_and_disable` (napi_tx): with the ring full the queue stops, and
   * callbacks are re-armed with `virtqueue_enable_cb_delayed`; if enough were used already,
   * tx NAPI is scheduled to reclaim them now rather than waiting for an interrupt.
   */
  private *checkSqFullAndDisable(tx: Vring, cpu: number): Process {
    if (tx.numFree > 0) return;
    yield note('drv.txQueueFull', { q: tx.index });
    if (!(yield* tx.enableCbDelayed())) yield* this.napi.schedule(this.txNapi, tx, cpu);
  }
}
