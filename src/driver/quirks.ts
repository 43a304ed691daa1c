// Deliberate faults a driver variant can carry, each named after the real bug it
// re-injects (shared/bug-zoo.md). The reference driver has none of them set.

export interface DriverQuirks {
  /** vm_interrupt acks InterruptStatus after processing the queues instead of before. */
  readonly ackAfterProcess: boolean;
  /** BZ-LNX-02: the driver kicks a queue before setting DRIVER_OK. */
  readonly kickBeforeDriverOk: boolean;
  /** BZ-LNX-01: NAPI completes first and re-enables callbacks afterwards, outside NAPI ownership. */
  readonly enableCbAfterNapiComplete: boolean;
  /** FEAT-DRV-1 slip: the driver writes every feature it knows (EVENT_IDX included), offered or not. */
  readonly acceptUnofferedFeatures: boolean;
  /** Linux before 2017 ("Make interrupt suppression spec compliant"): disable_cb sets avail.flags NO_INTERRUPT even under EVENT_IDX (NOTIF-DRV-2). */
  readonly availFlagUnderEventIdx: boolean;
  /** A hostile driver (BZ-VMV-01's trigger): after its first transmit it moves avail.idx this far ahead. 0 = never. */
  readonly availIdxJump: number;
  /** No re-check after re-enabling callbacks: `virtqueue_napi_complete` without `virtqueue_poll` (NOTIF-DRV-9). */
  readonly noRecheckAfterEnableCb: boolean;
  /** The barrier between the used_event store and the used.idx re-check, weakened to a write barrier (a no-op on x86). */
  readonly pollFence: 'full' | 'wmb';
  /** QEMU libqos `qvirtqueue_kick`: reads avail.flags where used.flags (NO_NOTIFY) was meant. */
  readonly kickReadsAvailFlags: boolean;
  /** BZ-LNX-05, Linux before 22b7050a: the config-change callback runs at once, during probe (no config_enabled gate). */
  readonly configCallbackDuringProbe: boolean;
  /** BZ-LNX-05's other half: a change arriving before config is enabled is dropped, not replayed (no config_change_pending). */
  readonly dropConfigWhileDisabled: boolean;
  /** BZ-LNX-03, Linux before "virtio-net: validate features during probe" (2014): accepts MQ without CTRL_VQ. */
  readonly acceptMqWithoutCtrlVq: boolean;
  /** A probing driver (BZ-CH-02's trigger, against NET-MQ-DRV-2): first asks VQ_PAIRS_SET max+1, expecting VIRTIO_NET_ERR. */
  readonly requestPairsAboveMax: boolean;
  /** Narrows its transmit queues only once the device answered VQ_PAIRS_SET, not when it submits it (against NET-MQ-DRV-4). */
  readonly narrowTxAtCompletion: boolean;
  /** A driver ported from legacy virtio-pci (`iowrite8` of the status byte): writes Status with an 8-bit access (against MMIO-DRV-2). */
  readonly statusByteWrite: boolean;
  /** On reset, also "clears" InterruptStatus by writing 0 to it — a read-only register (against MMIO-DRV-1). */
  readonly resetWritesIsr: boolean;
  /** A driver with a hard-coded ring size: writes this QueueSize whatever QueueSizeMax reads (against MMIO-DRV-7). 0 = never. */
  readonly fixedQueueSize: number;
  /** Writes QueueSize once more after QueueReady (re-programming an enabled queue, against MMIO-DRV-8). */
  readonly rewriteSizeAfterReady: boolean;
  // --- feature negotiation ---
  /** Keeps every offered transport bit (virtio_dev_probe's 28–41 loop) without vring_transport_features dropping what MMIO cannot do (against FEAT-DRV-3). */
  readonly keepTransportFeatures: boolean;
  /** Filters the offer through its device-type feature table only, forgetting the transport bits: VERSION_1 is dropped (against FEAT-DRV-6). */
  readonly dropVersion1: boolean;
  /** Runs steps 5–6 (FEATURES_OK) whether or not VERSION_1 was offered: `virtio_features_ok` without its legacy check (against FEAT-DRV-9). */
  readonly featuresOkOnLegacy: boolean;
  /** When it cannot use the device during feature negotiation it returns without setting FAILED (against FEAT-DRV-4). */
  readonly giveUpWithoutFailed: boolean;
  /** "Validates" the offer by refusing any device that offers a bit it does not know: FAILED before choosing a subset (against FEAT-DRV-5). */
  readonly failOnUnknownFeature: boolean;
  // --- end feature negotiation ---
}

export const REFERENCE_DRIVER: DriverQuirks = {
  ackAfterProcess: false,
  kickBeforeDriverOk: false,
  enableCbAfterNapiComplete: false,
  acceptUnofferedFeatures: false,
  availFlagUnderEventIdx: false,
  availIdxJump: 0,
  noRecheckAfterEnableCb: false,
  pollFence: 'full',
  kickReadsAvailFlags: false,
  configCallbackDuringProbe: false,
  dropConfigWhileDisabled: false,
  acceptMqWithoutCtrlVq: false,
  requestPairsAboveMax: false,
  narrowTxAtCompletion: false,
  statusByteWrite: false,
  resetWritesIsr: false,
  fixedQueueSize: 0,
  rewriteSizeAfterReady: false,
  // --- feature negotiation ---
  keepTransportFeatures: false,
  dropVersion1: false,
  featuresOkOnLegacy: false,
  giveUpWithoutFailed: false,
  failOnUnknownFeature: false,
  // --- end feature negotiation ---
};
