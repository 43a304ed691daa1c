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
}

export const REFERENCE_DRIVER: DriverQuirks = {
  ackAfterProcess: false,
  kickBeforeDriverOk: false,
  enableCbAfterNapiComplete: false,
  acceptUnofferedFeatures: false,
  availFlagUnderEventIdx: false,
};
