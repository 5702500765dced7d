import { test } from 'uvu';
import { detectorCases } from './swt-shared-cases.js';
import { TwoAverageDetector } from '../../../src/streaming/ecg/two-average.js';

detectorCases('two-average', (fs) => new TwoAverageDetector(fs), { mitdb: 0.99, recoverySec: 5 });

test.run();
