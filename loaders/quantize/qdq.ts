// The QDQ rewrite: a float ONNX graph plus calibrated ranges in, the same graph with
// QuantizeLinear/DequantizeLinear pairs out, following ONNX Runtime's QDQ quantizer conventions:
//  - weights of Conv, Gemm and MatMul: int8, symmetric, per output channel (DequantizeLinear axis);
//  - their bias: int32 at input_scale x weight_scale, zero point 0;
//  - activations: per tensor, uint8 asymmetric or int8 symmetric; every float input and the output of a
//    quantized node gets a Q->DQ pair. The DQ output keeps the tensor's name (the producer writes
//    <name>_QuantizeLinear_Input), so float and quantized models can be compared tensor by tensor;
//  - shape-only ops (MaxPool, Reshape, Flatten, Transpose, Squeeze, Unsqueeze) reuse their input's
//    scale for their output, as ORT's Direct8Bit ops do;
//  - with uint8 (asymmetric) activations a Relu or Clip(0, max) after a quantized node is removed: the
//    Q of its output range clamps the same values (ORT's QDQRemovableActivation);
//  - any other op stays in float, reading dequantized inputs, and is listed in the report.
// ONNX Runtime then fuses DQ -> op -> Q into integer kernels (QLinearConv, QGemm, QLinearAdd, ...).

import {UserError} from "../common/errors.ts";
import {AttributeType, DataType, defaultOpset, num, tensorDims, tensorValues, type ModelProto, type NodeProto, type TensorProto} from "../models/onnx.ts";
import type {Range} from "./calibrate.ts";
import {activationParams, pixelParams, quantizeBias, quantizeWeights, type QParams} from "./params.ts";
import {floatValues, makeTensor} from "./tensors.ts";

/** Weighted ops: weight and bias input slots. */
const WEIGHTED: Record<string, {weight: number; bias?: number}> = {Conv: {weight: 1, bias: 2}, Gemm: {weight: 1, bias: 2}, MatMul: {weight: 1}};
/** Ops whose float inputs and output are quantized with their own ranges. */
const ACTIVATION_OPS = new Set(["Add", "Mul", "Concat", "GlobalAveragePool", "AveragePool", "Sigmoid", "LeakyRelu", "Relu", "Clip"]);
/** Ops that only move or select values: the output reuses the input's scale and zero point. */
const SAME_SCALE_OPS = new Set(["MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze"]);
/** Inputs that hold data (the rest are shapes, axes or bounds); absent means every input. */
const DATA_INPUTS: Record<string, number[]> = {Reshape: [0], Squeeze: [0], Unsqueeze: [0], Clip: [0], Conv: [0], Gemm: [0], MatMul: [0, 1]};

export const SUPPORTED_OPS = [...Object.keys(WEIGHTED), ...ACTIVATION_OPS, ...SAME_SCALE_OPS].sort();

export interface QuantizeGraphOptions {
  /** int8 symmetric activations (true) or uint8 asymmetric (false). */
  symmetric: boolean;
  /** Replace the float input by uint8 pixels 0..255 standing for this range (a DequantizeLinear in front). */
  uint8Input?: Range;
}

export interface QuantTensor {
  tensor: string;
  /** The node that produces it in the float graph (for the graph input: the input's name). */
  node: string;
  op_type: string;
  range: Range;
  params: QParams;
}

export interface QdqReport {
  opset_from: number;
  opset_to: number;
  /** Quantized nodes per op type. */
  quantized: Record<string, number>;
  /** Relu/Clip nodes removed (folded into the quantization of their producer's output). */
  removed: Record<string, number>;
  /** Nodes left in float, with why. */
  float_nodes: {name: string; op_type: string; reason: string}[];
  /** Float nodes per op type. */
  float_ops: Record<string, number>;
  /** QuantizeLinear -> DequantizeLinear pairs on activations. */
  qdq_pairs: number;
  /** DequantizeLinear nodes on int8 weights and int32 biases. */
  weight_dq: number;
  bias_dq: number;
  uint8_input: boolean;
  tensors: QuantTensor[];
}

type Attrs = Record<string, number | number[]>;

function attr(node: NodeProto, name: string): number | number[] | undefined {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  if (!a) return undefined;
  if (a.type === AttributeType.INTS || a.ints?.length) return (a.ints ?? []).map(num);
  if (a.type === AttributeType.FLOAT) return a.f ?? 0;
  return num(a.i);
}

function makeNode(opType: string, inputs: string[], outputs: string[], name: string, attrs: Attrs = {}): NodeProto {
  return {
    opType,
    name,
    input: inputs,
    output: outputs,
    attribute: Object.entries(attrs).map(([k, v]) => (Array.isArray(v) ? {name: k, type: AttributeType.INTS, ints: v} : {name: k, type: AttributeType.INT, i: v}))
  };
}

/** Element type of every tensor: declared, or propagated from the inputs (shape ops give int64). */
export function elementTypes(model: ModelProto): Map<string, number> {
  const graph = model.graph ?? {};
  const types = new Map<string, number>();
  for (const t of graph.initializer ?? []) types.set(t.name ?? "", t.dataType ?? 0);
  for (const v of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const e = v.type?.tensorType?.elemType;
    if (e) types.set(v.name ?? "", e);
  }
  for (const n of graph.node ?? []) {
    const op = n.opType ?? "";
    for (const out of n.output ?? []) {
      if (!out || types.has(out)) continue;
      let t: number | undefined;
      if (["Shape", "Size", "NonZero", "ArgMax", "ArgMin"].includes(op)) t = DataType.INT64;
      else if (op === "Cast") t = attr(n, "to") as number;
      else if (op === "Constant") t = (n.attribute ?? []).find((a) => a.name === "value")?.t?.dataType ?? DataType.FLOAT;
      else if (op === "DequantizeLinear") t = DataType.FLOAT;
      else t = types.get(n.input?.[0] ?? "");
      if (t) types.set(out, t);
    }
  }
  return types;
}

/** Float tensors a calibration can observe: the graph's float inputs and every float node output. */
export function activationTensors(model: ModelProto): string[] {
  const graph = model.graph ?? {};
  const types = elementTypes(model);
  const init = new Set((graph.initializer ?? []).map((t) => t.name));
  const names = [...(graph.input ?? []).map((v) => v.name ?? ""), ...(graph.node ?? []).flatMap((n) => n.output ?? [])];
  return [...new Set(names)].filter((n) => n && !init.has(n) && types.get(n) === DataType.FLOAT);
}

/** The lowest ai.onnx opset the rewrite writes: per-channel DequantizeLinear (its axis attribute) needs 13. */
export const MIN_OPSET = 13;

/**
 * The model's ai.onnx opset, if the rewrite can keep it. Below 13 it cannot: raising the opset number
 * without converting the ops would change what some of them mean (Softmax's axis semantics, Squeeze's
 * axes attribute becoming an input...), and per-tensor weights would cost accuracy. ORT's quantizer
 * refuses per-channel QDQ below 13 too; converting with onnx's version converter is the way.
 */
export function checkOpset(model: ModelProto, file = "the model"): number {
  const opset = defaultOpset(model);
  if (opset < MIN_OPSET) {
    throw new UserError(`${file}: its ai.onnx opset is ${opset}; INT8 QDQ quantization with per-channel weights needs opset ${MIN_OPSET} or later`, {
      hint: `Convert it first: python -c "import onnx; from onnx import version_converter as v; onnx.save(v.convert_version(onnx.load('IN.onnx'), ${MIN_OPSET}), 'OUT.onnx')"`
    });
  }
  return opset;
}

export function quantizeGraph(model: ModelProto, ranges: ReadonlyMap<string, Range>, o: QuantizeGraphOptions): {model: ModelProto; report: QdqReport} {
  const graph = model.graph ?? {};
  const nodes = [...(graph.node ?? [])];
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", t]));
  const types = elementTypes(model);
  const graphInputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ""));
  const graphOutputs = new Set((graph.output ?? []).map((v) => v.name ?? ""));
  const consumers = new Map<string, number[]>();
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    (n.input ?? []).forEach((x) => x && consumers.set(x, [...(consumers.get(x) ?? []), i]));
    (n.output ?? []).forEach((x) => x && producer.set(x, i));
  });
  const isActivation = (t: string) => !!t && !initializers.has(t) && types.get(t) === DataType.FLOAT;
  const dataInputs = (n: NodeProto) => (n.input ?? []).map((x, slot) => ({x, slot})).filter(({x, slot}) => x && (DATA_INPUTS[n.opType ?? ""]?.includes(slot) ?? true));

  // 1. Which nodes are quantized, and why the others are not.
  const quantized = new Set<number>();
  const floatNodes: QdqReport["float_nodes"] = [];
  nodes.forEach((n, i) => {
    const op = n.opType ?? "";
    const name = n.name || `${op}_${i}`;
    const why = (reason: string) => floatNodes.push({name, op_type: n.domain ? `${n.domain}:${op}` : op, reason});
    if (n.domain && n.domain !== "ai.onnx") return why(`custom domain ${n.domain}`);
    if (!WEIGHTED[op] && !ACTIVATION_OPS.has(op) && !SAME_SCALE_OPS.has(op)) return why("op not handled by the quantizer: left in float");
    // A float constant would stay float next to quantized activations: ORT could not fuse the node
    // into QLinearAdd/QLinearMul, so counting it as quantized would overstate what runs in INT8.
    if ((op === "Add" || op === "Mul") && (n.input ?? []).some((x) => initializers.has(x) && types.get(x) === DataType.FLOAT)) return why("a constant float input (not quantized): left in float");
    const w = WEIGHTED[op];
    if (w && !(op === "MatMul" && isActivation(n.input?.[1] ?? ""))) {
      const weight = initializers.get(n.input?.[w.weight] ?? "");
      if (!weight || !floatValues(weight)) return why("weight is not a float32 initializer");
      if (op === "Gemm" && (attr(n, "transA") ?? 0) !== 0) return why("Gemm with transA is not quantized");
      if (op === "MatMul" && tensorDims(weight).length !== 2) return why("MatMul weight is not 2-D");
    }
    const ins = dataInputs(n).filter(({x}) => isActivation(x));
    if (ins.length === 0 && !w) return why("no float input to quantize");
    const missing = [...ins.map(({x}) => x), n.output?.[0] ?? ""].find((x) => isActivation(x) && !ranges.has(x) && !(o.uint8Input && graphInputs.some((g) => g.name === x)));
    if (missing !== undefined && !SAME_SCALE_OPS.has(op)) return why(`no calibrated range for tensor ${missing}`);
    if (SAME_SCALE_OPS.has(op) && missing !== undefined && missing !== n.output?.[0]) return why(`no calibrated range for tensor ${missing}`);
    if (!isActivation(n.output?.[0] ?? "")) return why("its output is not float");
    quantized.add(i);
  });

  // 2. Relu / Clip(0, max) folded into the quantization of their producer's output (uint8 only).
  const removed = new Set<number>();
  const rename = new Map<number, string>(); // producer index -> its new output name
  if (!o.symmetric) {
    nodes.forEach((n, i) => {
      const op = n.opType ?? "";
      if (!quantized.has(i) || (op !== "Relu" && op !== "Clip")) return;
      if (op === "Clip") {
        const min = initializers.get(n.input?.[1] ?? "");
        const lo = min ? tensorValues(min) : undefined;
        if (!lo || lo[0] !== 0) return;
      }
      const x = n.input?.[0] ?? "";
      const p = producer.get(x);
      if (p === undefined || !quantized.has(p) || removed.has(p) || SAME_SCALE_OPS.has(nodes[p].opType ?? "") || rename.has(p)) return;
      if ((consumers.get(x) ?? []).length !== 1 || graphOutputs.has(x) || nodes[p].output?.[0] !== x) return;
      removed.add(i);
      rename.set(p, n.output?.[0] ?? "");
    });
  }
  const outputOf = (i: number) => rename.get(i) ?? nodes[i].output?.[0] ?? "";

  // 3. Parameters of every quantized activation tensor, in graph order.
  const params = new Map<string, QParams>();
  const tensors: QuantTensor[] = [];
  const describe = (t: string): {node: string; op_type: string} => {
    // A removed Relu's output is now written by the node before it: "Conv+Relu".
    const folded = [...rename].find(([, name]) => name === t)?.[0];
    if (folded !== undefined) return {node: nodes[folded].name ?? "", op_type: `${nodes[folded].opType}+${nodes[producer.get(t)!].opType}`};
    const p = producer.get(t);
    return p === undefined ? {node: t, op_type: "input"} : {node: nodes[p].name ?? "", op_type: nodes[p].opType ?? ""};
  };
  const pixel = o.uint8Input ? pixelParams(o.uint8Input) : undefined;
  const paramsFor = (t: string): QParams => {
    let p = params.get(t);
    if (!p) {
      const isInput = graphInputs.some((g) => g.name === t);
      const range = isInput && o.uint8Input ? o.uint8Input : ranges.get(t);
      if (!range) throw new Error(`no range for ${t}`);
      p = isInput && pixel ? pixel : activationParams(range, o.symmetric);
      params.set(t, p);
      tensors.push({tensor: t, ...describe(t), range, params: p});
    }
    return p;
  };
  nodes.forEach((n, i) => {
    if (!quantized.has(i) || removed.has(i)) return;
    const op = n.opType ?? "";
    for (const {x} of dataInputs(n)) if (isActivation(x)) paramsFor(x);
    const out = outputOf(i);
    if (SAME_SCALE_OPS.has(op)) {
      const p = paramsFor(n.input?.[0] ?? "");
      params.set(out, p);
      tensors.push({tensor: out, ...describe(out), range: [(0 - p.zeroPoint) * p.scale, ((p.type === "uint8" ? 255 : 127) - p.zeroPoint) * p.scale], params: p});
    } else paramsFor(out);
  });
  // Graph inputs are always made uint8 with --uint8-input, whoever reads them.
  if (pixel) for (const g of graphInputs) if (types.get(g.name ?? "") === DataType.FLOAT) paramsFor(g.name ?? "");

  // 4. Emit the new graph.
  const newInits: TensorProto[] = [];
  const scaleOf = (t: string) => `${t}_scale`;
  const zpOf = (t: string) => `${t}_zero_point`;
  for (const [t, p] of params) {
    newInits.push(makeTensor(scaleOf(t), [], Float32Array.of(p.scale)));
    newInits.push(makeTensor(zpOf(t), [], p.type === "uint8" ? Uint8Array.of(p.zeroPoint) : Int8Array.of(p.zeroPoint)));
  }
  const out: NodeProto[] = [];
  const inputSubst = new Map<string, string>(); // graph input -> its dequantized name
  let qdqPairs = 0;
  let weightDq = 0;
  let biasDq = 0;
  const newInputs = (graph.input ?? []).map((v) => {
    const t = v.name ?? "";
    if (!params.has(t) || initializers.has(t)) return v;
    const dq = `${t}_DequantizeLinear_Output`;
    inputSubst.set(t, dq);
    if (pixel) {
      out.push(makeNode("DequantizeLinear", [t, scaleOf(t), zpOf(t)], [dq], `${t}_DequantizeLinear`));
      return {...v, type: {tensorType: {...v.type?.tensorType, elemType: DataType.UINT8}}};
    }
    const q = `${t}_QuantizeLinear_Output`;
    out.push(makeNode("QuantizeLinear", [t, scaleOf(t), zpOf(t)], [q], `${t}_QuantizeLinear`));
    out.push(makeNode("DequantizeLinear", [q, scaleOf(t), zpOf(t)], [dq], `${t}_DequantizeLinear`));
    qdqPairs++;
    return v;
  });

  const weightCache = new Map<string, {dq: string; scales: Float32Array}>();
  const quantCounts: Record<string, number> = {};
  const removedCounts: Record<string, number> = {};
  nodes.forEach((n, i) => {
    const op = n.opType ?? "";
    if (removed.has(i)) {
      removedCounts[op] = (removedCounts[op] ?? 0) + 1;
      return;
    }
    const node: NodeProto = {...n, input: (n.input ?? []).map((x) => inputSubst.get(x) ?? x), output: [...(n.output ?? [])]};
    const outName = outputOf(i);
    if (quantized.has(i)) {
      quantCounts[op] = (quantCounts[op] ?? 0) + 1;
      const w = WEIGHTED[op];
      const wName = n.input?.[w?.weight ?? -1] ?? "";
      if (w && initializers.has(wName)) {
        const weight = initializers.get(wName)!;
        const dims = tensorDims(weight);
        const axis = op === "Conv" ? 0 : op === "Gemm" ? ((attr(n, "transB") ?? 0) ? 0 : 1) : dims.length - 1;
        const key = `${wName}@${axis}`;
        let cached = weightCache.get(key);
        if (!cached) {
          const {q, scales} = quantizeWeights(floatValues(weight)!, dims, axis);
          const base = weightCache.size && [...weightCache.keys()].some((k) => k.startsWith(`${wName}@`)) ? `${wName}_axis${axis}` : wName;
          newInits.push(makeTensor(`${base}_quantized`, dims, q), makeTensor(`${base}_scale`, [dims[axis]], scales), makeTensor(`${base}_zero_point`, [dims[axis]], new Int8Array(dims[axis])));
          const dq = `${base}_DequantizeLinear_Output`;
          out.push(makeNode("DequantizeLinear", [`${base}_quantized`, `${base}_scale`, `${base}_zero_point`], [dq], `${base}_DequantizeLinear`, {axis}));
          weightDq++;
          cached = {dq, scales};
          weightCache.set(key, cached);
        }
        node.input![w.weight] = cached.dq;
        const bName = w.bias !== undefined ? n.input?.[w.bias] ?? "" : "";
        const bias = bName ? initializers.get(bName) : undefined;
        const bValues = bias ? floatValues(bias) : undefined;
        const beta = op === "Gemm" ? (attr(n, "beta") as number | undefined) ?? 1 : 1;
        const inScale = params.get(n.input?.[0] ?? "")?.scale;
        if (bias && bValues && tensorDims(bias).length === 1 && bValues.length === cached.scales.length && beta === 1 && inScale !== undefined) {
          const {q, scales} = quantizeBias(bValues, inScale, cached.scales);
          const base = `${bName}_${n.name || i}`;
          newInits.push(makeTensor(`${base}_quantized`, [q.length], q), makeTensor(`${base}_scale`, [q.length], scales), makeTensor(`${base}_zero_point`, [q.length], new Int32Array(q.length)));
          const dq = `${base}_DequantizeLinear_Output`;
          out.push(makeNode("DequantizeLinear", [`${base}_quantized`, `${base}_scale`, `${base}_zero_point`], [dq], `${base}_DequantizeLinear`, {axis: 0}));
          node.input![w.bias!] = dq;
          biasDq++;
        }
      }
    }
    // The output: renamed to the removed Relu's output, then through Q -> DQ back to its own name.
    if (params.has(outName)) {
      const qin = `${outName}_QuantizeLinear_Input`;
      const qout = `${outName}_QuantizeLinear_Output`;
      node.output![0] = qin;
      out.push(node);
      out.push(makeNode("QuantizeLinear", [qin, scaleOf(outName), zpOf(outName)], [qout], `${outName}_QuantizeLinear`));
      out.push(makeNode("DequantizeLinear", [qout, scaleOf(outName), zpOf(outName)], [outName], `${outName}_DequantizeLinear`));
      qdqPairs++;
    } else {
      node.output![0] = outName;
      out.push(node);
    }
  });

  // Float weights now only read through DequantizeLinear are dropped.
  const used = new Set(out.flatMap((n) => n.input ?? []));
  const keptInits = (graph.initializer ?? []).filter((t) => used.has(t.name ?? "") || graphOutputs.has(t.name ?? ""));
  const keptNames = new Set(keptInits.map((t) => t.name));
  const inputs = newInputs.filter((v) => !initializers.has(v.name ?? "") || keptNames.has(v.name));

  const from = checkOpset(model);
  const to = from;
  const opsetImport = model.opsetImport ?? [];
  const floatOps: Record<string, number> = {};
  for (const f of floatNodes) floatOps[f.op_type] = (floatOps[f.op_type] ?? 0) + 1;
  return {
    model: {...model, opsetImport, graph: {...graph, node: out, initializer: [...keptInits, ...newInits], input: inputs}},
    report: {opset_from: from, opset_to: to, quantized: quantCounts, removed: removedCounts, float_nodes: floatNodes, float_ops: floatOps, qdq_pairs: qdqPairs, weight_dq: weightDq, bias_dq: biasDq, uint8_input: !!pixel, tensors}
  };
}
