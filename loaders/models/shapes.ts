// Shape inference for the ONNX ops the zoo uses and the common ones in exported CNNs, so FLOPs can be
// counted without ONNX Runtime. Shapes are concrete (the batch dimension is substituted); small integer
// tensors (Shape -> Gather -> Concat -> Reshape chains that exporters emit) are also evaluated.

import {elementCount, tensorValues, type AttrValue, type NodeView, type TensorProto} from "./onnx.ts";

export interface Value {
  /** Concrete dims; undefined when unknown. */
  shape?: number[];
  /** Contents of a small constant or computed integer tensor, when known. */
  values?: number[];
  /** ONNX element type when known. */
  elemType?: number;
}

export class ShapeError extends Error {}

export interface InferInput {
  node: NodeView;
  /** One entry per node input; undefined for an omitted optional input ("") or an unknown tensor. */
  inputs: (Value | undefined)[];
  opset: number;
}

type Rule = (x: InferInput) => (Value | undefined)[];

// ---- attribute helpers ----

export function attrInt(node: NodeView, name: string, dflt: number): number {
  const v = node.attributes[name];
  return typeof v === "number" ? v : dflt;
}
export function attrInts(node: NodeView, name: string): number[] | undefined {
  const v = node.attributes[name];
  return Array.isArray(v) && (v.length === 0 || typeof v[0] === "number") ? (v as number[]) : undefined;
}
export function attrFloats(node: NodeView, name: string): number[] | undefined {
  return attrInts(node, name);
}
export function attrString(node: NodeView, name: string, dflt: string): string {
  const v: AttrValue | undefined = node.attributes[name];
  return typeof v === "string" ? v : dflt;
}

function need(v: Value | undefined, what: string): number[] {
  if (!v?.shape) throw new ShapeError(`shape of ${what} unknown`);
  return v.shape;
}
function needValues(v: Value | undefined, what: string): number[] {
  if (!v?.values) throw new ShapeError(`value of ${what} unknown (computed at run time)`);
  return v.values;
}
function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ShapeError(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function broadcast(shapes: number[][]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) throw new ShapeError(`shapes [${shapes.map((x) => x.join(",")).join("] [")}] do not broadcast`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

// ---- convolution and pooling geometry ----

export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Begin pads then end pads, one per spatial axis each (ONNX order). */
  pads: number[];
}

/** Kernel, strides, dilations and pads of a Conv/pool node, with auto_pad resolved against the input. */
export function windowOf(node: NodeView, spatialIn: number[], kernel: number[]): Window {
  const n = spatialIn.length;
  const strides = attrInts(node, "strides") ?? Array(n).fill(1);
  const dilations = attrInts(node, "dilations") ?? Array(n).fill(1);
  const autoPad = attrString(node, "auto_pad", "NOTSET");
  let pads = attrInts(node, "pads") ?? Array(2 * n).fill(0);
  if (autoPad === "VALID") pads = Array(2 * n).fill(0);
  else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    pads = Array(2 * n).fill(0);
    for (let i = 0; i < n; i++) {
      const out = Math.ceil(spatialIn[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatialIn[i]);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === "SAME_UPPER" ? small : total - small;
      pads[i + n] = total - pads[i];
    }
  }
  if (kernel.length !== n || strides.length !== n || dilations.length !== n || pads.length !== 2 * n) {
    throw new ShapeError(`kernel/strides/pads do not match ${n} spatial dims`);
  }
  return {kernel, strides, dilations, pads};
}

export function windowOutput(spatialIn: number[], w: Window, ceilMode = false): number[] {
  return spatialIn.map((d, i) => {
    const span = d + w.pads[i] + w.pads[i + spatialIn.length] - ((w.kernel[i] - 1) * w.dilations[i] + 1);
    if (span < 0) throw new ShapeError(`window ${w.kernel[i]} larger than padded input ${d}`);
    let out = (ceilMode ? Math.ceil(span / w.strides[i]) : Math.floor(span / w.strides[i])) + 1;
    // As ONNX Runtime and PyTorch: with ceil_mode the last window must start inside the input or its begin pad.
    if (ceilMode && (out - 1) * w.strides[i] >= d + w.pads[i]) out--;
    return out;
  });
}

const conv: Rule = ({node, inputs}) => {
  const x = need(inputs[0], "X");
  const wt = need(inputs[1], "W");
  if (x.length < 3 || wt.length !== x.length) throw new ShapeError(`Conv input rank ${x.length} / weight rank ${wt.length}`);
  const group = attrInt(node, "group", 1);
  if (x[1] !== wt[1] * group) throw new ShapeError(`Conv input has ${x[1]} channels, weight expects ${wt[1]} x group ${group}`);
  const kernel = attrInts(node, "kernel_shape") ?? wt.slice(2);
  const w = windowOf(node, x.slice(2), kernel);
  return [{shape: [x[0], wt[0], ...windowOutput(x.slice(2), w)]}];
};

const convTranspose: Rule = ({node, inputs}) => {
  const x = need(inputs[0], "X");
  const wt = need(inputs[1], "W");
  const group = attrInt(node, "group", 1);
  const n = x.length - 2;
  const kernel = attrInts(node, "kernel_shape") ?? wt.slice(2);
  const strides = attrInts(node, "strides") ?? Array(n).fill(1);
  const dilations = attrInts(node, "dilations") ?? Array(n).fill(1);
  const outPad = attrInts(node, "output_padding") ?? Array(n).fill(0);
  const channels = wt[1] * group;
  const given = attrInts(node, "output_shape");
  if (given) return [{shape: [x[0], channels, ...given.slice(-n)]}];
  const autoPad = attrString(node, "auto_pad", "NOTSET");
  const pads = autoPad === "NOTSET" ? attrInts(node, "pads") ?? Array(2 * n).fill(0) : null;
  const spatial = x.slice(2).map((d, i) =>
    pads ? strides[i] * (d - 1) + outPad[i] + ((kernel[i] - 1) * dilations[i] + 1) - pads[i] - pads[i + n] : autoPad === "VALID" ? strides[i] * (d - 1) + outPad[i] + ((kernel[i] - 1) * dilations[i] + 1) : d * strides[i]
  );
  return [{shape: [x[0], channels, ...spatial]}];
};

const pool: Rule = ({node, inputs}) => {
  const x = need(inputs[0], "X");
  const kernel = attrInts(node, "kernel_shape");
  if (!kernel) throw new ShapeError("pool without kernel_shape");
  const w = windowOf(node, x.slice(2), kernel);
  const shape = [x[0], x[1], ...windowOutput(x.slice(2), w, attrInt(node, "ceil_mode", 0) === 1)];
  return [{shape}, {shape, elemType: 7}];
};

const globalPool: Rule = ({inputs}) => {
  const x = need(inputs[0], "X");
  return [{shape: [x[0], x[1], ...x.slice(2).map(() => 1)]}];
};

// ---- matrix products ----

const gemm: Rule = ({node, inputs}) => {
  const a = need(inputs[0], "A");
  const b = need(inputs[1], "B");
  if (a.length !== 2 || b.length !== 2) throw new ShapeError(`Gemm needs 2-D inputs, got [${a}] and [${b}]`);
  const [m, k] = attrInt(node, "transA", 0) ? [a[1], a[0]] : a;
  const [k2, n] = attrInt(node, "transB", 0) ? [b[1], b[0]] : b;
  if (k !== k2) throw new ShapeError(`Gemm inner dims ${k} and ${k2} differ`);
  return [{shape: [m, n]}];
};

export function matmulShape(a: number[], b: number[]): number[] {
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  if (a2[a2.length - 1] !== b2[b2.length - 2]) throw new ShapeError(`MatMul inner dims ${a2[a2.length - 1]} and ${b2[b2.length - 2]} differ`);
  const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)]);
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
}

const matmul: Rule = ({inputs}) => [{shape: matmulShape(need(inputs[0], "A"), need(inputs[1], "B"))}];

// ---- element-wise ----

const sameAsFirst: Rule = ({inputs}) => {
  const x = inputs[0];
  if (!x?.shape) throw new ShapeError("shape of input unknown");
  return [{shape: x.shape, values: undefined}, {shape: x.shape}];
};

const ARITH: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => (Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b),
  Max: Math.max,
  Min: Math.min
};

const elementwise: Rule = ({node, inputs}) => {
  const present = inputs.filter((v): v is Value => v !== undefined);
  const shape = broadcast(present.map((v, i) => need(v, `input ${i}`)));
  const f = ARITH[node.op_type];
  let values: number[] | undefined;
  // Evaluate small integer arithmetic (shape computations); broadcasting limited to equal sizes or scalars.
  if (f && present.length === 2 && present.every((v) => v.values) && elementCount(shape) <= 64) {
    const [a, b] = present.map((v) => v.values!);
    const n = elementCount(shape);
    if ((a.length === n || a.length === 1) && (b.length === n || b.length === 1)) {
      values = Array.from({length: n}, (_, i) => f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]));
    }
  }
  return [{shape, values}];
};

const where: Rule = ({inputs}) => [{shape: broadcast(inputs.map((v, i) => need(v, `input ${i}`)))}];

// ---- layout ----

const flatten: Rule = ({node, inputs}) => {
  const x = need(inputs[0], "input");
  const axis = attrInt(node, "axis", 1);
  const a = axis < 0 ? axis + x.length : axis;
  return [{shape: [elementCount(x.slice(0, a)), elementCount(x.slice(a))], values: inputs[0]?.values}];
};

export function reshapeTo(x: number[], target: number[], allowZero = false): number[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? x[i] : d));
  const known = out.filter((d) => d !== -1);
  const minus = out.length - known.length;
  if (minus > 1) throw new ShapeError(`Reshape target [${target}] has more than one -1`);
  const total = elementCount(x);
  if (minus === 1) {
    const rest = elementCount(known);
    if (rest === 0 || total % rest !== 0) throw new ShapeError(`cannot reshape [${x}] to [${target}]`);
    out[out.indexOf(-1)] = total / rest;
  } else if (elementCount(out) !== total) throw new ShapeError(`cannot reshape [${x}] to [${target}]`);
  return out;
}

const reshape: Rule = ({node, inputs, opset}) => {
  const x = need(inputs[0], "data");
  const target = opset >= 5 ? needValues(inputs[1], "Reshape's shape input") : attrInts(node, "shape");
  if (!target) throw new ShapeError("Reshape without shape");
  return [{shape: reshapeTo(x, target, attrInt(node, "allowzero", 0) === 1), values: inputs[0]?.values}];
};

const transpose: Rule = ({node, inputs}) => {
  const x = need(inputs[0], "data");
  const perm = attrInts(node, "perm") ?? x.map((_, i) => x.length - 1 - i);
  return [{shape: perm.map((p) => x[p])}];
};

const concat: Rule = ({node, inputs}) => {
  const present = inputs.filter((v): v is Value => v !== undefined);
  const shapes = present.map((v, i) => need(v, `input ${i}`));
  const axis = normAxis(attrInt(node, "axis", 0), shapes[0].length);
  const shape = [...shapes[0]];
  shape[axis] = shapes.reduce((s, sh) => s + sh[axis], 0);
  for (const sh of shapes) {
    if (sh.length !== shape.length || sh.some((d, i) => i !== axis && d !== shape[i])) throw new ShapeError(`Concat of [${shapes.map((s) => s.join(",")).join("] [")}] on axis ${axis}`);
  }
  const values = shape.length === 1 && present.every((v) => v.values) ? present.flatMap((v) => v.values!) : undefined;
  return [{shape, values}];
};

const pad: Rule = ({node, inputs, opset}) => {
  const x = need(inputs[0], "data");
  const pads = opset >= 11 ? needValues(inputs[1], "Pad's pads input") : attrInts(node, "pads") ?? attrInts(node, "paddings");
  if (!pads) throw new ShapeError("Pad without pads");
  const axes = opset >= 18 && inputs[3]?.values ? inputs[3].values.map((a) => normAxis(a, x.length)) : x.map((_, i) => i);
  const out = [...x];
  axes.forEach((a, i) => (out[a] += pads[i] + pads[i + axes.length]));
  return [{shape: out}];
};

function axesOf(x: InferInput, rank: number, inputIndex: number, attrOpsetLimit: number): number[] | undefined {
  const fromInput = x.opset >= attrOpsetLimit;
  const raw = fromInput ? (x.inputs[inputIndex] ? needValues(x.inputs[inputIndex], `${x.node.op_type}'s axes input`) : undefined) : attrInts(x.node, "axes");
  return raw?.map((a) => normAxis(a, rank));
}

const squeeze: Rule = (x) => {
  const s = need(x.inputs[0], "data");
  const axes = axesOf(x, s.length, 1, 13) ?? s.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  return [{shape: s.filter((_, i) => !axes.includes(i)), values: x.inputs[0]?.values}];
};

const unsqueeze: Rule = (x) => {
  const s = need(x.inputs[0], "data");
  const raw = x.opset >= 13 ? needValues(x.inputs[1], "Unsqueeze's axes input") : attrInts(x.node, "axes") ?? [];
  const rank = s.length + raw.length;
  const axes = raw.map((a) => normAxis(a, rank)).sort((a, b) => a - b);
  const out = [...s];
  for (const a of axes) out.splice(a, 0, 1);
  return [{shape: out, values: x.inputs[0]?.values}];
};

const REDUCE_AXES_INPUT_OPSET: Record<string, number> = {ReduceSum: 13};

const reduce: Rule = (x) => {
  const s = need(x.inputs[0], "data");
  const keep = attrInt(x.node, "keepdims", 1) === 1;
  let axes = axesOf(x, s.length, 1, REDUCE_AXES_INPUT_OPSET[x.node.op_type] ?? 18);
  if (!axes || axes.length === 0) axes = attrInt(x.node, "noop_with_empty_axes", 0) && axes ? [] : s.map((_, i) => i);
  const shape = keep ? s.map((d, i) => (axes!.includes(i) ? 1 : d)) : s.filter((_, i) => !axes!.includes(i));
  return [{shape}];
};

const argReduce: Rule = ({node, inputs}) => {
  const s = need(inputs[0], "data");
  const axis = normAxis(attrInt(node, "axis", 0), s.length);
  const keep = attrInt(node, "keepdims", 1) === 1;
  return [{shape: keep ? s.map((d, i) => (i === axis ? 1 : d)) : s.filter((_, i) => i !== axis), elemType: 7}];
};

const resize: Rule = ({node, inputs, opset}) => {
  const x = need(inputs[0], "X");
  let sizes: number[] | undefined;
  let scales: number[] | undefined;
  if (node.op_type === "Upsample") scales = opset >= 9 ? needValues(inputs[1], "scales") : attrFloats(node, "scales");
  else if (opset < 11) scales = needValues(inputs[1], "scales");
  else {
    if (inputs[3]?.values?.length) sizes = inputs[3].values;
    else if (inputs[2]?.values?.length) scales = inputs[2].values;
    else throw new ShapeError("Resize scales/sizes computed at run time");
  }
  if (sizes) {
    const axes = attrInts(node, "axes");
    if (axes) {
      const out = [...x];
      axes.forEach((a, i) => (out[normAxis(a, x.length)] = sizes![i]));
      return [{shape: out}];
    }
    return [{shape: sizes}];
  }
  return [{shape: x.map((d, i) => Math.floor(d * (scales![i] ?? 1)))}];
};

// ---- shape arithmetic ----

const shapeOp: Rule = ({node, inputs}) => {
  const s = need(inputs[0], "data");
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + s.length : v, 0), s.length);
  const start = clamp(attrInt(node, "start", 0));
  const end = clamp(attrInt(node, "end", s.length));
  const values = s.slice(start, end);
  return [{shape: [values.length], values, elemType: 7}];
};

const size: Rule = ({inputs}) => [{shape: [], values: [elementCount(need(inputs[0], "data"))], elemType: 7}];

const gather: Rule = ({node, inputs}) => {
  const data = need(inputs[0], "data");
  const idx = need(inputs[1], "indices");
  const axis = normAxis(attrInt(node, "axis", 0), data.length);
  const shape = [...data.slice(0, axis), ...idx, ...data.slice(axis + 1)];
  let values: number[] | undefined;
  if (data.length === 1 && inputs[0]?.values && inputs[1]?.values) {
    const dv = inputs[0].values;
    values = inputs[1].values.map((i) => dv[i < 0 ? i + dv.length : i]);
  }
  return [{shape, values, elemType: inputs[0]?.elemType}];
};

const slice: Rule = ({node, inputs, opset}) => {
  const s = need(inputs[0], "data");
  let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
  if (opset >= 10) {
    starts = needValues(inputs[1], "Slice starts");
    ends = needValues(inputs[2], "Slice ends");
    axes = inputs[3] ? needValues(inputs[3], "Slice axes") : undefined;
    steps = inputs[4] ? needValues(inputs[4], "Slice steps") : undefined;
  } else {
    starts = attrInts(node, "starts") ?? [];
    ends = attrInts(node, "ends") ?? [];
    axes = attrInts(node, "axes");
  }
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(a, s.length));
  const out = [...s];
  const ranges: [number, number, number][] = s.map((d) => [0, d, 1]);
  ax.forEach((a, i) => {
    const d = s[a];
    const step = steps?.[i] ?? 1;
    const clampIdx = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const st = step > 0 ? clampIdx(starts[i], 0, d) : clampIdx(starts[i], -1, d - 1);
    const en = step > 0 ? clampIdx(ends[i], 0, d) : clampIdx(ends[i], -1, d - 1);
    out[a] = Math.max(0, Math.ceil((en - st) / step));
    ranges[a] = [st, en, step];
  });
  let values: number[] | undefined;
  if (s.length === 1 && inputs[0]?.values) {
    const [st, , step] = ranges[0];
    values = Array.from({length: out[0]}, (_, i) => inputs[0]!.values![st + i * step]);
  }
  return [{shape: out, values, elemType: inputs[0]?.elemType}];
};

const cast: Rule = ({node, inputs}) => [{shape: need(inputs[0], "input"), values: inputs[0]?.values, elemType: attrInt(node, "to", 0)}];

const identity: Rule = ({inputs}) => [{...(inputs[0] ?? {})}];

const constantOfShape: Rule = ({node, inputs}) => {
  const shape = needValues(inputs[0], "ConstantOfShape's shape input");
  const t = node.attributes.value;
  const fill = t && typeof t === "object" && !Array.isArray(t) ? tensorValues(t as TensorProto)?.[0] ?? 0 : 0;
  return [{shape, values: elementCount(shape) <= 64 ? Array(elementCount(shape)).fill(fill) : undefined}];
};

const expand: Rule = ({inputs}) => {
  const s = need(inputs[0], "input");
  const target = needValues(inputs[1], "Expand's shape input");
  return [{shape: broadcast([s, target])}];
};

const tile: Rule = ({inputs}) => {
  const s = need(inputs[0], "input");
  const reps = needValues(inputs[1], "Tile's repeats input");
  return [{shape: s.map((d, i) => d * reps[i])}];
};

const split: Rule = ({node, inputs, opset}) => {
  const s = need(inputs[0], "input");
  const axis = normAxis(attrInt(node, "axis", 0), s.length);
  const n = node.outputs.length;
  let parts = opset >= 13 ? inputs[1]?.values : attrInts(node, "split");
  if (!parts) {
    const each = Math.ceil(s[axis] / n);
    parts = Array.from({length: n}, (_, i) => Math.min(each, s[axis] - each * i));
  }
  return parts.map((p) => ({shape: s.map((d, i) => (i === axis ? p : d))}));
};

const batchNorm: Rule = ({inputs}) => {
  const x = need(inputs[0], "X");
  const c = x[1];
  return [{shape: x}, {shape: [c]}, {shape: [c]}, {shape: [c]}, {shape: [c]}];
};

const SAME_SHAPE = [
  "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Gelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus",
  "Softsign", "ThresholdedRelu", "Mish", "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Floor", "Ceil", "Round", "Sign",
  "Not", "IsNaN", "IsInf", "Sin", "Cos", "Softmax", "LogSoftmax", "Hardmax", "Dropout", "LRN", "InstanceNormalization",
  "LayerNormalization", "MeanVarianceNormalization", "LpNormalization", "QuantizeLinear", "DequantizeLinear"
];

const BROADCASTING = ["Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Sum", "Mean", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "BitShift"];

export const SHAPE_RULES: Record<string, Rule> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  Gemm: gemm,
  MatMul: matmul,
  BatchNormalization: batchNorm,
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Concat: concat,
  Pad: pad,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  ReduceMean: reduce,
  ReduceSum: reduce,
  ReduceMax: reduce,
  ReduceMin: reduce,
  ReduceProd: reduce,
  ReduceL1: reduce,
  ReduceL2: reduce,
  ReduceLogSumExp: reduce,
  ReduceSumSquare: reduce,
  ArgMax: argReduce,
  ArgMin: argReduce,
  Resize: resize,
  Upsample: resize,
  Shape: shapeOp,
  Size: size,
  Gather: gather,
  Slice: slice,
  Cast: cast,
  Identity: identity,
  ConstantOfShape: constantOfShape,
  Expand: expand,
  Tile: tile,
  Split: split,
  Where: where,
  ...Object.fromEntries(SAME_SHAPE.map((op) => [op, sameAsFirst])),
  ...Object.fromEntries(BROADCASTING.map((op) => [op, elementwise]))
};

/** ONNX Runtime's contrib ops that keep the semantics (and shape rule) of a standard op. */
export const DOMAIN_ALIASES: Record<string, string> = {
  "com.microsoft:FusedConv": "Conv",
  "com.microsoft:FusedGemm": "Gemm",
  "com.microsoft:FusedMatMul": "MatMul"
};

/** Output values of one node, or a ShapeError saying why they cannot be inferred. */
export function inferNode(x: InferInput): (Value | undefined)[] {
  const key = x.node.domain ? `${x.node.domain}:${x.node.op_type}` : x.node.op_type;
  const rule = SHAPE_RULES[x.node.domain ? DOMAIN_ALIASES[key] ?? "" : key];
  if (!rule) throw new ShapeError(`no shape rule for ${key}`);
  return rule(x);
}
