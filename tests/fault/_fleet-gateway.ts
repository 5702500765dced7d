// The gateway daemon for the mid-update fault test, run as a child process:
// `node --import tsx tests/fault/_fleet-gateway.ts --config <file>`. The real `runGateway` (the
// daemon `weargate run` starts) plus one extension that keeps the `rpeak-proto` slot loaded and
// running an inference every 50 ms, as a detector would, so that fleet updates have a model to
// replace. No device is needed for that.
import { parseArgs } from 'node:util';
import { runGateway } from '../../src/gateway/run-gateway.js';
import { slotStreamExtension } from '../_support/slot-stream.js';

const { values } = parseArgs({ options: { config: { type: 'string' } } });
const modelStream = slotStreamExtension({ name: 'fault-model-stream', periodMs: 50 });

process.exitCode = await runGateway({ configPath: values.config!, extensions: [modelStream] });
