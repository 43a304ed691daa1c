// virtio-net, one rx/tx pair (§5.1): receiveq1 = vq0, transmitq1 = vq1. The backend peer
// injects packets into receiveq1 and the device transmits what the driver queues on
// transmitq1, after QEMU hw/net/virtio-net.c (flush_tx, has_buffers, receive).

import { type Process, load, note, store, wait } from '../kernel/index.ts';
import { VIRTIO_F, VIRTIO_NET_F, featureMask } from '../../spec/facts/feature-bits.ts';
import { STATUS } from '../../spec/facts/status-bits.ts';
import { VirtioDeviceCore, type KickMode } from './virtio-device.ts';
import type { DeviceQuirks } from './quirks.ts';
import type { DeviceVirtqueue } from './virtqueue.ts';

export const NET_RX = 0;
export const NET_TX = 1;
export const VIRTIO_ID_NET = 1;
export const VIRTIO_NET_S_LINK_UP = 1;
export const VIRTIO_NET_S_ANNOUNCE = 2;

export interface NetDeviceOptions {
  readonly legacy: boolean;
  readonly eventIdx: boolean;
  readonly queueNumMax: number;
  readonly indexWidth: number;
  readonly kicks: KickMode;
  readonly quirks: DeviceQuirks;
  /** Packets the peer sends to the guest. */
  readonly rxPackets: number;
  /** After every this many packets the link announces itself: a configuration change (§5.1.4, §2.5). 0 = never. */
  readonly announceEvery: number;
  /** Packets the backend hands over per wake-up of the main loop (a tap read loop), under one lock hold. */
  readonly rxBurst: number;
  /** The link also announces once as soon as a driver is present, before DRIVER_OK (a config change the driver must defer, §2.5). */
  readonly earlyAnnounce: boolean;
  /** The backend answers each transmitted packet at once: the reply fills an rx buffer inside the tx kick (BZ-FC-03's setting). */
  readonly txEcho: boolean;
  /** MSI hook: transport features the device also offers (VIRTIO_F_EXPERIMENTAL_MMIO_MSI for the mmio MSI profiles). */
  readonly transportFeatures: bigint;
}

export class NetDevice extends VirtioDeviceCore {
  /** Packets received from the peer and not yet placed in an rx buffer (QEMU's net queue). */
  readonly backlog: number[] = [];
  readonly mac = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
  linkStatus = VIRTIO_NET_S_LINK_UP;

  constructor(readonly net: NetDeviceOptions) {
    super({
      deviceId: VIRTIO_ID_NET,
      hostFeatures: featureMask(VIRTIO_NET_F.MAC, VIRTIO_NET_F.STATUS)
        | (net.quirks.offerMqWithoutCtrlVq ? featureMask(VIRTIO_NET_F.MQ) : 0n)
        | (net.eventIdx ? featureMask(VIRTIO_F.EVENT_IDX) : 0n)
        | (net.legacy ? 0n : featureMask(VIRTIO_F.VERSION_1))
        | net.transportFeatures,
      queueCount: 2,
      queueNumMax: net.queueNumMax,
      indexWidth: net.indexWidth,
      kicks: net.kicks,
      quirks: net.quirks,
    });
  }

  /** Config space (§5.1.4): mac[6], le16 status. */
  readConfig(off: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.configByte(off + i);
    return v;
  }

  private configByte(off: number): number {
    if (off < 6) return this.mac[off]!;
    if (off === 6) return this.linkStatus;
    return 0;
  }

  protected override activate(): void {
    super.activate();
    this.transport.emit('dev.backlog', { q: NET_RX, n: this.backlog.length }); // receiveq1 is fed by the backend
  }

  protected override resetDevice(): void {
    // Packets queued in the backend survive a reset of the device (they belong to the peer).
  }

  protected override *handleOutput(q: number): Process {
    if (q === NET_TX) yield* this.flushTx();
    else if (q === NET_RX) yield* this.receiveBacklog(); // rx kick: the driver refilled
  }

  /**
   * `virtio_net_handle_tx_bh` + `flush_tx`: suppress kicks, drain the ring, then re-enable
   * and re-check — a buffer added between the last pop and the re-enable is seen by the
   * re-check, not lost (NOTIF-DEV-8).
   */
  private *flushTx(): Process {
    const vq = this.queues[NET_TX]!;
    if (!this.activated || !vq.ready) return;
    for (;;) {
      yield* vq.setNotification(false);
      for (;;) {
        const elem = yield* vq.pop();
        if (!elem) break;
        const seq = yield load(elem.addr, 4, 'dev.tx.load_packet');
        yield note('dev.txPacket', { q: NET_TX, seq });
        yield* vq.push(elem, 0);
        yield* this.notify(vq);
        if (this.net.txEcho) yield* this.echo(seq);
        if (this.quirks.onePerKick) return; // BZ-CV-03: one chain per kick, no re-check
      }
      yield* this.endBatch(vq);
      yield* vq.setNotification(true);
      if (yield* vq.empty()) return;
    }
  }

  // --- tx echo (BZ-FC-03's setting) ---
  /** While handling the tx kick: the rx queue whose buffers are being completed, signalled as the tx queue by the mutant. */
  private completingFor: number | undefined;

  /** The backend answers a transmitted packet at once: the reply goes to the rx queue inside the tx kick. */
  private *echo(seq: number): Process {
    this.backlog.push(1000 + seq);
    yield note('dev.backlog', { q: NET_RX, n: this.backlog.length });
    this.completingFor = NET_TX;
    yield* this.receiveBacklog();
    this.completingFor = undefined;
  }

  /** BZ-FC-03: the rx completion's verdict is paid with the handled (tx) queue's interrupt: one vector, the wrong one. */
  protected override *notify(vq: DeviceVirtqueue): Process {
    if (!(this.quirks.signalHandledQueueOnly && this.completingFor !== undefined)) return yield* super.notify(vq);
    if (yield* vq.shouldNotify(this.quirks.shouldNotifyFence)) yield this.transport.notifyEffect('vring', this.completingFor);
  }
  // --- end tx echo ---

  /** `virtio_net_has_buffers`: enable kicks and re-check before giving up (the refill race). */
  private *hasBuffers(): Process<boolean> {
    const vq = this.queues[NET_RX]!;
    if (yield* vq.empty()) {
      yield* vq.setNotification(true);
      if (yield* vq.empty()) return false;
    }
    yield* vq.setNotification(false);
    return true;
  }

  /** `virtio_net_receive` for every queued packet while rx buffers last. */
  private *receiveBacklog(): Process {
    const vq = this.queues[NET_RX]!;
    while (this.backlog.length > 0 && this.activated && vq.ready && !vq.broken) {
      if (!(yield* this.hasBuffers())) break; // the driver's rx kick will flush the rest
      const elem = yield* vq.pop();
      if (!elem) break;
      const seq = this.backlog.shift()!;
      yield note('dev.backlog', { q: NET_RX, n: this.backlog.length });
      yield store(elem.addr, 4, seq, 'dev.rx.store_packet');
      yield note('dev.rxPacket', { q: NET_RX, seq });
      yield* vq.push(elem, 4);
      yield* this.notify(vq);
    }
    yield* this.endBatch(vq);
  }

  /** The backend peer (a tap or slirp on the host): sends `rxPackets` packets, `rxBurst` per main-loop wake-up. */
  *peer(): Process {
    if (this.net.earlyAnnounce) yield* this.announce(true);
    const burst = Math.max(1, this.net.rxBurst);
    for (let seq = 1; seq <= this.net.rxPackets;) {
      const first = seq;
      yield* this.lock.acquire('net.peer');
      // One main-loop iteration: read up to `burst` packets and deliver each under the same lock hold.
      for (let i = 0; i < burst && seq <= this.net.rxPackets; i++, seq++) {
        this.backlog.push(seq);
        yield note('dev.backlog', { q: NET_RX, n: this.backlog.length });
        yield* this.receiveBacklog();
      }
      yield* this.lock.release('net.peer');
      // Announce once per `announceEvery` packets delivered, wherever the burst boundaries fall.
      const every = this.net.announceEvery;
      if (every > 0 && Math.floor((seq - 1) / every) > Math.floor((first - 1) / every)) yield* this.announce();
    }
  }

  /**
   * A configuration change (link announce): InterruptStatus bit 1 (§2.5.1). Once the device is
   * live, or — `early` — as soon as a driver has said it is there (STATUS DRIVER), which the
   * device statechart allows before DRIVER_OK.
   */
  private *announce(early = false): Process {
    if (early) yield wait(() => (this.status & STATUS.DRIVER) !== 0, 'net.peer.wait_driver');
    else yield wait(() => this.activated, 'net.peer.wait_live');
    yield* this.lock.acquire('net.peer');
    this.linkStatus ^= VIRTIO_NET_S_ANNOUNCE;
    this.configGeneration++; // MMIO-DEV-5: a driver reading across the change sees a new generation
    yield note('dev.configChange', { status: this.linkStatus, generation: this.configGeneration });
    yield this.transport.notifyEffect('config', -1);
    yield* this.lock.release('net.peer');
  }
}
