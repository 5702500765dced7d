// Defaults of `weargate synth share` that the CLI needs before it loads the share pipeline.

/** The identity adversary's weight the shipped generator was trained with (models/gan-ecg/train-report.json,
 *  training/gan/identity.py): a clinic's generator is trained the same way unless --identity-weight says otherwise. */
export const DEFAULT_IDENTITY_WEIGHT = 1.75;
