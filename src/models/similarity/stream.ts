// Live similarity on one ECG stream, as data (no timers): samples are buffered into 10-s windows;
// each full window is rated (src/streaming/ecg/quality.ts), its beat segments embedded when it is
// good, and the embeddings fed to a SimilarityMonitor, which scores every N beats. A window that
// is not good is skipped (and reported), so noise never becomes a "different wearer" score.
// The gateway's ECG extension owns timers and topics; this owns the rules.
import { assessEcgQuality, type QualityLevel } from '../../streaming/ecg/quality.js';
import { ENROLL_WINDOW_S } from './enroll.js';
import { SimilarityMonitor, type MonitorOptions, type SimilarityScore } from './monitor.js';
import { cutSegments, prepareEcg, SIMILARITY_RATE_HZ } from './preprocess.js';

export interface Embedder {
  embed(segments: readonly Float32Array[]): Float32Array[];
}

export interface WindowReport {
  /** Start of the window, seconds on the caller's clock. */
  startS: number;
  quality: QualityLevel;
  reasons: string[];
  beats: number;
  scores: SimilarityScore[];
}

export const SIMILARITY_NOTE = 'research screening signal, not an identity proof';

export class SimilarityStream {
  private buffer: Float32Array;
  private filled = 0;
  private bufferStartS: number | null = null;
  private readonly windowSamples: number;
  readonly monitor: SimilarityMonitor;

  constructor(
    readonly sampleRateHz: number,
    private readonly embedder: Embedder,
    template: Float32Array,
    monitorOptions: Partial<MonitorOptions> & { threshold: number },
  ) {
    this.windowSamples = Math.round(ENROLL_WINDOW_S * sampleRateHz);
    this.buffer = new Float32Array(this.windowSamples);
    this.monitor = new SimilarityMonitor(template, monitorOptions);
  }

  /** Adds samples (microvolts) starting at `startS`; returns a report per window completed. A time gap restarts the window. */
  push(samples: Float32Array, startS: number): WindowReport[] {
    const reports: WindowReport[] = [];
    const expected = this.bufferStartS === null ? null : this.bufferStartS + this.filled / this.sampleRateHz;
    if (expected !== null && Math.abs(startS - expected) > 1.5 / this.sampleRateHz) this.restart();
    let offset = 0;
    while (offset < samples.length) {
      if (this.bufferStartS === null) this.bufferStartS = startS + offset / this.sampleRateHz;
      const take = Math.min(samples.length - offset, this.windowSamples - this.filled);
      this.buffer.set(samples.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.windowSamples) {
        reports.push(this.window(this.bufferStartS));
        this.filled = 0;
        this.bufferStartS = null;
      }
    }
    return reports;
  }

  /** Drops the partial window and the monitor's state (signal gap, lead off, re-enrollment). */
  restart(): void {
    this.filled = 0;
    this.bufferStartS = null;
    this.monitor.reset();
  }

  private window(startS: number): WindowReport {
    const prepared = prepareEcg(this.buffer, this.sampleRateHz);
    const quality = assessEcgQuality(prepared.filtered, prepared.rPeaks, SIMILARITY_RATE_HZ);
    if (quality.quality !== 'good') return { startS, quality: quality.quality, reasons: quality.reasons, beats: 0, scores: [] };
    const segments = cutSegments(prepared);
    const embeddings = this.embedder.embed(segments.map((s) => s.values));
    // each beat carries its own time, so a score's t is the R peak of its last beat
    const scores = embeddings.flatMap((e, i) => this.monitor.push([e], startS + segments[i].rIndex / SIMILARITY_RATE_HZ));
    return { startS, quality: quality.quality, reasons: [], beats: segments.length, scores };
  }
}
