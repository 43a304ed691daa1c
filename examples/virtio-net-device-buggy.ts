// The example device with one deliberate bug: it goes to sleep after re-enabling
// notifications without re-checking the ring (against NOTIF-DEV-8), so a buffer the driver
// adds in between, without a kick because notifications looked off, is never taken.
//
//   npx virtio-conform run --device examples/virtio-net-device-buggy.ts --variant mmio-v2-flags   (exit 1, P-QUIESCE)

import { createNetDevice } from './virtio-net-device.ts';

export default createNetDevice({ recheck: false });
