// One error class for the model runtime, carrying a code so callers branch on `code` (STYLE.md).

export type ModelRuntimeErrorCode =
  /** LiteRT refused to load or compile the model; the message carries LiteRT's reason. */
  | 'rejected'
  /** The model loads but uses something this runtime cannot drive (dtype, dynamic inner dimension). */
  | 'unsupported'
  /** Wrong number, dtype or length of inputs. */
  | 'input'
  /** The model was disposed. */
  | 'disposed'
  /** The runtime was closed. */
  | 'closed'
  /** LiteRT failed while running an inference. */
  | 'run-failed';

export class ModelRuntimeError extends Error {
  override readonly name = 'ModelRuntimeError';
  constructor(
    readonly code: ModelRuntimeErrorCode,
    message: string,
    readonly model?: string,
  ) {
    super(model === undefined ? message : `model ${model}: ${message}`);
  }
}
