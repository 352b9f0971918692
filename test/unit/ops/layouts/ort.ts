// ONNX Runtime profiles for the tests: real ones (a tiny Conv/Relu model built here with onnx-proto and
// run in onnxruntime-node with profiling on) and synthetic GPU-provider ones written line by line as
// Profiler::EndProfiling does (microsoft/onnxruntime onnxruntime/core/common/profiler.cc), with CUDA
// kernel events as GPUProfilerBase::MergeEvents / CUPTIManager emit them (cat "Kernel", pid/tid -1,
// args stream/grid/block + op_name/parent_name copied from the launching node event).

import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import {readdir} from "node:fs/promises";
import {join} from "node:path";

const {onnx} = onnxProto;

function tensor(name: string, dims: number[], seed: number) {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = (s / 2147483648 - 0.5) * 0.2;
  }
  return onnx.TensorProto.create({name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer)});
}

function valueInfo(name: string, dims: number[]) {
  return onnx.ValueInfoProto.create({name, type: {tensorType: {elemType: onnx.TensorProto.DataType.FLOAT, shape: {dim: dims.map((d) => ({dimValue: d}))}}}});
}

/** x[1,3,16,16] -> conv1 (8x3x3x3) -> relu1 -> conv2 (8x8x3x3) -> relu2 -> y. */
export function tinyConvReluModel(): Uint8Array {
  const pads = onnx.AttributeProto.create({name: "pads", type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1]});
  const graph = onnx.GraphProto.create({
    name: "tiny",
    node: [
      onnx.NodeProto.create({name: "conv1", opType: "Conv", input: ["x", "w1", "b1"], output: ["c1"], attribute: [pads]}),
      onnx.NodeProto.create({name: "relu1", opType: "Relu", input: ["c1"], output: ["r1"]}),
      onnx.NodeProto.create({name: "conv2", opType: "Conv", input: ["r1", "w2", "b2"], output: ["c2"], attribute: [pads]}),
      onnx.NodeProto.create({name: "relu2", opType: "Relu", input: ["c2"], output: ["y"]})
    ],
    initializer: [tensor("w1", [8, 3, 3, 3], 1), tensor("b1", [8], 2), tensor("w2", [8, 8, 3, 3], 3), tensor("b2", [8], 4)],
    input: [valueInfo("x", [1, 3, 16, 16])],
    output: [valueInfo("y", [1, 8, 16, 16])]
  });
  const model = onnx.ModelProto.create({irVersion: 8, opsetImport: [{domain: "", version: 13}], producerName: "inferscope-test", graph});
  return onnx.ModelProto.encode(model).finish();
}

/** Run the model `runs` times with profiling on and return the profile file ORT wrote (and the optimized graph, if asked). */
export async function realOrtProfile(dir: string, level: "disabled" | "basic" | "extended" | "all", runs: number, optimizedModelFilePath?: string): Promise<string> {
  const prefix = join(dir, `ort_${level}`);
  const session = await ort.InferenceSession.create(tinyConvReluModel(), {
    enableProfiling: true,
    profileFilePrefix: prefix,
    graphOptimizationLevel: level,
    intraOpNumThreads: 1,
    executionMode: "sequential",
    ...(optimizedModelFilePath ? {optimizedModelFilePath} : {})
  });
  const x = new ort.Tensor("float32", new Float32Array(3 * 16 * 16).fill(0.5), [1, 3, 16, 16]);
  for (let i = 0; i < runs; i++) await session.run({x});
  session.endProfiling();
  await session.release();
  const files = (await readdir(dir)).filter((f) => f.startsWith(`ort_${level}_`) && f.endsWith(".json"));
  if (files.length !== 1) throw new Error(`expected one profile for ${level} in ${dir}, found ${files.join(", ") || "none"}`);
  return join(dir, files[0]);
}

export interface OrtEventSpec {
  cat: "Session" | "Node" | "Kernel" | "Api";
  name: string;
  ts: number;
  dur: number;
  pid?: number;
  tid?: number;
  args?: Record<string, string | unknown[]>;
}

/** One event line as Profiler::EndProfiling prints it: no spaces except where ORT puts them, names raw. */
export function eventLine(e: OrtEventSpec): string {
  const pid = e.pid ?? (e.cat === "Kernel" ? -1 : 4242);
  const tid = e.tid ?? (e.cat === "Kernel" ? -1 : 4242);
  const args = Object.entries(e.args ?? {})
    .map(([k, v]) => (typeof v === "string" ? `"${k}" : "${v}"` : `"${k}" : ${JSON.stringify(v)}`))
    .join(",");
  return `{"cat" : "${e.cat}","pid" :${pid},"tid" :${tid},"dur" :${e.dur},"ts" :${e.ts},"ph" : "X","name" :"${e.name}","args" : {${args}}}`;
}

export function profileText(events: OrtEventSpec[], {close = true}: {close?: boolean} = {}): string {
  const lines = events.map((e, i) => `${eventLine(e)}${i === events.length - 1 ? "" : ","}\n`);
  return `[\n${lines.join("")}${close ? "]\n" : ""}`;
}

export function nodeArgs(op: string, provider: string, index: number, inShape: number[][], outShape: number[][], params: number): Record<string, string | unknown[]> {
  const bytes = (shapes: number[][]) => String(shapes.reduce((a, s) => a + s.reduce((x, y) => x * y, 1) * 4, 0));
  return {
    op_name: op,
    provider,
    node_index: String(index),
    activation_size: bytes(inShape.slice(0, 1)),
    parameter_size: String(params),
    output_size: bytes(outShape),
    input_type_shape: inShape.map((s) => ({float: s})),
    output_type_shape: outShape.map((s) => ({float: s})),
    thread_scheduling_stats: ""
  };
}

function kernelArgs(op: string, parent: string): Record<string, string> {
  return {stream: "7", grid_x: "14", grid_y: "14", grid_z: "1", block_x: "128", block_y: "1", block_z: "1", op_name: op, parent_name: parent};
}

/**
 * A MobileNet-like slice on the CUDA EP: Conv nodes each launching two kernels, a Relu launching one,
 * a CPU-fallback Shape node, memcpy nodes; `runs` model_run windows. Events in ts order, kernels merged
 * right after their parent node event, as MergeEvents leaves them.
 */
export function cudaProfile(runs: number): {events: OrtEventSpec[]; expected: Map<string, {kernelUs: number; hostUs: number; provider: string}>} {
  const events: OrtEventSpec[] = [
    {cat: "Session", name: "model_loading_uri", ts: 1, dur: 900},
    {cat: "Session", name: "session_initialization", ts: 950, dur: 40000}
  ];
  const conv = "void cudnn::cnn::conv2d_grouped_direct_kernel<false, true, false, false, 0, 0, int, float, float, float, float, float, float>(cudnn::cnn::GroupedDirectFpropParams, float const*, float const*, float*, float, float*, float const*, float const*, float)";
  const bias = "void op_generic_tensor_kernel<2, float, float, float, 256, (cudnnGenericOp_t)0, (cudnnNanPropagation_t)0, (cudnnDimOrder_t)0, 1>(cudnnTensorStruct, float*, cudnnTensorStruct, float const*, cudnnTensorStruct, float const*, float, float, float, float, dimArray, reducedDivisorArray, bool)";
  const relu = "void onnxruntime::cuda::_UnaryElementWise<float, float, onnxruntime::cuda::OP_Relu<float>, 256, 4>(float const*, float*, onnxruntime::cuda::OP_Relu<float>, int)";
  const plan: {node: string; op: string; provider: string; host: number; kernels: [string, number][]}[] = [
    {node: "MemcpyFromHost", op: "MemcpyFromHost", provider: "CUDAExecutionProvider", host: 30, kernels: [["MEMCPY_HtoD", 25]]},
    {node: "Conv_0", op: "Conv", provider: "CUDAExecutionProvider", host: 20, kernels: [[conv, 300], [bias, 12]]},
    {node: "Relu_1", op: "Relu", provider: "CUDAExecutionProvider", host: 8, kernels: [[relu, 9]]},
    {node: "Conv_2", op: "Conv", provider: "CUDAExecutionProvider", host: 22, kernels: [[conv, 200], [bias, 10]]},
    {node: "Shape_3", op: "Shape", provider: "CPUExecutionProvider", host: 3, kernels: []},
    {node: "MemcpyToHost", op: "MemcpyToHost", provider: "CUDAExecutionProvider", host: 40, kernels: [["MEMCPY_DtoH", 30]]}
  ];
  const expected = new Map(plan.map((p) => [p.node, {kernelUs: p.kernels.reduce((a, [, d]) => a + d, 0), hostUs: p.host, provider: p.provider}]));
  let ts = 50000;
  for (let r = 0; r < runs; r++) {
    const runStart = ts;
    const runEvents: OrtEventSpec[] = [];
    let t = runStart + 5;
    plan.forEach((p, i) => {
      const shape = [[1, 32, 112, 112]];
      runEvents.push({cat: "Node", name: `${p.node}_kernel_time`, ts: t, dur: p.host, args: nodeArgs(p.op, p.provider, i, shape, shape, p.op === "Conv" ? 3584 : 0)});
      let k = t + 2;
      for (const [name, dur] of p.kernels) {
        runEvents.push({cat: "Kernel", name, ts: k, dur, args: kernelArgs(p.op, `${p.node}_kernel_time`)});
        k += dur + 1;
      }
      t = Math.max(t + p.host, k) + 3;
    });
    events.push({cat: "Session", name: "model_run", ts: runStart, dur: t - runStart + 5}, {cat: "Session", name: "SequentialExecutor::Execute", ts: runStart + 2, dur: t - runStart}, ...runEvents);
    ts = t + 500;
  }
  events.sort((a, b) => a.ts - b.ts);
  return {events, expected};
}
