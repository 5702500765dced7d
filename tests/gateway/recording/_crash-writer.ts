// Child process for the kill -9 test: records the test stream into argv[2] as fast as the disk
// takes it (one 1 s record per 10 ms) until it is killed; never stops by itself.
import { createMemoryLogger } from '../../../src/common/logger.js';
import { StreamRecorder } from '../../../src/gateway/recording/stream-recorder.js';
import { RATE_HZ, testBlock } from './_signal.js';

const recorder = new StreamRecorder({
  deviceId: 'd1',
  dir: '',
  path: process.argv[2],
  format: process.argv[3] === 'bdf' ? 'bdf' : 'edf',
  rangeUv: 10_000,
  recordDurationS: 1,
  rotate: { maxMinutes: 600, maxMegabytes: 1024 },
  maxGapFillS: 10,
  syncIntervalMs: 50,
  retryIntervalMs: 1000,
  maxQueuedBytes: 16 * 1024 * 1024,
  log: createMemoryLogger(),
});
let index = 0;
setInterval(() => {
  recorder.push(testBlock(index, RATE_HZ));
  index += RATE_HZ;
  if (index === 3 * RATE_HZ) process.stdout.write('writing\n');
}, 10);
