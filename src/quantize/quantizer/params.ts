// Chooses int8 params for every float activation tensor (and float constants used as activation
// operands) from calibrated ranges and the op constraints of ops.ts. Tied tensors are grouped with
// a union-find and share the union of their ranges, or the fixed params of a member.
import type { Range } from '../calibrate/ranges.js';
import { QuantizeError } from '../errors.js';
import { chooseAsymmetric, type AffineParams } from '../quant-params.js';
import { opName, type TfliteModel } from '../tflite/model.js';
import { INT8_RULES } from './ops.js';
import { floatData, isConstant } from './tensors.js';

class UnionFind {
  private readonly parent = new Map<number, number>();
  find(x: number): number {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

/** Names of ops (with counts) the int8 quantizer cannot handle; empty when all are supported. */
export function unsupportedOps(model: TfliteModel): string[] {
  const counts = new Map<string, number>();
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const name = opName(model, op);
      if (!INT8_RULES[name]) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return [...counts].map(([n, c]) => (c > 1 ? `${n} (x${c})` : n));
}

/** Float tensors that hold activations or activation operands (everything but weights and biases). */
function activationOperands(model: TfliteModel): Set<number> {
  const sg = model.subgraphs[0];
  const out = new Set<number>();
  for (const op of sg.operators) {
    const rule = INT8_RULES[opName(model, op)];
    const inputs = rule?.kind === 'weighted' ? op.inputs.slice(0, 1) : op.inputs;
    for (const i of [...inputs, ...op.outputs]) if (i >= 0 && sg.tensors[i].type === 'FLOAT32') out.add(i);
  }
  for (const i of [...sg.inputs, ...sg.outputs]) if (sg.tensors[i].type === 'FLOAT32') out.add(i);
  return out;
}

function constantRange(model: TfliteModel, index: number): Range {
  const data = floatData(model, model.subgraphs[0].tensors[index]);
  let min = 0, max = 0;
  for (const v of data) min = Math.min(min, v), max = Math.max(max, v);
  return { min, max };
}

export function chooseActivationParams(model: TfliteModel, ranges: Map<number, Range>): Map<number, AffineParams> {
  const sg = model.subgraphs[0];
  if (model.subgraphs.length > 1) throw new QuantizeError('unsupported-graph', 'models with more than one subgraph are not supported');
  const unsupported = unsupportedOps(model);
  if (unsupported.length > 0) {
    throw new QuantizeError('unsupported-op', `cannot quantize op(s): ${unsupported.join(', ')}; supported: ${Object.keys(INT8_RULES).join(', ')}`);
  }
  const tensors = activationOperands(model);
  const uf = new UnionFind();
  const fixed = new Map<number, AffineParams>();
  for (const op of sg.operators) {
    const rule = INT8_RULES[opName(model, op)];
    if (rule.kind === 'fixed' && rule.fixedOutput) fixed.set(op.outputs[0], rule.fixedOutput);
    // Single-input tied ops share params with their data input (RESHAPE's shape and PAD's
    // paddings are int32 and stay as they are); their output range is within the input's.
    if (rule.kind === 'tied' && opName(model, op) !== 'CONCATENATION' && tensors.has(op.inputs[0])) uf.union(op.inputs[0], op.outputs[0]);
  }
  // CONCATENATION joins its inputs' groups, except groups with fixed params (a LOGISTIC output
  // would clamp the others to [0, 1)): those inputs are requantized to the output's params.
  const fixedRoots = new Set([...fixed.keys()].map((t) => uf.find(t)));
  for (const op of sg.operators) {
    if (opName(model, op) !== 'CONCATENATION') continue;
    for (const i of op.inputs) if (tensors.has(i) && !fixedRoots.has(uf.find(i))) uf.union(i, op.outputs[0]);
  }
  const groupRange = new Map<number, Range>();
  const groupFixed = new Map<number, AffineParams>();
  for (const t of tensors) {
    const root = uf.find(t);
    const r = isConstant(model, sg.tensors[t]) ? constantRange(model, t) : ranges.get(t);
    if (!r) throw new QuantizeError('calibration', `no calibration range for tensor ${sg.tensors[t].name}`);
    const g = groupRange.get(root);
    groupRange.set(root, g ? { min: Math.min(g.min, r.min), max: Math.max(g.max, r.max) } : r);
    const f = fixed.get(t);
    if (f) {
      const prev = groupFixed.get(root);
      if (prev && (prev.scale !== f.scale || prev.zeroPoint !== f.zeroPoint)) {
        throw new QuantizeError('unsupported-graph', `tensor ${sg.tensors[t].name} must share params with tensors whose params are fixed differently`);
      }
      groupFixed.set(root, f);
    }
  }
  const params = new Map<number, AffineParams>();
  for (const t of tensors) {
    const root = uf.find(t);
    const r = groupRange.get(root) ?? { min: 0, max: 0 };
    params.set(t, groupFixed.get(root) ?? chooseAsymmetric(r.min, r.max));
  }
  return params;
}
