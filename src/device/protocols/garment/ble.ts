// Garment frames over BLE notifications (SPEC.md "BLE"): each frame is cut into notifications of
// at most MTU-3 bytes, each starting with [frameCounter u8][index u7 | last << 7].
// The reassembler drops a frame whose fragments did not all arrive in order, and counts it.
import { FrameError } from '../../../common/errors.js';
import {
  BLE_ATT_OVERHEAD_BYTES,
  BLE_FRAGMENT_HEADER_BYTES,
  BLE_FRAGMENT_LAST_FLAG,
  BLE_MAX_FRAGMENT_INDEX,
  BLE_MAX_MTU,
  BLE_MIN_MTU,
  GARMENT_MAX_ENVELOPE_FRAME_BYTES,
} from './constants.js';
import { decodeGarmentFrame } from './decode.js';
import type { GarmentFrame } from './frame.js';

/** Splits one encoded frame into notification payloads for an ATT MTU of `mtu` bytes. */
export function fragmentGarmentFrame(frameBytes: Uint8Array, mtu: number, frameCounter: number): Uint8Array[] {
  if (!Number.isInteger(mtu) || mtu < BLE_MIN_MTU || mtu > BLE_MAX_MTU) {
    throw new RangeError(`MTU ${mtu} outside [${BLE_MIN_MTU}, ${BLE_MAX_MTU}]`);
  }
  if (!Number.isInteger(frameCounter) || frameCounter < 0 || frameCounter > 0xff) {
    throw new RangeError(`frame counter ${frameCounter} is not a u8`);
  }
  if (frameBytes.length === 0) throw new RangeError('empty frame');
  const chunkBytes = mtu - BLE_ATT_OVERHEAD_BYTES - BLE_FRAGMENT_HEADER_BYTES;
  const count = Math.ceil(frameBytes.length / chunkBytes);
  if (count > BLE_MAX_FRAGMENT_INDEX + 1) {
    throw new RangeError(`${frameBytes.length} bytes need ${count} fragments at MTU ${mtu}, max ${BLE_MAX_FRAGMENT_INDEX + 1}`);
  }
  const fragments: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const data = frameBytes.subarray(index * chunkBytes, (index + 1) * chunkBytes);
    const fragment = new Uint8Array(BLE_FRAGMENT_HEADER_BYTES + data.length);
    fragment[0] = frameCounter;
    fragment[1] = index | (index === count - 1 ? BLE_FRAGMENT_LAST_FLAG : 0);
    fragment.set(data, BLE_FRAGMENT_HEADER_BYTES);
    fragments.push(fragment);
  }
  return fragments;
}

export interface GarmentBleStats {
  framesOk: number;
  /** Frames of which some fragments arrived but not all, in order (lost, reordered, or cut off). */
  framesIncomplete: number;
  /** Fragments thrown away because their frame was already incomplete. */
  fragmentsDiscarded: number;
  /** Notifications too short to hold a fragment header and one byte. */
  malformedFragments: number;
  /** Reassembled frames the decoder rejected, by FrameError code. */
  syncErrors: number;
  crcErrors: number;
  lengthErrors: number;
  versionErrors: number;
  fieldErrors: number;
  truncatedErrors: number;
}

type ErrorCounter = 'syncErrors' | 'crcErrors' | 'lengthErrors' | 'versionErrors' | 'fieldErrors' | 'truncatedErrors';
const counterForCode: Record<FrameError['code'], ErrorCounter> = {
  sync: 'syncErrors',
  crc: 'crcErrors',
  length: 'lengthErrors',
  version: 'versionErrors',
  field: 'fieldErrors',
  truncated: 'truncatedErrors',
};

export class GarmentBleReassembler {
  private readonly buffer = new Uint8Array(GARMENT_MAX_ENVELOPE_FRAME_BYTES);
  private assembledBytes = 0;
  /** Counter of the frame being assembled or discarded; null when idle. */
  private counter: number | null = null;
  private nextIndex = 0;
  private discarding = false;
  private readonly counters: GarmentBleStats = {
    framesOk: 0,
    framesIncomplete: 0,
    fragmentsDiscarded: 0,
    malformedFragments: 0,
    syncErrors: 0,
    crcErrors: 0,
    lengthErrors: 0,
    versionErrors: 0,
    fieldErrors: 0,
    truncatedErrors: 0,
  };

  get stats(): Readonly<GarmentBleStats> {
    return { ...this.counters };
  }

  /** Takes one notification's value; returns the frame it completed, if any (0 or 1 frames). */
  push(notification: Uint8Array): GarmentFrame[] {
    if (notification.length <= BLE_FRAGMENT_HEADER_BYTES) {
      this.counters.malformedFragments++;
      return [];
    }
    const counter = notification[0];
    const index = notification[1] & BLE_MAX_FRAGMENT_INDEX;
    const last = (notification[1] & BLE_FRAGMENT_LAST_FLAG) !== 0;
    const data = notification.subarray(BLE_FRAGMENT_HEADER_BYTES);

    if (index === 0) {
      this.abandon();
      this.counter = counter;
      this.nextIndex = 0;
      this.assembledBytes = 0;
    } else if (this.counter !== counter || (!this.discarding && index !== this.nextIndex)) {
      // A gap, or a frame whose start we never saw: that frame is lost from here on.
      const startsAnotherFrame = this.counter !== counter;
      this.abandon();
      this.counter = counter;
      this.discarding = true;
      if (startsAnotherFrame) this.counters.framesIncomplete++;
    }
    if (this.discarding) {
      this.counters.fragmentsDiscarded++;
      if (last) this.idle();
      return [];
    }
    if (this.assembledBytes + data.length > this.buffer.length) {
      this.counters.lengthErrors++;
      this.discarding = true;
      this.counters.fragmentsDiscarded += index + 1;
      if (last) this.idle();
      return [];
    }
    this.buffer.set(data, this.assembledBytes);
    this.assembledBytes += data.length;
    this.nextIndex = index + 1;
    if (!last) return [];
    const bytes = this.buffer.subarray(0, this.assembledBytes);
    this.idle();
    try {
      const frame = decodeGarmentFrame(bytes);
      this.counters.framesOk++;
      return [frame];
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      this.counters[counterForCode[err.code]]++;
      return [];
    }
  }

  /** Counts a frame in progress as incomplete and forgets it. */
  private abandon(): void {
    if (this.counter !== null && !this.discarding) {
      this.counters.framesIncomplete++;
      this.counters.fragmentsDiscarded += this.nextIndex;
    }
    this.idle();
  }

  private idle(): void {
    this.counter = null;
    this.discarding = false;
    this.nextIndex = 0;
    this.assembledBytes = 0;
  }
}
