// Rewrites a model so that chosen intermediate tensors become extra subgraph outputs, letting the
// runtime hand them back after each inference (LiteRT keeps no other handle on intermediates).
import type { Subgraph, TfliteModel } from '../tflite/model.js';
import { writeTflite } from '../tflite/write.js';
import { withStaticReshapes } from './static-shapes.js';

/** Non-constant tensors of subgraph 0 with the given type: graph inputs and every op output. */
export function activationTensors(model: TfliteModel, type: string): number[] {
  const sg = model.subgraphs[0];
  const seen = new Set<number>();
  const out: number[] = [];
  const visit = (i: number): void => {
    if (i < 0 || seen.has(i)) return;
    seen.add(i);
    const t = sg.tensors[i];
    if (t.type === type && (model.buffers[t.buffer]?.data.byteLength ?? 0) === 0) out.push(i);
  };
  sg.inputs.forEach(visit);
  for (const op of sg.operators) op.outputs.forEach(visit);
  return out;
}

/**
 * The model's bytes with `tensors` as subgraph outputs (in that order). Signature defs are dropped
 * so the runtime's default signature lists every subgraph output. RESHAPEs with computed shapes get
 * their batch-1 shape as a constant (static-shapes.ts) so no exposed tensor is dynamic.
 */
export function exposeTensors(model: TfliteModel, tensors: number[]): Uint8Array {
  const staticModel = withStaticReshapes(model);
  const sg0 = staticModel.subgraphs[0];
  const exposed: Subgraph = { ...sg0, outputs: tensors };
  return writeTflite({ ...staticModel, subgraphs: [exposed, ...staticModel.subgraphs.slice(1)], signatureDefs: [] });
}
