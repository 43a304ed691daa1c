// Register accesses of a virtio-pci device (window layout spec/facts/pci-registers.ts) as the
// same protocol events the MMIO decoding gives (§4.1.4.3 common config, §4.1.4.4 notify,
// §4.1.4.5 ISR, §4.1.4.6 device config), so every oracle judges a PCI device unchanged.

import { PCI_COMMON, PCI_WINDOW } from '../../spec/facts/pci-registers.ts';
import type { ProtocolEvent } from './decode.ts';

/** A driver write to the PCI window; `queueSel` is queue_select as last written. */
export function decodePciWrite(off: number, value: number, queueSel: number): ProtocolEvent | undefined {
  if (off >= PCI_WINDOW.config) return undefined;
  if (off >= PCI_WINDOW.device) return { t: 'drv.writeConfig', off: off - PCI_WINDOW.device };
  if (off >= PCI_WINDOW.isr) return undefined; // the ISR is read-only
  // Without VIRTIO_F_NOTIFICATION_DATA the driver writes the queue's index (§4.1.4.4).
  if (off >= PCI_WINDOW.notify) return { t: 'drv.kick', queue: value & 0xffff };
  switch (off) {
    case PCI_COMMON.device_status: return { t: 'drv.writeStatus', value: value & 0xff };
    case PCI_COMMON.device_feature_select: return { t: 'drv.selectDeviceFeatures', sel: value };
    case PCI_COMMON.driver_feature_select: return { t: 'drv.selectDriverFeatures', sel: value };
    case PCI_COMMON.driver_feature: return { t: 'drv.writeDriverFeatures', value };
    case PCI_COMMON.queue_enable: return value === 1 ? { t: 'drv.queueSetup', queue: queueSel } : undefined;
    default: return undefined;
  }
}

/** A driver read of the PCI window and the value it returned. */
export function decodePciRead(off: number, size: number, value: number): ProtocolEvent | undefined {
  if (off >= PCI_WINDOW.config) return undefined;
  if (off >= PCI_WINDOW.device) return { t: 'drv.readConfig', off: off - PCI_WINDOW.device, size, value };
  if (off >= PCI_WINDOW.isr) return off === PCI_WINDOW.isr ? { t: 'drv.readIsr', value: value & 0xff } : undefined;
  if (off >= PCI_WINDOW.notify) return undefined;
  switch (off) {
    case PCI_COMMON.device_status: return { t: 'drv.readStatus', value: value & 0xff };
    case PCI_COMMON.device_feature: return { t: 'drv.readDeviceFeatures', value };
    default: return undefined;
  }
}
