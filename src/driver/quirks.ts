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
  /** Sets up the control queue lazily, after DRIVER_OK, instead of with the others in step 7 (against STATUS-DRV-5). */
  readonly ctrlVqAfterDriverOk: boolean;
  /** Sets ACKNOWLEDGE and DRIVER in one write (0 → 3) instead of one step at a time (against STATUS-DRV-1). */
  readonly statusBitsTogether: boolean;
  /** `virtio_add_status` without the read: writes only the new bit, clearing the ones set before (against STATUS-DRV-2). */
  readonly statusWriteNewBitOnly: boolean;
  /** After FEATURES_OK is confirmed, writes DriverFeatures again with EVENT_IDX added (against STATUS-DRV-7). */
  readonly featureAfterFeaturesOk: boolean;
  /** Reads DeviceFeatures before its first DeviceFeaturesSel write, trusting the select to be 0 (against MMIO-DRV-6). */
  readonly readFeaturesUnselected: boolean;
  /** Writes all ones to InterruptACK, not the bits it read (against MMIO-DRV-11). */
  readonly ackAllOnes: boolean;
  /** Writes NO_INTERRUPT into avail.flags as `1 << VRING_AVAIL_F_NO_INTERRUPT` (= 2), the bit number taken for a bit (against NOTIF-DRV-1). */
  readonly availFlagAsBitNumber: boolean;
  /** The driver's vring_need_event without the −1: `new − event < new − old` (against NOTIF-DRV-6). */
  readonly kickNeedEventOffByOne: boolean;
  /** The barrier between the avail.idx store and the avail_event / used.flags load (virtqueue_kick_prepare), weakened to a write barrier (a no-op on x86, against NOTIF-DRV-8). */
  readonly kickFence: 'full' | 'wmb';
  /** Sends VQ_PAIRS_SET before DRIVER_OK, from probe (against NET-CVQ-1). */
  readonly pairsSetBeforeDriverOk: boolean;
  /** Asks VQ_PAIRS_SET 0 first (a count computed as 0), which it MUST NOT (against NET-MQ-DRV-2). */
  readonly requestZeroPairs: boolean;
  /** Sets up the virtqueues of only min(max, cpus) pairs, yet later asks for all max pairs (against NET-MQ-DRV-1). */
  readonly setUpFewerPairs: boolean;
  /** Opens every transmit queue at probe, before VQ_PAIRS_SET, and transmits while the command is pending (against NET-MQ-DRV-3). */
  readonly txAllQueuesBeforePairsSet: boolean;
  /** The guest is a harness that breaks driver rules on purpose, to drive a device fault: only the device is judged. */
  readonly harness: boolean;
  /** Writes the MAC into config before FEATURES_OK (a legacy-only path taken on a modern device, against STATUS-DRV-6). */
  readonly macBeforeFeaturesOk: boolean;
  /** Reads FEATURES_OK back cleared and initialises on regardless (against STATUS-DRV-9). */
  readonly ignoreFeaturesRefusal: boolean;
  /** After setting FAILED, starts a new attempt (ACKNOWLEDGE) without resetting first (against STATUS-DRV-3). */
  readonly retryWithoutReset: boolean;
  /** virtqueue_add without the virtio_wmb between the ring entry and avail.idx (invisible on x86; against NOTIF-DRV-7 under PSO). */
  readonly noWmbBeforeAvailIdx: boolean;
  // --- notifications ---
  /** Takes a used-buffer notification as one completed buffer: vring_interrupt without more_used, and the next get_buf consumes an entry without reading used.idx (against NOTIF-DRV-3). */
  readonly interruptMeansUsed: boolean;
  /** Allocates the used ring without zeroing it, in memory a previous user left non-zero (against NOTIF-DRV-4). */
  readonly usedRingNotZeroed: boolean;
  // --- end notifications ---
  // --- needs-reset ---
  /** Recovering from DEVICE_NEEDS_RESET, reclaims the exposed buffers (virtqueue_detach_unused_buf) before the reset, on live queues (against STATUS-DRV-13). */
  readonly detachBeforeReset: boolean;
  /** Reads DEVICE_NEEDS_RESET in its config-change work and carries on, waiting for buffers the device will never use (against STATUS-DRV-4). */
  readonly ignoreNeedsReset: boolean;
  // --- end needs-reset ---
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
  // --- mmio transport rules ---
  /** Trusts the window it was given (device tree, `virtio_mmio.device=`) and goes on past a wrong MagicValue (against MMIO-DRV-3). */
  readonly probeSkipsMagicCheck: boolean;
  /** Checks only a lower bound on Version (`version < 1`), so it drives a Version 3 device (against MMIO-DRV-4). */
  readonly probeAcceptsAnyVersion: boolean;
  /** Reads VendorID together with DeviceID and only then checks for the placeholder ID 0 (against MMIO-DRV-13). */
  readonly readVendorBeforeIdCheck: boolean;
  /** Treats DeviceID 0 as a probe failure and reports it (against MMIO-DRV-5: a placeholder is no error). */
  readonly placeholderReportsError: boolean;
  /** A generic transport that enumerates shared memory regions at probe, whatever the device type (against MMIO-DRV-14). */
  readonly probeShmRegions: boolean;
  /** vm_del_vq without the read-back: writes QueueReady 0 and moves on (against MMIO-DRV-9). */
  readonly stopQueueWithoutReadback: boolean;
  /** vm_interrupt dispatches on equality (`status == VIRTIO_MMIO_INT_VRING`), so an undefined bit hides a defined one (against MMIO-DRV-10). */
  readonly isrEqualityDispatch: boolean;
  // --- end mmio transport rules ---
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
  ctrlVqAfterDriverOk: false,
  statusBitsTogether: false,
  statusWriteNewBitOnly: false,
  featureAfterFeaturesOk: false,
  readFeaturesUnselected: false,
  ackAllOnes: false,
  availFlagAsBitNumber: false,
  kickNeedEventOffByOne: false,
  kickFence: 'full',
  pairsSetBeforeDriverOk: false,
  requestZeroPairs: false,
  setUpFewerPairs: false,
  txAllQueuesBeforePairsSet: false,
  harness: false,
  macBeforeFeaturesOk: false,
  ignoreFeaturesRefusal: false,
  retryWithoutReset: false,
  noWmbBeforeAvailIdx: false,
  // --- notifications ---
  interruptMeansUsed: false,
  usedRingNotZeroed: false,
  // --- end notifications ---
  // --- needs-reset ---
  detachBeforeReset: false,
  ignoreNeedsReset: false,
  // --- end needs-reset ---
  // --- feature negotiation ---
  keepTransportFeatures: false,
  dropVersion1: false,
  featuresOkOnLegacy: false,
  giveUpWithoutFailed: false,
  failOnUnknownFeature: false,
  // --- end feature negotiation ---
  // --- mmio transport rules ---
  probeSkipsMagicCheck: false,
  probeAcceptsAnyVersion: false,
  readVendorBeforeIdCheck: false,
  placeholderReportsError: false,
  probeShmRegions: false,
  stopQueueWithoutReadback: false,
  isrEqualityDispatch: false,
  // --- end mmio transport rules ---
};
