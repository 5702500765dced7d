// Shared helpers of the reference-vector tests (reference-vectors-*.test.ts): byte builders,
// the repositories the vectors come from, and the FrameError check.
import * as assert from 'uvu/assert';
import { FrameError, type FrameErrorCode } from '../../../src/common/errors.js';

export const POLAR = 'polarofficial/polar-ble-sdk';
export const POLAR_ANDROID_TEST = 'sources/Android/android-communications/library/src/test/java/com/polar/androidcommunications/api/ble/model/gatt/client';
export const POLAR_IOS_TEST = 'sources/iOS/ios-communications/Tests/iOSCommunicationsTests';
export const NORDIC_TEST = 'NordicSemiconductor/Android-BLE-Library ble-common/src/test/java/no/nordicsemi/android/ble/common/callback';

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
export const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

export function expectFrameError(fn: () => unknown, code: FrameErrorCode, name: string): void {
  try {
    fn();
    assert.unreachable(`${name}: decoded`);
  } catch (err) {
    assert.instance(err, FrameError, name);
    assert.is((err as FrameError).code, code, `${name}: ${(err as Error).message}`);
  }
}
