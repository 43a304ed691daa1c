// Deliberate faults a device variant can carry, each named after the real bug it
// re-injects (shared/bug-zoo.md). The reference device has none of them set.

export interface DeviceQuirks {
  /** BZ-KVT-01: the barrier between the used.idx store and the used_event load is only a write barrier. */
  readonly shouldNotifyFence: 'full' | 'wmb';
  /** BZ-FC-01: kicks that arrive after DRIVER_OK but before activation are dropped. */
  readonly dropKicksBeforeActivation: boolean;
  /** BZ-CV-03: one descriptor chain per kick, then re-arm without re-checking. */
  readonly onePerKick: boolean;
  /** BZ-FC-04: the status write matches only the newly set bit and stores the value as written. */
  readonly statusNewBitOnly: boolean;
  /** BZ-KVT-03 (MMIO analogue): InterruptACK clears the bits but leaves the line asserted. */
  readonly ackKeepsLine: boolean;
  /** BZ-KVT-03 (MMIO analogue): InterruptACK clears every bit, not only the written ones. */
  readonly ackClearsAll: boolean;
  /** BZ-KVT-04: the EVENT_IDX test masks the features with the bit number (`& 29`), not the bit. */
  readonly eventIdxBitAsMask: boolean;
  /** BZ-VMV-01: the device trusts avail.idx however far ahead it is, and loops over the ring. */
  readonly trustAvailIdx: boolean;
  /** vring_need_event with an off-by-one: `new − event < new − old` (misses used_event itself). */
  readonly needEventOffByOne: boolean;
  /** The device checks after every push (moving signalled_used) but notifies once per batch, on the last check only. */
  readonly notifyOncePerBatch: boolean;
  /** BZ-LNX-03's trigger (QEMU `ctrl_vq=off,mq=on`): MQ offered without CTRL_VQ, against FEAT-DEV-1. */
  readonly offerMqWithoutCtrlVq: boolean;
  /** BZ-CH-02 (Cloud Hypervisor before 0e085592): VQ_PAIRS_SET accepted up to 0x8000, not up to max_virtqueue_pairs. */
  readonly pairsBoundedByProtocolMax: boolean;
  /** Multi-line slip: the device puts queue q on line q mod N where the driver expects (q / 2) mod N (the mapping is not shared). */
  readonly lineByQueueIndex: boolean;
  /** When VQ_PAIRS_SET closes pairs, what their backend queues held stays there (never delivered). */
  readonly strandDetachedBacklog: boolean;
  /** BZ-KVT-02 (kvmtool 3d5cefc2): every event's MSI-X vector starts at 0, a valid vector, instead of NO_VECTOR. */
  readonly msiVectorsDefaultZero: boolean;
  /** BZ-FC-03 (Firecracker ac5cd1b9): buffers completed on another queue while handling a kick are signalled on the handled queue's vector only. */
  readonly signalHandledQueueOnly: boolean;
  /** A big-endian slip: MagicValue reads "virt" byte-swapped (0x76697274), against MMIO-DEV-1. */
  readonly magicByteSwapped: boolean;
  /** A Version 2 (modern) device whose Version register reads 1 (against MMIO-DEV-2). */
  readonly versionReadsLegacy: boolean;
  /** Decides its suppression mode from the features it offered, not those negotiated: reads used_event without EVENT_IDX (against NOTIF-DEV-1). */
  readonly eventIdxFromOffered: boolean;
  /** Writes NO_NOTIFY into used.flags as `1 << VRING_USED_F_NO_NOTIFY` (= 2), the bit number taken for a bit (against NOTIF-DEV-5). */
  readonly usedFlagAsBitNumber: boolean;
  /** With EVENT_IDX negotiated, still skips an interrupt while avail.flags has NO_INTERRUPT set (against NOTIF-DEV-3). */
  readonly honourAvailFlagsUnderEventIdx: boolean;
  /** Firecracker `ack_features`: an unoffered bit the driver accepts is dropped with a warning, and FEATURES_OK is kept (against FEAT-DEV-2). */
  readonly acceptInvalidFeatures: boolean;
  /** Steers received packets over every pair from activation, before any VQ_PAIRS_SET (against NET-MQ-DEV-2). */
  readonly steerAllPairsFromStart: boolean;
  // --- notifications / net-mq steering ---
  /** Takes a kick as one new buffer: the tx handler pops an entry per kick without reading avail.idx (against NOTIF-DEV-7). */
  readonly kickMeansBuffer: boolean;
  /** Steers received packets round-robin, packet by packet, not by flow (against NET-MQ-DEV-4). */
  readonly steerPerPacket: boolean;
  // --- end notifications / net-mq steering ---
  // --- needs-reset ---
  /** Sets DEVICE_NEEDS_RESET after DRIVER_OK but sends no configuration-change notification (against STATUS-DEV-2). */
  readonly needsResetSilent: boolean;
  // --- end needs-reset ---
  // --- feature negotiation ---
  /** A device model that shares its feature set between its PCI and MMIO transports: offers ADMIN_VQ over MMIO (against FEAT-DEV-3, §4.2.5). */
  readonly offerAdminVqOnMmio: boolean;
  /** A Version 2 (modern) device that does not offer VERSION_1, as a legacy backend behind a modern register file would (against FEAT-DEV-5). */
  readonly omitVersion1: boolean;
  /** Refuses a feature set at FEATURES_OK but stores the written status anyway: FEATURES_OK reads back set (against STATUS-DEV-5). */
  readonly keepRefusedFeaturesOk: boolean;
  /** Fills feature-dependent config fields from the negotiated features: mtu reads 0 until MTU is negotiated (against STATUS-DEV-6). */
  readonly configFieldsOnceNegotiated: boolean;
  // --- end feature negotiation ---
  // --- mmio transport rules ---
  /** Sets InterruptStatus bit 2, which v1.4 does not define, with every used-buffer notification (against MMIO-DEV-3; MMIO-DRV-10's trigger). */
  readonly isrUndefinedBit: boolean;
  /** Changes config without changing ConfigGeneration, as devices before the counter did (against MMIO-DEV-5). */
  readonly configGenerationFrozen: boolean;
  // --- end mmio transport rules ---
  // --- reset ---
  /** Reset keeps a sticky DEVICE_NEEDS_RESET in Status instead of returning it to 0 (against STATUS-DEV-3). */
  readonly resetKeepsNeedsReset: boolean;
  /** The QueueReady register is a latch the reset does not clear: it reads 1 until written (against MMIO-DEV-4). */
  readonly queueReadyLatchSurvivesReset: boolean;
  /** Signals a configuration change whenever its status changes, a reset included (against STATUS-DEV-4). */
  readonly configIrqOnReset: boolean;
  // --- end reset ---
}

export const REFERENCE_DEVICE: DeviceQuirks = {
  shouldNotifyFence: 'full',
  dropKicksBeforeActivation: false,
  onePerKick: false,
  statusNewBitOnly: false,
  ackKeepsLine: false,
  ackClearsAll: false,
  eventIdxBitAsMask: false,
  trustAvailIdx: false,
  needEventOffByOne: false,
  notifyOncePerBatch: false,
  offerMqWithoutCtrlVq: false,
  pairsBoundedByProtocolMax: false,
  lineByQueueIndex: false,
  strandDetachedBacklog: false,
  msiVectorsDefaultZero: false,
  signalHandledQueueOnly: false,
  magicByteSwapped: false,
  versionReadsLegacy: false,
  eventIdxFromOffered: false,
  usedFlagAsBitNumber: false,
  honourAvailFlagsUnderEventIdx: false,
  acceptInvalidFeatures: false,
  steerAllPairsFromStart: false,
  // --- notifications / net-mq steering ---
  kickMeansBuffer: false,
  steerPerPacket: false,
  // --- end notifications / net-mq steering ---
  // --- needs-reset ---
  needsResetSilent: false,
  // --- end needs-reset ---
  // --- feature negotiation ---
  offerAdminVqOnMmio: false,
  omitVersion1: false,
  keepRefusedFeaturesOk: false,
  configFieldsOnceNegotiated: false,
  // --- end feature negotiation ---
  // --- mmio transport rules ---
  isrUndefinedBit: false,
  configGenerationFrozen: false,
  // --- end mmio transport rules ---
  resetKeepsNeedsReset: false,
  queueReadyLatchSurvivesReset: false,
  configIrqOnReset: false,
};
