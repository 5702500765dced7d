// Errors of the quantizer that are not file-format problems (those are FormatError).
export type QuantizeErrorCode = 'unsupported-op' | 'unsupported-graph' | 'calibration' | 'runtime';

export class QuantizeError extends Error {
  override readonly name = 'QuantizeError';
  constructor(
    readonly code: QuantizeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
