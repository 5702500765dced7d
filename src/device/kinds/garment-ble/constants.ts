// GATT layout of the weargate garment over BLE. firmware-bridge/SPEC.md section 7 defines the
// fragment framing on notifications but names no service or characteristic, so they are defined
// here (weargate's own 128-bit UUIDs, base 77656172-6761-7465 = "weargate" in ASCII):
// - service  77656172-6761-7465-8000-000000000001: the garment protocol v1;
// - frames   77656172-6761-7465-8000-000000000002: notify; each notification one SPEC.md §7 fragment.
// The SPEC should adopt these (it is not this module's file to change).
export const GARMENT_BLE_SERVICE_UUID = '77656172-6761-7465-8000-000000000001';
export const GARMENT_BLE_FRAMES_UUID = '77656172-6761-7465-8000-000000000002';
