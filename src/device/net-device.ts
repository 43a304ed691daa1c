// virtio-net (§5.1) with one or several rx/tx pairs: receiveq k+1 = vq 2k, transmitq k+1 =
// vq 2k+1, and with MQ the control queue last (§5.1.2). The backend peer injects packets,
// steered to the active receive queues; the device transmits what the driver queues and
// answers VQ_PAIRS_SET on the control queue. After QEMU hw/net/virtio-net.c (flush_tx,
// has_buffers, receive, virtio_net_handle_ctrl, virtio_net_handle_mq).

import { type Process, load, note, store, wait } from '../kernel/index.ts';
import { VIRTIO_F, VIRTIO_NET_F, featureMask, hasFeature } from '../../spec/facts/feature-bits.ts';
import { CTRL_CMD, NET_CONFIG, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN,
  VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, VIRTIO_NET_ERR, VIRTIO_NET_OK, ctrlVqIndex, isTxVq, rxq2vq, vq2pair } from '../../spec/facts/net.ts';
import { STATUS } from '../../spec/facts/status-bits.ts';
import { VirtioDeviceCore, type KickMode } from './virtio-device.ts';
import type { DeviceQuirks } from './quirks.ts';
import type { DeviceVirtqueue } from './virtqueue.ts';

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
  /** max_virtqueue_pairs (§5.1.4), offered with MQ and CTRL_VQ; 0 = neither (one pair, no control queue). */
  readonly maxQueuePairs: number;
  /** The backend answers each transmitted packet at once: the reply fills an rx buffer inside the tx kick (BZ-FC-03's setting). */
  readonly txEcho: boolean;
  /** Transport features the device also offers (the experimental MULTI_IRQ or MMIO MSI bit). */
  readonly transportFeatures: bigint;
  /** Flows the packets belong to (NET-MQ-DEV-4): packet k, either way, is in flow (k−1) mod flows + 1; 0 = each packet its own. */
  readonly flows?: number;
  /** Offers ACCESS_PLATFORM and refuses FEATURES_OK without it (a vDPA parent such as mlx5_vdpa: verify_min_features). */
  readonly requireAccessPlatform?: boolean;
  /** mtu (§5.1.4), offered with VIRTIO_NET_F_MTU; 0 or absent = not offered. */
  readonly mtu?: number;
}

/** Backlog entries above this are the echo of transmitted packet (entry − ECHO_BASE). */
const ECHO_BASE = 1000;

export class NetDevice extends VirtioDeviceCore {
  /**
   * Packets received from the peer and not yet placed in an rx buffer, per queue pair (QEMU
   * keeps one net queue per subqueue; the peer steers each packet to an active pair).
   */
  readonly backlog: number[][];
  readonly mac = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
  linkStatus = VIRTIO_NET_S_LINK_UP;
  /** `curr_queue_pairs`: 1 after reset (NET-MQ-DEV-2), then what VQ_PAIRS_SET set. */
  currQueuePairs = 1;
  /** Pairs that exist: max_virtqueue_pairs, or 1 without MQ. */
  readonly pairs: number;

  constructor(readonly net: NetDeviceOptions) {
    const mq = net.maxQueuePairs > 0;
    super({
      deviceId: VIRTIO_ID_NET,
      hostFeatures: featureMask(VIRTIO_NET_F.MAC, VIRTIO_NET_F.STATUS)
        | (net.quirks.offerMqWithoutCtrlVq ? featureMask(VIRTIO_NET_F.MQ) : 0n)
        | (mq ? featureMask(VIRTIO_NET_F.MQ, VIRTIO_NET_F.CTRL_VQ) : 0n)
        | (net.eventIdx ? featureMask(VIRTIO_F.EVENT_IDX) : 0n)
        | (net.legacy || net.quirks.omitVersion1 ? 0n : featureMask(VIRTIO_F.VERSION_1)) // FEAT-DEV-5 (the quirk omits it)
        | (net.quirks.offerAdminVqOnMmio ? featureMask(VIRTIO_F.ADMIN_VQ) : 0n) // the quirk: against FEAT-DEV-3, §4.2.5
        | (net.requireAccessPlatform ? featureMask(VIRTIO_F.ACCESS_PLATFORM) : 0n)
        | (net.mtu ? featureMask(VIRTIO_NET_F.MTU) : 0n)
        | net.transportFeatures,
      requiredFeatures: net.requireAccessPlatform ? featureMask(VIRTIO_F.ACCESS_PLATFORM) : 0n,
      queueCount: mq ? 2 * net.maxQueuePairs + 1 : 2,
      queueNumMax: net.queueNumMax,
      indexWidth: net.indexWidth,
      kicks: net.kicks,
      quirks: net.quirks,
    });
    this.pairs = Math.max(1, net.maxQueuePairs);
    this.backlog = Array.from({ length: this.pairs }, () => []);
  }

  get mqNegotiated(): boolean {
    return hasFeature(this.guestFeatures, VIRTIO_NET_F.MQ);
  }

  /** The control queue's index under the negotiated features, or −1 without CTRL_VQ (§5.1.2). */
  get ctrlVq(): number {
    if (!hasFeature(this.guestFeatures, VIRTIO_NET_F.CTRL_VQ)) return -1;
    return ctrlVqIndex(this.mqNegotiated, this.net.maxQueuePairs);
  }

  /** Config space (§5.1.4): mac[6], le16 status, le16 max_virtqueue_pairs. */
  readConfig(off: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.configByte(off + i);
    return v;
  }

  /**
   * A config write (§5.1.4): a legacy driver may write mac (Legacy Interface: always
   * writable); nothing else in virtio-net's config is the driver's to write, and a modern
   * device ignores it.
   */
  writeConfig(off: number, size: number, value: number): void {
    if (!this.legacy) return;
    for (let i = 0; i < size; i++) if (off + i < 6) this.mac[off + i] = (value >>> (8 * i)) & 0xff;
  }

  private configByte(off: number): number {
    if (off < 6) return this.mac[off]!;
    if (off === NET_CONFIG.status) return this.linkStatus;
    const max = this.net.maxQueuePairs;
    if (off === NET_CONFIG.maxVirtqueuePairs && max > 0) return max & 0xff;
    if (off === NET_CONFIG.maxVirtqueuePairs + 1 && max > 0) return max >> 8;
    if ((off === NET_CONFIG.mtu || off === NET_CONFIG.mtu + 1) && this.net.mtu) return this.mtuByte(off - NET_CONFIG.mtu, this.net.mtu);
    return 0;
  }

  /**
   * STATUS-DEV-6 (§2.5.2): a field that depends on an offered feature reads its value before
   * FEATURES_OK too (Linux virtnet_validate reads mtu then). The quirk fills it only once MTU
   * is negotiated, as a device computing its config from the negotiated features would.
   */
  private mtuByte(i: number, mtu: number): number {
    const negotiated = (this.status & STATUS.FEATURES_OK) !== 0 && hasFeature(this.guestFeatures, VIRTIO_NET_F.MTU);
    if (this.quirks.configFieldsOnceNegotiated && !negotiated) return 0;
    return (mtu >> (8 * i)) & 0xff;
  }

  protected override activate(): void {
    super.activate();
    if (this.quirks.steerAllPairsFromStart && this.mqNegotiated) this.setQueuePairs(this.pairs); // the slip: every pair before VQ_PAIRS_SET (NET-MQ-DEV-2)
    for (let p = 0; p < this.pairs; p++) this.transport.emit('dev.backlog', { q: rxq2vq(p), n: this.backlog[p]!.length }); // the receive queues are fed by the backend
  }

  protected override resetDevice(): void {
    // Packets queued in the backend survive a reset of the device (they belong to the peer),
    // but the steering starts over on receiveq1 (NET-MQ-DEV-2), without flow history.
    this.txFlowPair.clear();
    this.setQueuePairs(1);
  }

  protected override *handleOutput(q: number): Process {
    if (q === this.ctrlVq) yield* this.handleCtrl();
    else if (vq2pair(q) >= (this.mqNegotiated ? this.pairs : 1)) return; // no such queue under these features
    else if (isTxVq(q)) yield* this.flushTx(q);
    else yield* this.receiveBacklog(vq2pair(q)); // rx kick: the driver refilled
  }

  /**
   * `virtio_net_handle_ctrl` → `virtio_net_handle_mq` (§5.1.9.5.6): VQ_PAIRS_SET n is
   * accepted iff MQ was negotiated and 1 ≤ n ≤ max_virtqueue_pairs; otherwise the ack is
   * VIRTIO_NET_ERR (QEMU). The device switches its receive steering when it completes the
   * command: the new count is in force before the used entry is published (NET-MQ-DEV-3).
   */
  private *handleCtrl(): Process {
    const vq = this.queues[this.ctrlVq]!;
    if (!this.activated || !vq.ready || this.failed) return;
    for (;;) {
      const elem = yield* vq.pop();
      if (!elem) break;
      const head = yield load(elem.addr + CTRL_CMD.class, 4, 'dev.ctrl.load_command');
      const cls = head & 0xff;
      const cmd = (head >> 8) & 0xff;
      const pairs = head >>> 16;
      let ack = VIRTIO_NET_ERR;
      let moved = 0;
      if (cls === VIRTIO_NET_CTRL_MQ && cmd === VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET && this.mqNegotiated && this.pairsAcceptable(pairs)) {
        moved = this.setQueuePairs(pairs);
        ack = VIRTIO_NET_OK;
      }
      yield note('dev.ctrl', { q: vq.index, cls, cmd, pairs, ack, curr: this.currQueuePairs });
      yield store(elem.addr + CTRL_CMD.ack, 1, ack, 'dev.ctrl.store_ack');
      yield* vq.push(elem, 1);
      yield* this.notify(vq);
      // Packets moved off closed pairs are delivered now (qemu_flush_queued_packets on the
      // attached subqueues): their new queue may have buffers and no kick or packet to come —
      // without this they wait for ever (P-QUIESCE; seen once flows put a backlog on pair 2).
      for (let p = 0; moved > 0 && p < Math.min(this.currQueuePairs, this.pairs); p++) {
        if (this.backlog[p]!.length > 0) yield* this.receiveBacklog(p);
      }
    }
    yield* this.endBatch(vq);
  }

  /** QEMU: `queue_pairs < MIN || queue_pairs > MAX || queue_pairs > n->max_queue_pairs` → ERR. */
  private pairsAcceptable(pairs: number): boolean {
    if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX) return false;
    return this.quirks.pairsBoundedByProtocolMax || pairs <= this.net.maxQueuePairs; // BZ-CH-02: only the protocol bound
  }

  /**
   * `virtio_net_set_queue_pairs`: pairs above the count are detached from the backend; what
   * their backend queues held is steered to the attached ones (no packet is lost). Returns
   * how many packets moved.
   */
  private setQueuePairs(pairs: number): number {
    this.currQueuePairs = pairs;
    const attached = Math.min(pairs, this.pairs); // the mutant may record more than exist
    let count = 0;
    for (let p = attached; p < this.pairs && !this.quirks.strandDetachedBacklog; p++) {
      const moved = this.backlog[p]!.splice(0);
      for (const seq of moved) this.backlog[this.steer(this.flowOf(seq), attached)]!.push(seq);
      count += moved.length;
    }
    if (this.transport) for (let p = 0; p < this.pairs; p++) this.transport.emit('dev.backlog', { q: rxq2vq(p), n: this.backlog[p]!.length });
    return count;
  }

  // --- net-mq flows ---
  /**
   * The flow a packet belongs to (its 5-tuple, reduced to a number): with `flows`, packet k —
   * received, transmitted or an echo — is in flow (k−1) mod flows + 1; without, every packet
   * is a flow of its own (its number; an echo 1000 + the transmitted packet's).
   */
  private flowOf(packet: number): number {
    const flows = this.net.flows ?? 0;
    if (flows === 0) return packet;
    const seq = packet > ECHO_BASE ? packet - ECHO_BASE : packet;
    return ((seq - 1) % flows) + 1;
  }

  /** The pair each flow last transmitted on (Linux tun's flow table, `tun_flow_update`), kept only when flows are modelled. */
  private readonly txFlowPair = new Map<number, number>();
  /** The steerPerPacket mutant's round-robin counter. */
  private roundRobin = 0;

  /**
   * Automatic receive steering (§5.1.9.5.6, NET-MQ-DEV-4), after Linux tun's
   * `tun_automq_select_queue`: a flow that last transmitted on transmitq X is received on
   * receiveq X (SHOULD); without such history, a queue by the flow's hash (any active queue
   * MAY be picked) — either way every packet of a flow to one queue (MUST).
   */
  private steer(flow: number, active: number): number {
    if (this.quirks.steerPerPacket) return this.roundRobin++ % active; // the mutant: packet by packet
    const sent = this.txFlowPair.get(flow);
    if (sent !== undefined && sent < active) return sent;
    return (flow - 1) % active;
  }
  // --- end net-mq flows ---

  /**
   * `virtio_net_handle_tx_bh` + `flush_tx`: suppress kicks, drain the ring, then re-enable
   * and re-check — a buffer added between the last pop and the re-enable is seen by the
   * re-check, not lost (NOTIF-DEV-8).
   */
  private *flushTx(q: number): Process {
    const vq = this.queues[q]!;
    if (!this.activated || !vq.ready || this.failed) return; // needs-reset: no new batch once DEVICE_NEEDS_RESET is set
    let kickSaysSo = this.quirks.kickMeansBuffer; // the mutant: a kick is one new buffer (NOTIF-DEV-7)
    for (;;) {
      yield* vq.setNotification(false);
      for (;;) {
        const elem = yield* vq.pop(kickSaysSo);
        kickSaysSo = false;
        if (!elem) break;
        this.tookBuffer(); // needs-reset: the backend may fail here; the batch in hand is finished
        const seq = yield load(elem.addr, 4, 'dev.tx.load_packet');
        if ((this.net.flows ?? 0) > 0) this.txFlowPair.set(this.flowOf(seq), vq2pair(q)); // tun_flow_update
        yield note('dev.txPacket', { q, seq, flow: this.flowOf(seq) });
        yield* vq.push(elem, 0);
        yield* this.notify(vq);
        if (this.net.txEcho) yield* this.echo(seq, vq2pair(q), q);
        if (this.quirks.onePerKick) return; // BZ-CV-03: one chain per kick, no re-check
      }
      yield* this.endBatch(vq);
      if (this.failed) return yield* this.announceNeedsReset(); // needs-reset: STATUS-DEV-2, once the batch is done
      yield* vq.setNotification(true);
      if (yield* vq.empty()) return;
    }
  }

  // --- tx echo (BZ-FC-03's setting) ---
  /** While handling a tx kick: the tx queue in hand, which the mutant signals for the rx buffers the echo completes. */
  private completingFor: number | undefined;

  /**
   * The backend answers a transmitted packet at once: the reply goes to the same pair's rx
   * queue (NET-MQ-DEV-4: a flow sent on txq X is received on rxq X), or, if that pair was
   * closed meanwhile, to an active one — inside the tx kick.
   */
  private *echo(seq: number, txPair: number, txq: number): Process {
    const active = Math.min(this.currQueuePairs, this.pairs);
    const pair = txPair < active ? txPair : this.steer(this.flowOf(seq), active);
    const backlog = this.backlog[pair]!;
    backlog.push(ECHO_BASE + seq);
    yield note('dev.backlog', { q: rxq2vq(pair), n: backlog.length, flow: this.flowOf(ECHO_BASE + seq) });
    this.completingFor = txq;
    yield* this.receiveBacklog(pair);
    this.completingFor = undefined;
  }

  /** BZ-FC-03: the rx completion's verdict is paid with the handled (tx) queue's interrupt: one vector, the wrong one. */
  protected override *notify(vq: DeviceVirtqueue): Process {
    if (!(this.quirks.signalHandledQueueOnly && this.completingFor !== undefined)) return yield* super.notify(vq);
    if (yield* vq.shouldNotify(this.quirks.shouldNotifyFence)) yield this.transport.notifyEffect('vring', this.completingFor);
  }
  // --- end tx echo ---

  /** `virtio_net_has_buffers`: enable kicks and re-check before giving up (the refill race). */
  private *hasBuffers(vq: DeviceVirtqueue): Process<boolean> {
    if (yield* vq.empty()) {
      yield* vq.setNotification(true);
      if (yield* vq.empty()) return false;
    }
    yield* vq.setNotification(false);
    return true;
  }

  /** `virtio_net_receive` for every packet queued for `pair` while its rx buffers last. */
  private *receiveBacklog(pair: number): Process {
    const vq = this.queues[rxq2vq(pair)]!;
    const backlog = this.backlog[pair]!;
    if (this.failed) return; // needs-reset: no new batch once DEVICE_NEEDS_RESET is set
    while (backlog.length > 0 && this.activated && vq.ready && !vq.broken) {
      if (!(yield* this.hasBuffers(vq))) break; // the driver's rx kick will flush the rest
      const elem = yield* vq.pop();
      if (!elem) break;
      this.tookBuffer(); // needs-reset: the backend may fail here; the batch in hand is finished
      const seq = backlog.shift()!;
      yield note('dev.backlog', { q: vq.index, n: backlog.length });
      yield store(elem.addr, 4, seq, 'dev.rx.store_packet');
      yield note('dev.rxPacket', { q: vq.index, seq });
      yield* vq.push(elem, 4);
      yield* this.notify(vq);
    }
    yield* this.endBatch(vq);
    yield* this.announceNeedsReset(); // needs-reset: STATUS-DEV-2, once the batch is done (nothing when none is owed)
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
        const flow = this.flowOf(seq);
        const pair = this.steer(flow, Math.min(this.currQueuePairs, this.pairs));
        this.backlog[pair]!.push(seq);
        yield note('dev.backlog', { q: rxq2vq(pair), n: this.backlog[pair]!.length, flow }); // the steering decision (NET-MQ-DEV-4)
        yield* this.receiveBacklog(pair);
      }
      yield* this.lock.release('net.peer');
      // Announce once per `announceEvery` packets delivered, wherever the burst boundaries fall.
      const every = this.net.announceEvery;
      if (every > 0 && Math.floor((seq - 1) / every) > Math.floor((first - 1) / every)) yield* this.announce();
    }
  }

  // --- notifications: spurious used-buffer notifications ---
  /**
   * Fault injection, legal for a device (§2.7.7.1: the driver MUST tolerate spurious used-buffer
   * notifications, NOTIF-DRV-3): once live, `count` used-buffer notifications for receiveq1 and
   * transmitq1 in turn, each raised under the device lock with nothing pushed — as a device
   * does that signals after restoring a migrated queue, or whose interrupt line is shared.
   */
  *spuriousNotifier(count: number): Process {
    yield wait(() => this.activated, 'dev.spurious.wait_live');
    for (let i = 0; i < count; i++) {
      const vq = this.queues[i % 2]!;
      yield* this.lock.acquire('dev.spurious');
      if (this.activated && vq.ready) {
        yield note('dev.spuriousNotify', { q: vq.index, usedIdx: vq.usedIdx });
        yield this.transport.notifyEffect('vring', vq.index);
      }
      yield* this.lock.release('dev.spurious');
    }
  }
  // --- end notifications ---

  /**
   * A configuration change (link announce): InterruptStatus bit 1 (§2.5.1). Once the device is
   * live, or — `early` — as soon as a driver has said it is there (STATUS DRIVER), which the
   * device statechart allows before DRIVER_OK.
   */
  private *announce(early = false): Process {
    const ready = early ? () => (this.status & STATUS.DRIVER) !== 0 : () => this.activated;
    for (;;) {
      yield wait(ready, early ? 'net.peer.wait_driver' : 'net.peer.wait_live');
      yield* this.lock.acquire('net.peer');
      if (ready()) break;
      // Reset between the wait and the lock (a driver recovering from DEVICE_NEEDS_RESET):
      // no notification after reset (STATUS-DEV-4); announce once the device is live again.
      yield* this.lock.release('net.peer');
    }
    this.linkStatus ^= VIRTIO_NET_S_ANNOUNCE;
    if (!this.quirks.configGenerationFrozen) this.configGeneration++; // MMIO-DEV-5: a driver reading across the change sees a new generation (the quirk: not)
    yield note('dev.configChange', { status: this.linkStatus, generation: this.configGeneration });
    yield this.transport.notifyEffect('config', -1);
    yield* this.lock.release('net.peer');
  }
}
