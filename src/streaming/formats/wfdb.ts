// WFDB records (PhysioNet): headers, signal formats 212 and 16, MIT-format annotations.
// Pure functions from bytes/text; file reading lives in ./load.ts.
export * from './wfdb-header.js';
export * from './wfdb-signals.js';
export * from './wfdb-annotations.js';
