// Bluetooth SIG Heart Rate Service + Battery Level: pure decoders, the control point command.
export * from './constants.js';
export {
  decodeBatteryLevel,
  decodeBodySensorLocation,
  decodeHeartRateMeasurement,
  type BodySensorLocationValue,
  type HeartRateMeasurement,
} from './decode.js';
export { encodeHeartRateMeasurement, encodeResetEnergyExpended, type HeartRateMeasurementFields } from './encode.js';
