import { test } from 'uvu';
import { PanTompkinsDetector } from '../../../src/streaming/ecg/pan-tompkins.js';
import { classicDetectorCases } from './detectors-property-cases.js';

classicDetectorCases('pan-tompkins', (fs) => new PanTompkinsDetector(fs), { firstMinutes: 0.99, synthetic: 0.98 });

test.run();
