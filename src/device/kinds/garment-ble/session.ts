// A weargate garment over a GATT link: frame fragments arrive as notifications, the SPEC.md §7
// reassembler joins them into frames, and the same frame handler as the serial garment turns them
// into ECG blocks (src/device/kinds/garment/frames.ts). The link is injected so tests run this over
// SimGattLink.
import { GarmentBleReassembler } from '../../protocols/garment/index.js';
import type { GattLink } from '../../transports/gatt.js';
import { GarmentFrameHandler } from '../garment/frames.js';
import { GattSession, gattSessionBasics } from '../gatt-session.js';
import { errorCounts, type DeviceCounters, type DeviceSession, type DeviceSessionContext, type DeviceStatusReport } from '../kind.js';
import { GARMENT_BLE_FRAMES_UUID, GARMENT_BLE_SERVICE_UUID } from './constants.js';
import type { GarmentBleConfig } from './schema.js';

export function createGarmentBleSession(context: DeviceSessionContext<GarmentBleConfig>, link: GattLink): DeviceSession {
  const { config, log } = context;
  const reassembler = new GarmentBleReassembler();
  let lastStatusKey = '';
  // Status only when it changes, so the retained status topic stays quiet at 10 frames a second.
  const reportStatus = (status: DeviceStatusReport): void => {
    const key = JSON.stringify(status);
    if (key === lastStatusKey) return;
    lastStatusKey = key;
    context.onStatus(status);
  };
  const frames = new GarmentFrameHandler(context.deviceId, { block: (b) => context.onBlock(b), status: reportStatus });

  const session = new GattSession({
    ...gattSessionBasics(context),
    link,
    onStatus: reportStatus,
    setup: async (gatt, alive) => {
      await gatt.subscribe(GARMENT_BLE_SERVICE_UUID, GARMENT_BLE_FRAMES_UUID, (bytes) => {
        for (const frame of reassembler.push(bytes)) if (frames.handle(frame)) alive();
      });
    },
    onLinkEnd: () => frames.linkEnded(),
  });

  const counters = (): DeviceCounters => {
    const a = frames.assembler.stats;
    const r = reassembler.stats;
    return {
      connected: session.supervisor.connected,
      reconnects: session.supervisor.reconnects,
      framesOk: r.framesOk,
      // Frames whose fragments did not all arrive show up as sequence gaps here.
      framesLost: a.framesLost,
      samplesLost: a.samplesLost,
      errors: errorCounts({
        crc: r.crcErrors,
        // No byte stream to resync on: malformed fragments, impossible and truncated frames and a bad magic are all length faults.
        length: r.lengthErrors + r.truncatedErrors + r.malformedFragments + r.syncErrors,
        version: r.versionErrors,
        field: r.fieldErrors,
        duplicate: a.duplicates,
        'foreign-frame': frames.foreignFrames,
      }),
    };
  };

  return {
    transport: 'ble',
    address: link.address,
    start: () => session.start(),
    stop: () => session.stop(),
    counters,
  };
}
