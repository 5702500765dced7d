import { test } from 'uvu';
import { EngzeeDetector } from '../../../src/streaming/ecg/engzee.js';
import { classicDetectorCases } from './detectors-property-cases.js';

classicDetectorCases('engzee', (fs) => new EngzeeDetector(fs), { firstMinutes: 0.9, synthetic: 0.97 });

test.run();
