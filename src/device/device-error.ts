// An error that leaves the device needing a reset (virtio v1.4 §2.1.2): where the reference
// device meets it. Each is met once per simulation — a transient backend fault — so a driver
// that resets and re-initialises (§2.1.1) finds a working device again.

export type DeviceErrorSite =
  /** No error: the reference device as it always was. */
  | 'never'
  /**
   * The backend fails when FEATURES_OK is accepted, before DRIVER_OK: DEVICE_NEEDS_RESET is set
   * and no notification is owed yet (QEMU `virtio_error` → `virtio_notify_config` returns
   * without DRIVER_OK); at DRIVER_OK activation then fails on the broken backend, the bit is
   * set again and the configuration change is notified (Firecracker).
   */
  | 'features'
  /**
   * Activation fails at DRIVER_OK: Firecracker `MmioTransport::set_device_status` stores the
   * status, `activate()` returns an error, `device_status |= DEVICE_NEEDS_RESET` and the
   * config interrupt is triggered ("Section 2.1.2 of the specification states …").
   */
  | 'activation'
  /**
   * The live backend fails at the `afterBuffers`-th buffer the device takes: the device
   * finishes the batch in hand (it may use more buffers before it announces), sends the
   * configuration-change notification, then does no more work until reset.
   */
  | 'backend';

export interface DeviceErrorConfig {
  readonly at: DeviceErrorSite;
  /** For 'backend': the number of the buffer (counted over every queue) at which the backend fails. */
  readonly afterBuffers: number;
}

export const NO_DEVICE_ERROR: DeviceErrorConfig = { at: 'never', afterBuffers: 0 };
