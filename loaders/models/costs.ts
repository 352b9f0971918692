// What each op costs, counted the way the TensorFlow profiler (and keras-flops, which wraps it) counts
// a Keras model, so totals compare with published Keras FLOPs:
//   - Conv/ConvTranspose/Gemm/MatMul: 2 FLOPs per multiply-accumulate, plus 1 per output element for a bias;
//   - element-wise arithmetic with two or more inputs (Add, Mul, ...): 1 per output element per extra input;
//   - pooling: kernel area per output element; global pooling and reductions: 1 per input element;
//   - Softmax: 5 per element;
//   - free: BatchNormalization (folded into the conv at inference), activations (Relu, Clip, Sigmoid, ...),
//     and data movement (Reshape, Concat, Pad, Transpose, Resize, ...).
// Ops with no rule here are reported as uncounted, never silently taken as zero.

import {elementCount, type NodeView} from "./onnx.ts";
import {attrInt, attrInts, DOMAIN_ALIASES, ShapeError, type Value} from "./shapes.ts";

export interface Cost {
  macs: number;
  flops: number;
}

type CostRule = (node: NodeView, inputs: (Value | undefined)[], outputs: (Value | undefined)[]) => Cost;

function shapeOf(v: Value | undefined, what: string): number[] {
  if (!v?.shape) throw new ShapeError(`shape of ${what} unknown`);
  return v.shape;
}

const conv: CostRule = (node, ins, outs) => {
  const w = shapeOf(ins[1], "W");
  const y = shapeOf(outs[0], "Y");
  // Each output element takes (C/group) x kernel MACs, and the weight's dims 1.. are exactly that.
  const macs = elementCount(y) * elementCount(w.slice(1));
  return {macs, flops: 2 * macs + (ins[2] ? elementCount(y) : 0)};
};

const convTranspose: CostRule = (node, ins, outs) => {
  const x = shapeOf(ins[0], "X");
  const w = shapeOf(ins[1], "W");
  const y = shapeOf(outs[0], "Y");
  // Every input element is scattered through (M/group) x kernel weights.
  const macs = elementCount(x) * elementCount(w.slice(1));
  return {macs, flops: 2 * macs + (ins[2] ? elementCount(y) : 0)};
};

const gemm: CostRule = (node, ins, outs) => {
  const a = shapeOf(ins[0], "A");
  const y = shapeOf(outs[0], "Y");
  const k = attrInt(node, "transA", 0) ? a[0] : a[1];
  const macs = elementCount(y) * k;
  return {macs, flops: 2 * macs + (ins[2] ? elementCount(y) : 0)};
};

const matmul: CostRule = (node, ins, outs) => {
  const a = shapeOf(ins[0], "A");
  const k = a[a.length - 1];
  const macs = elementCount(shapeOf(outs[0], "Y")) * k;
  return {macs, flops: 2 * macs};
};

const perOutput =
  (perElement: number): CostRule =>
  (node, ins, outs) => {
    const extra = Math.max(1, ins.filter(Boolean).length - 1);
    return {macs: 0, flops: perElement * extra * elementCount(shapeOf(outs[0], "output"))};
  };

const perInput =
  (perElement: number): CostRule =>
  (node, ins) => ({macs: 0, flops: perElement * elementCount(shapeOf(ins[0], "input"))});

const pool: CostRule = (node, ins, outs) => {
  const kernel = attrInts(node, "kernel_shape") ?? [];
  return {macs: 0, flops: elementCount(kernel) * elementCount(shapeOf(outs[0], "Y"))};
};

/** Reductions that keep a running value: one op per input element beyond the first of each output. */
const reduceNoFinalize: CostRule = (node, ins, outs) => ({
  macs: 0,
  flops: elementCount(shapeOf(ins[0], "input")) - elementCount(shapeOf(outs[0], "output"))
});

const free: CostRule = () => ({macs: 0, flops: 0});

/** Ops counted as zero on purpose (listed in the README), not because they are unknown. */
export const FREE_OPS = [
  "BatchNormalization",
  "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Gelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus",
  "Softsign", "ThresholdedRelu", "Mish", "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Floor", "Ceil", "Round", "Sign", "Not",
  "Reshape", "Flatten", "Transpose", "Concat", "Pad", "Squeeze", "Unsqueeze", "Slice", "Gather", "Split", "Expand", "Tile",
  "Identity", "Dropout", "Cast", "Shape", "Size", "Constant", "ConstantOfShape", "Resize", "Upsample", "Where"
];

export const COST_RULES: Record<string, CostRule> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  Gemm: gemm,
  MatMul: matmul,
  Add: perOutput(1), Sub: perOutput(1), Mul: perOutput(1), Div: perOutput(1), Pow: perOutput(1), Mod: perOutput(1),
  Max: perOutput(1), Min: perOutput(1), Sum: perOutput(1), Mean: perOutput(1),
  Equal: perOutput(1), Less: perOutput(1), Greater: perOutput(1), LessOrEqual: perOutput(1), GreaterOrEqual: perOutput(1),
  Softmax: perInput(5), LogSoftmax: perInput(5),
  MaxPool: pool, AveragePool: pool, LpPool: pool,
  GlobalAveragePool: perInput(1), GlobalMaxPool: perInput(1), GlobalLpPool: perInput(1),
  ReduceMean: perInput(1), ReduceSum: reduceNoFinalize, ReduceMax: reduceNoFinalize, ReduceMin: reduceNoFinalize,
  ArgMax: reduceNoFinalize, ArgMin: reduceNoFinalize,
  ...Object.fromEntries(FREE_OPS.map((op) => [op, free]))
};

const FREE = new Set(FREE_OPS);

/** Ops whose cost is zero whatever their shapes (so an unknown shape does not make them uncounted). */
export function isFree(node: NodeView): boolean {
  return !node.domain && FREE.has(node.op_type);
}

export function costRule(node: NodeView): CostRule | undefined {
  if (!node.domain) return COST_RULES[node.op_type];
  // Contrib ops ONNX Runtime writes into optimized models are costed as the standard op they fuse.
  const alias = DOMAIN_ALIASES[`${node.domain}:${node.op_type}`];
  return alias ? COST_RULES[alias] : undefined;
}
