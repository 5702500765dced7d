import { test } from 'uvu';
import { HamiltonDetector } from '../../../src/streaming/ecg/hamilton.js';
import { classicDetectorCases } from './detectors-property-cases.js';

classicDetectorCases('hamilton', (fs) => new HamiltonDetector(fs), { firstMinutes: 0.99, synthetic: 0.98 });

test.run();
