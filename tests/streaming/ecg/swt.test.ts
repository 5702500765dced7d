import { test } from 'uvu';
import { detectorCases } from './swt-shared-cases.js';
import { SwtDetector } from '../../../src/streaming/ecg/swt.js';

detectorCases('swt', (fs) => new SwtDetector(fs), { mitdb: 0.99, recoverySec: 5 });

test.run();
