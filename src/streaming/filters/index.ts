// Streaming filter primitives: every filter keeps its state, so processing a record in chunks
// gives exactly the same output as processing it whole.
export { BiquadCascade, cascadeGain, cascadeGroupDelaySamples, cascadeResponse } from './biquad.js';
export type { SecondOrderSection } from './biquad.js';
export { butterworthBandpass, butterworthHighpass, butterworthLowpass, notch } from './butterworth.js';
export { FirFilter } from './fir.js';
export { MovingAverage, MovingSum } from './moving.js';
export { StreamingDerivative } from './derivative.js';
export type { DerivativeKind } from './derivative.js';
export { RingBuffer } from './ring-buffer.js';
export { SlidingMax } from './sliding-max.js';
export { MissingSampleHold } from './missing.js';
