// Chooses int8 params for every float activation tensor (and float constants used as activation
// operands) from calibrated ranges and the op constraints of ops.ts. Tied tensors are grouped with
// a union-find and share the union of their ranges, or the fixed params of a member.
import type { Range } from '../calibrate/ranges.js';
import { QuantizeError } from '../errors.js';
import { chooseAsymmetric, symmetricScale, type AffineParams } from '../quant-params.js';
import { opName, type Operator, type TfliteModel } from '../tflite/model.js';
import { dataInputPositions, INT8_RULES, type Int8OpRule } from './ops.js';
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

/** An op the quantizer leaves in float, between DEQUANTIZE and QUANTIZE. */
export interface FloatFallback {
  /** Index of the op in the float model's subgraph 0. */
  opIndex: number;
  op: string;
  reason: string;
}

/** True when none of the op's inputs or outputs is float32 (int32 shape arithmetic): copied as it is. */
export function touchesNoFloat(model: TfliteModel, op: Operator): boolean {
  const sg = model.subgraphs[0];
  return ![...op.inputs, ...op.outputs].some((i) => i >= 0 && sg.tensors[i].type === 'FLOAT32');
}

/** Ops that stay float: no int8 rule, or a weighted op whose weights are not constants. */
export function floatFallbacks(model: TfliteModel): FloatFallback[] {
  const sg = model.subgraphs[0];
  const out: FloatFallback[] = [];
  sg.operators.forEach((op, opIndex) => {
    if (touchesNoFloat(model, op)) return;
    const name = opName(model, op);
    const rule = INT8_RULES[name];
    if (!rule) out.push({ opIndex, op: name, reason: 'no int8 rule' });
    else if (rule.kind === 'weighted' && !(op.inputs[1] >= 0 && isConstant(model, sg.tensors[op.inputs[1]]))) {
      out.push({ opIndex, op: name, reason: 'non-constant weights' });
    }
  });
  return out;
}

/** "OP (xN)" summary of fallbacks, as the CLI prints it. */
export function fallbackSummary(fallbacks: readonly FloatFallback[]): string[] {
  const counts = new Map<string, number>();
  for (const f of fallbacks) counts.set(f.op, (counts.get(f.op) ?? 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? `${n} (x${c})` : n));
}

/** The int8 rule of op `opIndex`, or undefined when it stays float or touches no float tensor. */
export function int8Rule(model: TfliteModel, opIndex: number, floatOps: ReadonlySet<number>): Int8OpRule | undefined {
  const op = model.subgraphs[0].operators[opIndex];
  if (floatOps.has(opIndex) || touchesNoFloat(model, op)) return undefined;
  return INT8_RULES[opName(model, op)];
}

/** Float tensors that hold activations or activation operands of int8 ops (not weights and biases), and graph I/O. */
function activationOperands(model: TfliteModel, floatOps: ReadonlySet<number>): Set<number> {
  const sg = model.subgraphs[0];
  const out = new Set<number>();
  sg.operators.forEach((op, k) => {
    const rule = int8Rule(model, k, floatOps);
    if (!rule) return;
    const inputs = rule.kind === 'weighted' ? op.inputs.slice(0, 1) : dataInputPositions(rule, op.inputs.length).map((p) => op.inputs[p]);
    for (const i of [...inputs, ...op.outputs]) if (i >= 0 && sg.tensors[i].type === 'FLOAT32') out.add(i);
    // A float op's input produced here, or an int8 op's input produced by a float op, crosses
    // the boundary and needs params: covered because it is an operand of this int8 op.
  });
  for (const i of [...sg.inputs, ...sg.outputs]) if (sg.tensors[i].type === 'FLOAT32') out.add(i);
  return out;
}

function constantRange(model: TfliteModel, index: number): Range {
  const data = floatData(model, model.subgraphs[0].tensors[index]);
  let min = 0, max = 0;
  for (const v of data) min = Math.min(min, v), max = Math.max(max, v);
  return { min, max };
}

/**
 * Int8 params for every activation operand of an int8 op (ops in `floatOps` impose nothing).
 * Tied ops join their data inputs and outputs in one group: one range (the union) or the fixed
 * params of a member.
 */
export function chooseActivationParams(model: TfliteModel, ranges: Map<number, Range>, floatOps: ReadonlySet<number> = new Set()): Map<number, AffineParams> {
  const sg = model.subgraphs[0];
  if (model.subgraphs.length > 1) throw new QuantizeError('unsupported-graph', 'models with more than one subgraph are not supported');
  const tensors = activationOperands(model, floatOps);
  const uf = new UnionFind();
  const fixed = new Map<number, AffineParams>();
  sg.operators.forEach((op, k) => {
    const rule = int8Rule(model, k, floatOps);
    if (!rule) return;
    if (rule.kind === 'fixed' && rule.fixedOutput) fixed.set(op.outputs[0], rule.fixedOutput);
    // Tied ops share params between their data inputs and outputs (RESHAPE's shape, GATHER's
    // indices, STRIDED_SLICE's begin/end are int32 and stay as they are).
    if (rule.kind !== 'tied' || opName(model, op) === 'CONCATENATION') return;
    const members = [...dataInputPositions(rule, op.inputs.length).map((p) => op.inputs[p]), ...op.outputs].filter((i) => tensors.has(i));
    for (const m of members.slice(1)) uf.union(members[0], m);
  });
  // CONCATENATION joins its inputs' groups, except groups with fixed params (a LOGISTIC output
  // would clamp the others to [0, 1)): those inputs are requantized to the output's params.
  const fixedRoots = new Set([...fixed.keys()].map((t) => uf.find(t)));
  for (const [k, op] of sg.operators.entries()) {
    if (opName(model, op) !== 'CONCATENATION' || !int8Rule(model, k, floatOps)) continue;
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
  sg.operators.forEach((op, k) => {
    for (const p of int8Rule(model, k, floatOps)?.symmetricConstInputs ?? []) {
      const i = op.inputs[p];
      if (i === undefined || i < 0 || !isConstant(model, sg.tensors[i]) || sg.tensors[i].type !== 'FLOAT32') continue;
      const r = constantRange(model, i);
      params.set(i, { scale: symmetricScale(Math.max(-r.min, r.max)), zeroPoint: 0 });
    }
  });
  return params;
}
