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
