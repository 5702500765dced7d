import { test } from 'uvu';
import { detectorCases } from './swt-shared-cases.js';
import { MatchedFilterDetector } from '../../../src/streaming/ecg/matched-filter.js';

detectorCases('matched-filter', (fs) => new MatchedFilterDetector(fs), { mitdb: 0.99, recoverySec: 5 });

test.run();
