// Polar H10 over PMD (Polar Measurement Data): commands, control point responses, ECG/ACC frames.
export * from './constants.js';
export { parsePmdSettings, serializePmdSettings, type PmdSettingsOffer, type PmdSettingsSelection } from './settings.js';
export {
  encodeGetMeasurementSettings,
  encodeStartAcc,
  encodeStartEcg,
  encodeStopMeasurement,
  type H10AccSettings,
  type H10Stream,
} from './encode.js';
export {
  decodePmdControlPoint,
  decodePmdFeatures,
  PMD_MAX_RESPONSE_PARAMETER_BYTES,
  PmdControlPointAssembler,
  type PmdControlPointMessage,
  type PmdControlPointResponse,
  type PmdMeasurementStopped,
} from './control-point.js';
export {
  decodeH10DataFrame,
  decodePmdDataFrame,
  pmdSampleTimesUnixUs,
  polarTimestampToUnixUs,
  type H10AccFrame,
  type H10DataFrame,
  type H10EcgFrame,
  type PmdDataFrame,
} from './decode.js';
