// Parameters, MACs and FLOPs of any ONNX model, from the graph alone: its own shape inference
// (shapes.ts) and per-op costs (costs.ts). Ops whose shape or cost is unknown are listed in
// `uncounted_ops`, with a reason, never silently counted as zero.

import {costRule, isFree} from "./costs.ts";
import {
  DATA_TYPE_NAMES,
  DataType,
  defaultOpset,
  elementCount,
  listNodes,
  readModel,
  tensorDims,
  tensorValues,
  valueInfoElemType,
  valueInfoShape,
  type Dim,
  type ModelProto,
  type NodeView,
  type TensorProto
} from "./onnx.ts";
import {inferNode, ShapeError, type Value} from "./shapes.ts";

export {readModel, listNodes};

export interface OpTypeStats {
  /** Nodes of this type. */
  count: number;
  macs: number;
  flops: number;
  /** Weight elements first consumed by nodes of this type. */
  params: number;
}

export interface TensorSummary {
  name: string;
  /** Declared dims: numbers, the symbolic name (e.g. "N"), or null when unknown. */
  shape: (number | string | null)[];
  type: string;
}

export interface ModelInfo {
  params: number;
  flops: number;
  macs: number;
  by_op_type: Record<string, OpTypeStats>;
  /** Op types present in the graph with at least one node whose cost could not be counted. */
  uncounted_ops: string[];
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  opset: number;
  /** The batch size the FLOPs are for. */
  batch: number;
  nodes: number;
  /** Per uncounted op type: how many nodes were not counted and the first reason. */
  uncounted: Record<string, {nodes: number; reason: string}>;
  /** Inferred shape of every tensor whose shape is known, when asked for with `shapes: true`. */
  tensor_shapes?: Record<string, number[]>;
}

export interface AnalyzeOptions {
  /** Batch size substituted for the first symbolic (or unknown) input dimension; default 1. */
  batch?: number;
  /** File name for error messages. */
  file?: string;
  /** Also return every tensor's inferred shape (for tests and for joining with profiles). */
  shapes?: boolean;
}

/** Input slots that hold shapes, axes, bounds or quantization constants rather than weights. */
const NON_WEIGHT_INPUTS: Record<string, number[]> = {
  Reshape: [1], Clip: [1, 2], Pad: [1, 2, 3], Resize: [1, 2, 3], Upsample: [1], Slice: [1, 2, 3, 4], Squeeze: [1], Unsqueeze: [1],
  Expand: [1], Tile: [1], Split: [1], TopK: [1], ConstantOfShape: [0], Range: [0, 1, 2], OneHot: [1, 2],
  ReduceMean: [1], ReduceSum: [1], ReduceMax: [1], ReduceMin: [1], ReduceProd: [1], ReduceL1: [1], ReduceL2: [1],
  ReduceLogSumExp: [1], ReduceSumSquare: [1],
  QuantizeLinear: [1, 2], DequantizeLinear: [1, 2], QLinearConv: [1, 2, 4, 5, 6, 7], QLinearMatMul: [1, 2, 4, 5, 6, 7],
  ConvInteger: [2, 3], MatMulInteger: [2, 3], DynamicQuantizeLinear: []
};

/** Element types that hold weights (float and quantized integers); int64/int32 are indices and shapes. */
const WEIGHT_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE, DataType.INT8, DataType.UINT8]);

function opKey(node: NodeView): string {
  return node.domain ? `${node.domain}:${node.op_type}` : node.op_type;
}

/** The tensor a Constant node holds, from whichever value_* attribute it uses. */
function constantTensor(node: NodeView): {dims: number[]; values?: number[]; elemType: number} | undefined {
  const a = node.attributes;
  if (a.value && typeof a.value === "object" && !Array.isArray(a.value)) {
    const t = a.value as TensorProto;
    return {dims: tensorDims(t), values: tensorValues(t), elemType: t.dataType ?? 0};
  }
  if (typeof a.value_float === "number") return {dims: [], values: [a.value_float], elemType: DataType.FLOAT};
  if (typeof a.value_int === "number") return {dims: [], values: [a.value_int], elemType: DataType.INT64};
  if (Array.isArray(a.value_floats)) return {dims: [a.value_floats.length], values: a.value_floats as number[], elemType: DataType.FLOAT};
  if (Array.isArray(a.value_ints)) return {dims: [a.value_ints.length], values: a.value_ints as number[], elemType: DataType.INT64};
  return undefined;
}

/** Nodes in an order where producers come before consumers (file order when it already is, as ONNX requires). */
function topoOrder(nodes: NodeView[], known: Set<string>): NodeView[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const done = new Set<number>();
  const order: NodeView[] = [];
  const visit = (i: number, stack: Set<number>) => {
    if (done.has(i) || stack.has(i)) return;
    stack.add(i);
    for (const input of nodes[i].inputs) {
      const p = input && !known.has(input) ? producer.get(input) : undefined;
      if (p !== undefined) visit(p, stack);
    }
    stack.delete(i);
    done.add(i);
    order.push(nodes[i]);
  };
  nodes.forEach((_, i) => visit(i, new Set()));
  return order;
}

export function analyzeModel(bytes: Uint8Array, opts: AnalyzeOptions = {}): ModelInfo {
  return analyzeModelProto(readModel(bytes, opts.file), opts);
}

export function analyzeModelProto(model: ModelProto, opts: AnalyzeOptions = {}): ModelInfo {
  const batch = opts.batch ?? 1;
  const graph = model.graph ?? {};
  const opset = defaultOpset(model) || 1;
  const values = new Map<string, Value>();
  const constants = new Map<string, {dims: number[]; elemType: number}>();

  for (const t of graph.initializer ?? []) {
    const dims = tensorDims(t);
    values.set(t.name ?? "", {shape: dims, values: tensorValues(t, 64), elemType: t.dataType ?? 0});
    constants.set(t.name ?? "", {dims, elemType: t.dataType ?? 0});
  }

  // The batch dimension: the first dim of each graph input when symbolic or unknown; any dim elsewhere
  // (value_info, outputs) with the same symbolic name is the batch too.
  const batchNames = new Set<string>();
  const resolve = (shape: Dim[] | undefined, firstIsBatch: boolean): number[] | undefined => {
    if (!shape) return undefined;
    const out = shape.map((d, i) => (typeof d === "number" ? d : (i === 0 && firstIsBatch) || (typeof d === "string" && batchNames.has(d)) ? batch : NaN));
    return out.some(Number.isNaN) ? undefined : out;
  };
  const realInputs = (graph.input ?? []).filter((v) => !constants.has(v.name ?? ""));
  for (const v of realInputs) {
    const shape = valueInfoShape(v);
    if (shape && typeof shape[0] === "string") batchNames.add(shape[0]);
  }
  for (const v of realInputs) {
    values.set(v.name ?? "", {shape: resolve(valueInfoShape(v), true), elemType: valueInfoElemType(v)});
  }
  const declared = new Map<string, number[] | undefined>();
  for (const v of [...(graph.valueInfo ?? []), ...(graph.output ?? [])]) declared.set(v.name ?? "", resolve(valueInfoShape(v), false));

  const nodes = listNodes(graph);
  const byOp: Record<string, OpTypeStats> = {};
  const uncounted: Record<string, {nodes: number; reason: string}> = {};
  const counted = new Set<string>();
  let params = 0;
  let macs = 0;
  let flops = 0;

  for (const node of topoOrder(nodes, new Set(values.keys()))) {
    const key = opKey(node);
    const stats = (byOp[key] ??= {count: 0, macs: 0, flops: 0, params: 0});
    stats.count++;

    if (node.op_type === "Constant" && !node.domain) {
      const c = constantTensor(node);
      if (c && node.outputs[0]) {
        values.set(node.outputs[0], {shape: c.dims, values: c.values && c.values.length <= 64 ? c.values : undefined, elemType: c.elemType});
        constants.set(node.outputs[0], {dims: c.dims, elemType: c.elemType});
      }
      continue;
    }

    // Parameters: constant weight tensors, each counted once, at its first consumer.
    const skip = NON_WEIGHT_INPUTS[node.op_type] ?? [];
    node.inputs.forEach((name, slot) => {
      const c = name ? constants.get(name) : undefined;
      if (!c || counted.has(name) || skip.includes(slot) || c.dims.length === 0 || !WEIGHT_TYPES.has(c.elemType)) return;
      counted.add(name);
      const n = elementCount(c.dims);
      stats.params += n;
      params += n;
    });

    // An omitted optional input ("") is undefined; a tensor whose shape is unknown is an empty Value.
    const inputs = node.inputs.map((name) => (name ? values.get(name) ?? {} : undefined));
    let outputs: (Value | undefined)[] = [];
    let problem: string | undefined;
    try {
      outputs = inferNode({node, inputs, opset});
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      problem = error.message;
    }
    node.outputs.forEach((name, i) => {
      if (!name) return;
      const inferred = outputs[i];
      const fallback = declared.get(name);
      if (inferred?.shape) values.set(name, inferred);
      else if (fallback) values.set(name, {shape: fallback});
    });

    const rule = costRule(node);
    if (!rule) problem = `no cost rule for ${key}`;
    else if (isFree(node)) problem = undefined; // zero whatever the shapes; consumers of unknown outputs are listed instead
    else if (!problem) {
      try {
        const outs = node.outputs.map((name) => (name ? values.get(name) : undefined));
        const cost = rule(node, inputs, outs);
        stats.macs += cost.macs;
        stats.flops += cost.flops;
        macs += cost.macs;
        flops += cost.flops;
      } catch (error) {
        if (!(error instanceof ShapeError)) throw error;
        problem = error.message;
      }
    }
    if (problem) {
      const u = (uncounted[key] ??= {nodes: 0, reason: `${node.name}: ${problem}`});
      u.nodes++;
    }
  }

  const summary = (v: {name?: string | null; type?: unknown}, shape: Dim[] | undefined, elemType: number): TensorSummary => ({
    name: v.name ?? "",
    shape: (shape ?? []).map((d) => (d === undefined ? null : d)),
    type: DATA_TYPE_NAMES[elemType] ?? "unknown"
  });
  return {
    params,
    flops,
    macs,
    by_op_type: byOp,
    uncounted_ops: Object.keys(uncounted).sort(),
    inputs: realInputs.map((v) => summary(v, valueInfoShape(v), valueInfoElemType(v))),
    outputs: (graph.output ?? []).map((v) => summary(v, valueInfoShape(v), valueInfoElemType(v))),
    opset,
    batch,
    nodes: nodes.length,
    uncounted,
    ...(opts.shapes ? {tensor_shapes: Object.fromEntries([...values].filter(([, v]) => v.shape).map(([k, v]) => [k, v.shape!]))} : {})
  };
}

/** The JSON form `models info --json` prints: exactly these keys. */
export function infoJson(info: ModelInfo): Pick<ModelInfo, "params" | "flops" | "macs" | "by_op_type" | "uncounted_ops"> {
  return {params: info.params, flops: info.flops, macs: info.macs, by_op_type: info.by_op_type, uncounted_ops: info.uncounted_ops};
}

