import { test } from 'uvu';
import { ChristovDetector } from '../../../src/streaming/ecg/christov.js';
import { classicDetectorCases } from './detectors-property-cases.js';

classicDetectorCases('christov', (fs) => new ChristovDetector(fs), { firstMinutes: 0.97, synthetic: 0.97 });

test.run();
