// The notification-suppression litmus: the smallest world in which an interrupt can be lost.
// One or two virtqueues, already set up (no register negotiation), the reference device's queue
// code (QEMU `virtqueue_pop/push`, `virtio_should_notify`, `virtio_queue_set_notification`)
// on a device thread, and the reference driver's ring code (Linux `virtqueue_add`,
// `kick_prepare`, `vring_interrupt`, `disable_cb`, `enable_cb_prepare` + `poll`) on one
// vCPU with a level-triggered line. Small enough that the exhaustive explorer enumerates
// every schedule: 2-bit ring indices, a handful of buffers, x86-TSO store buffers.
//
// With `lines: 2`, the two queues sit on two interrupt lines (the multi-line proposals, notes
// §7): queue k is virtqueue 2k, so the proposals' (q / 2) mod 2 puts it on line k; the
// device's status register and lines are the transport's own (irq-lines.ts) and the vCPU
// runs the proposal's handler (line-handlers.ts) — shared status with edges, or per-line.
//
// The store-buffering shape (§2.7.7.2, §2.7.10): the device stores used.idx then loads
// used_event; the driver stores used_event then loads used.idx. Each side's full barrier
// (NOTIF-DEV-4 / NOTIF-DRV-9) forbids both loads reading the old value; without one
// (BZ-KVT-01's write barrier) both can, and the last buffer is never seen.

import { type AccessSize, type ChoiceSource, type Process, World, type WorldOptions, checkpoint, locked, note, setIrq, wait } from '../kernel/index.ts';
import type { MemoryModelName } from '../kernel/index.ts';
import { GuestMemory } from '../platform/guest-memory.ts';
import { InterruptController } from '../platform/interrupt-controller.ts';
import { MmioBus } from '../platform/mmio-bus.ts';
import { spawnVcpu } from '../platform/vcpu.ts';
import { DeviceVirtqueue } from '../device/virtqueue.ts';
import { Vring, type VringLayout } from '../driver/vring.ts';
import { REFERENCE_DRIVER } from '../driver/quirks.ts';
import { VIRTIO_F } from '../../spec/facts/feature-bits.ts';
import { MMIO, MMIO_EXPERIMENTAL_LINES } from '../../spec/facts/mmio-registers.ts';
import { DeviceInterruptLines, type InterruptLineProfile, edgeLines } from '../transport/mmio/irq-lines.ts';
import { type LineHost, LineHandlers } from '../driver/line-handlers.ts';

export interface NotifyLitmusConfig {
  /** EVENT_IDX suppression (used_event / avail_event) or the flags (NO_INTERRUPT / NO_NOTIFY). */
  readonly eventIdx: boolean;
  readonly memoryModel: MemoryModelName;
  /** TSO store-buffer depth per CPU (undefined = unbounded). */
  readonly storeBufferDepth?: number;
  /** Buffers the driver makes available, one at a time (round robin over the queues). */
  readonly buffers: number;
  /** Virtqueues (1 or 2), sharing the one interrupt line and InterruptStatus VRING bit, as on virtio-mmio. */
  readonly queues: number;
  /** Interrupt lines: 1 (the spec: one line, one VRING bit) or 2 (queue k on line k, `queues` 2). */
  readonly lines: 1 | 2;
  /** With 2 lines: the proposal's handler (`per-line` comes with per-line status registers, the others share one). */
  readonly lineHandler: 'rfc' | 'own-line' | 'per-line';
  /** Ring size; also bounds the buffers in flight. */
  readonly queueSize: number;
  /** Ring-index width in bits (2 makes the indices wrap within a few buffers). */
  readonly indexWidth: number;
  /** The device's barrier between the used.idx store and the used_event load ('wmb' = BZ-KVT-01). */
  readonly deviceFence: 'full' | 'wmb';
  /** The driver's barrier between the used_event store and the used.idx re-check (`virtqueue_poll`; 'wmb' = the barrier removed on x86). */
  readonly driverFence: 'full' | 'wmb';
  readonly maxSteps: number;
}

export const NOTIFY_LITMUS_DEFAULTS: NotifyLitmusConfig = {
  eventIdx: true, memoryModel: 'tso', buffers: 3, queues: 1, lines: 1, lineHandler: 'rfc', queueSize: 4, indexWidth: 2, deviceFence: 'full', driverFence: 'full', maxSteps: 2_000,
};

/** Queue q's rings and buffers: 1 KiB each, from 0x100. */
const queueBase = (q: number) => 0x100 + 0x400 * q;
const LINE = 0;

/** The two-line litmus's profile: what the transport of `multi-irq-rfc` / `-per-line-status` has. */
export function litmusLineProfile(config: NotifyLitmusConfig): InterruptLineProfile {
  return { count: config.lines, status: config.lineHandler === 'per-line' ? 'per-line' : 'shared', gate: 'always' };
}

export class NotifyLitmus implements LineHost {
  readonly world: World;
  readonly memory: GuestMemory;
  readonly irq: InterruptController;
  readonly deviceVqs: DeviceVirtqueue[] = [];
  readonly driverVqs: Vring[] = [];
  /** The doorbells (one ioeventfd per queue): set by a kick, consumed by the device thread. */
  readonly kickPending: boolean[];
  /** With 2 lines: the device's status register and lines, and the driver's handlers (LineHost). */
  private readonly deviceLines: DeviceInterruptLines | undefined;
  readonly line = LINE;
  readonly cpus = 1;
  readonly dev = 0;
  readonly handlerCalls = [0];
  spuriousHandlerCalls = 0;

  /** `record: false` drops the trace (the explorer's probes that no oracle reads). */
  constructor(readonly config: NotifyLitmusConfig, source: ChoiceSource, record = true, wrap?: WorldOptions['wrap']) {
    if (config.queues < 1 || config.queues > 2) throw new RangeError(`the litmus has 1 or 2 queues, not ${config.queues}`);
    if (config.lines === 2 && config.queues !== 2) throw new RangeError('two interrupt lines need two queues (one per line)');
    this.memory = new GuestMemory(queueBase(config.queues));
    const bus = new MmioBus();
    this.world = new World({
      memory: this.memory, bus, memoryModel: config.memoryModel, source, maxSteps: config.maxSteps,
      ...(config.storeBufferDepth !== undefined ? { storeBufferDepth: config.storeBufferDepth } : {}),
      ...(record ? {} : { onRecord: () => {} }),
      ...(wrap ? { wrap } : {}), // mutation testing (src/mutate)
    });
    const profile = litmusLineProfile(config);
    this.irq = new InterruptController(this.world, 1, config.lines, edgeLines(profile, LINE));
    bus.controller = this.irq;
    if (config.lines === 2) {
      const emit = (name: string, data: Record<string, number | string | boolean>) => this.world.emit(this.world.current, note(name, data));
      const lines = (this.deviceLines = new DeviceInterruptLines(this.irq, LINE, profile, () => 0n, emit));
      bus.attach({ // the transport's interrupt registers (the rest of the register file is not needed here)
        read: (off: number) => (off === MMIO.InterruptStatus ? lines.interruptStatus : off === MMIO_EXPERIMENTAL_LINES.LineInterruptStatus ? lines.lineStatus : 0),
        write: (off: number, _size: AccessSize, value: number) => {
          if (off === MMIO.InterruptACK) lines.ack(value, false, false);
          else if (off === MMIO_EXPERIMENTAL_LINES.LineInterruptACK) lines.lineAck(value);
          return undefined;
        },
        accessible: () => true,
      });
    }
    this.kickPending = new Array<boolean>(config.queues).fill(false);
    for (let q = 0; q < config.queues; q++) {
      const base = queueBase(q);
      const layout: VringLayout = { num: config.queueSize, desc: base, avail: base + 0x100, used: base + 0x200 };
      const index = config.lines === 2 ? 2 * q : q; // with two lines: virtqueues 0 and 2, lines 0 and 1
      const dvq = new DeviceVirtqueue(index, config.queueSize, config.indexWidth, () => config.eventIdx);
      Object.assign(dvq, { num: layout.num, desc: layout.desc, avail: layout.avail, used: layout.used, ready: true });
      this.deviceVqs.push(dvq);
      const vq = new Vring(index, layout, config.eventIdx, config.indexWidth, { ...REFERENCE_DRIVER, pollFence: config.driverFence });
      vq.callback = () => this.napiPoll(vq);
      this.driverVqs.push(vq);
    }
    let requests: Process | undefined;
    if (config.lines === 2) requests = new LineHandlers(this, this.irq, { count: 2, use: 'all', handler: config.lineHandler }).request();
    else this.irq.request(LINE, (cpu, line) => this.interruptHandler(cpu, line));
    spawnVcpu(this.world, this.irq, 0, this.driverMain(requests));
    this.world.spawn('dev.worker', this.deviceWorker());
  }

  get procNames(): readonly string[] {
    return this.world.procs.map((p) => p.name);
  }

  get vqs(): readonly Vring[] {
    return this.driverVqs;
  }

  /** No configuration changes in the litmus. */
  *configInterrupt(): Process {}

  /** The driver: make `buffers` buffers available, round robin, kicking when `kick_prepare` says so (§2.7.13). */
  private *driverMain(requests: Process | undefined): Process {
    if (requests) yield* requests; // request_irq on both lines (notes only)
    const queues = this.config.queues;
    for (let i = 0; i < this.config.buffers; i++) {
      yield checkpoint('drv.main', i);
      const q = i % queues;
      const vq = this.driverVqs[q]!;
      const slot = Math.floor(i / queues) % this.config.queueSize;
      yield* vq.add(queueBase(q) + 0x300 + 0x40 * slot, 0x40, true, i + 1);
      if (yield* vq.kickPrepare()) {
        yield locked(() => { this.kickPending[q] = true; }, 'drv.vm_notify'); // the doorbell write
        yield note('drv.kick', { q: vq.index });
      }
    }
    yield checkpoint('drv.idle');
    yield wait(() => false, 'drv.idle');
  }

  /**
   * `vm_interrupt` → `vring_interrupt` for every queue (the VRING bit names no queue,
   * MMIO-DRV-16): the ACK lowers the line, then each queue is serviced.
   */
  private *interruptHandler(cpu: number, _line: number): Process {
    yield setIrq(LINE, 0, 'drv.irq.ack');
    for (const vq of this.driverVqs) yield* vq.interrupt(cpu);
  }

  /**
   * The callback loop of `virtblk_done` (and of `virtnet_poll` without NAPI's state word): no
   * callbacks while draining, then re-enable and re-check (`virtqueue_enable_cb` = prepare +
   * poll, NOTIF-DRV-9). Nothing here is a locked instruction, so only `poll`'s full barrier
   * orders the used_event store before the used.idx load — under NAPI the cmpxchg of
   * `napi_complete_done` sits between them and orders it as well.
   */
  private *napiPoll(vq: Vring): Process {
    yield* vq.disableCb();
    for (;;) {
      yield checkpoint('drv.napi_poll', vq.index);
      while ((yield* vq.getBuf()) !== undefined) yield checkpoint('drv.napi_poll.consumed', vq.index);
      const token = yield* vq.enableCbPrepare();
      if (!(yield* vq.poll(token))) return;
      yield* vq.disableCb();
    }
  }

  /**
   * The device thread: on each kick, QEMU's `virtio_queue_notify_vq` handler loop for that
   * queue — no kicks while draining, use every available buffer and notify as
   * `virtio_should_notify` says, then re-enable kicks and re-check the ring before sleeping
   * again (NOTIF-DEV-8).
   */
  private *deviceWorker(): Process {
    yield note('dev.featuresOk', { accepted: true, lo: this.config.eventIdx ? 1 << VIRTIO_F.EVENT_IDX : 0, hi: 1 });
    for (const vq of this.deviceVqs) {
      // The negotiated mode and the queues, as a transport would announce them (the oracles' view).
      yield note('dev.queueReady', { q: vq.index, ready: true, num: vq.num, desc: vq.desc, avail: vq.avail, used: vq.used, width: vq.width });
    }
    yield note('dev.activate', {});
    const pending = this.kickPending;
    for (;;) {
      yield checkpoint('dev.worker');
      yield wait(() => pending.includes(true), 'dev.wait_kick');
      const q = pending.indexOf(true); // the main loop services one ready eventfd at a time
      yield locked(() => { pending[q] = false; }, 'dev.take_kick');
      yield* this.handleQueue(this.deviceVqs[q]!);
    }
  }

  private *handleQueue(vq: DeviceVirtqueue): Process {
    for (;;) {
      yield checkpoint('dev.worker.drain', vq.index);
      yield* vq.setNotification(false);
      for (let elem = yield* vq.pop(); elem !== undefined; elem = yield* vq.pop()) {
        yield* vq.push(elem, elem.len);
        if (yield* vq.shouldNotify(this.config.deviceFence)) {
          const lines = this.deviceLines;
          if (lines) {
            yield locked(() => lines.raise('vring', vq.index), 'dev.notify'); // status bit, then its line
          } else {
            yield note('dev.isr', { value: 1, set: 1, q: vq.index });
            yield setIrq(LINE, 1, 'dev.notify');
          }
        }
        yield checkpoint('dev.worker.pushed', vq.index);
      }
      yield* vq.setNotification(true);
      if (yield* vq.empty()) return;
    }
  }
}
