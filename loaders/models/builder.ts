// A small graph builder for the zoo: Keras-style layer calls that append ONNX nodes (opset 13), track
// shapes with the counter's own shape inference, and declare weights lazily (generated at encode time).
// Every model gets a float32 NCHW input "input" with symbolic batch "N" and an output "output".

import type {ModelSpec} from "./encode.ts";
import {AttributeType, DataType, listNodes, type AttributeProto, type NodeProto, type TensorProto} from "./onnx.ts";
import {inferNode} from "./shapes.ts";
import type {WeightInit, WeightSpec} from "./weights.ts";

export const OPSET = 13;
const PRODUCER_VERSION = "0.1.0";

type AttrInput = number | number[] | string;

function attribute(name: string, value: AttrInput): AttributeProto {
  if (typeof value === "string") return {name, type: AttributeType.STRING, s: Buffer.from(value)};
  if (Array.isArray(value)) return {name, type: AttributeType.INTS, ints: value};
  return Number.isInteger(value) ? {name, type: AttributeType.INT, i: value} : {name, type: AttributeType.FLOAT, f: value};
}

/** "same" as TensorFlow pads it: the extra row/column goes at the end. Returns ONNX pads [t, l, b, r]. */
export function samePads(spatial: number[], kernel: number[], stride: number[]): number[] {
  const begin: number[] = [];
  const end: number[] = [];
  spatial.forEach((d, i) => {
    const total = Math.max((Math.ceil(d / stride[i]) - 1) * stride[i] + kernel[i] - d, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  });
  return [...begin, ...end];
}

/** Keras' `correct_pad` (ZeroPadding2D before a stride-2 "valid" conv in MobileNetV2/EfficientNet). */
export function correctPads(spatial: number[], kernel: number[]): number[] {
  const adjust = spatial.map((d) => 1 - (d % 2));
  const half = kernel.map((k) => Math.floor(k / 2));
  return [half[0] - adjust[0], half[1] - adjust[1], half[0], half[1]];
}

export type Padding = "same" | "valid" | number[];

export interface ConvOptions {
  filters: number;
  kernel: number | [number, number];
  stride?: number;
  padding?: Padding;
  bias?: boolean;
  group?: number;
}

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly constants: TensorProto[] = [];
  private readonly weights: WeightSpec[] = [];
  /** Shapes at batch 1, as the counter infers them. */
  private readonly shapes = new Map<string, number[]>();
  private readonly used = new Set<string>();
  readonly input = "input";

  constructor(
    readonly modelName: string,
    /** Input shape without the batch dimension (C, H, W). */
    readonly inputShape: number[]
  ) {
    this.shapes.set(this.input, [1, ...inputShape]);
  }

  shape(t: string): number[] {
    const s = this.shapes.get(t);
    if (!s) throw new Error(`${this.modelName}: unknown tensor ${t}`);
    return s;
  }

  channels(t: string): number {
    return this.shape(t)[1];
  }

  private uniqueName(name: string): string {
    let n = name;
    for (let i = 1; this.used.has(n); i++) n = `${name}_${i}`;
    this.used.add(n);
    return n;
  }

  private weight(name: string, dims: number[], init: WeightInit, fanIn = 1): string {
    this.weights.push({name, dims, init, fanIn});
    this.shapes.set(name, dims);
    return name;
  }

  /** A small constant stored eagerly (scalars for Clip bounds and rescaling, shapes). */
  constant(name: string, dims: number[], values: number[], type: "float" | "int64" = "float"): string {
    if (this.shapes.has(name)) return name;
    const raw = type === "float" ? new Uint8Array(Float32Array.from(values).buffer) : new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
    this.constants.push({name, dims, dataType: type === "float" ? DataType.FLOAT : DataType.INT64, rawData: raw});
    this.shapes.set(name, dims);
    this.used.add(name);
    return name;
  }

  /** Append a node; its output is named after the node. Shapes come from the counter's inference. */
  node(opType: string, inputs: string[], name: string, attrs: Record<string, AttrInput> = {}): string {
    const nodeName = this.uniqueName(name);
    const node: NodeProto = {
      opType,
      name: nodeName,
      input: inputs,
      output: [nodeName],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v))
    };
    const [view] = listNodes({node: [node]});
    const values = inputs.map((i) => (i ? {shape: this.shape(i)} : undefined));
    const [out] = inferNode({node: view, inputs: values, opset: OPSET});
    if (!out?.shape) throw new Error(`${this.modelName}: no shape for ${nodeName}`);
    this.nodes.push(node);
    this.shapes.set(nodeName, out.shape);
    return nodeName;
  }

  conv(x: string, name: string, o: ConvOptions): string {
    const [c, h, w] = this.shape(x).slice(1);
    const kernel = typeof o.kernel === "number" ? [o.kernel, o.kernel] : o.kernel;
    const stride = o.stride ?? 1;
    const group = o.group ?? 1;
    const padding = o.padding ?? "valid";
    const pads = padding === "same" ? samePads([h, w], kernel, [stride, stride]) : padding === "valid" ? [0, 0, 0, 0] : padding;
    const fanIn = (c / group) * kernel[0] * kernel[1];
    const inputs = [x, this.weight(`${name}.weight`, [o.filters, c / group, ...kernel], "he", fanIn)];
    if (o.bias) inputs.push(this.weight(`${name}.bias`, [o.filters], "bias"));
    return this.node("Conv", inputs, name, {kernel_shape: kernel, strides: [stride, stride], pads, ...(group > 1 ? {group} : {})});
  }

  /** Depthwise conv (Keras DepthwiseConv2D, depth multiplier 1): one filter per channel. */
  depthwise(x: string, name: string, o: Omit<ConvOptions, "filters" | "group">): string {
    const c = this.channels(x);
    return this.conv(x, name, {...o, filters: c, group: c});
  }

  /**
   * BatchNormalization. With `scale: false` (Keras' BatchNormalization(scale=False)) there is no gamma:
   * ONNX still needs a scale input, so it gets a constant of ones shared by all layers of that width.
   */
  bn(x: string, name: string, epsilon = 1e-3, {scale = true}: {scale?: boolean} = {}): string {
    const c = this.channels(x);
    const gamma = scale ? this.weight(`${name}.scale`, [c], "bn_scale") : this.constant(`ones_${c}`, [c], Array(c).fill(1));
    const inputs = [x, gamma, this.weight(`${name}.bias`, [c], "bn_bias"), this.weight(`${name}.mean`, [c], "bn_mean"), this.weight(`${name}.var`, [c], "bn_var")];
    return this.node("BatchNormalization", inputs, name, {epsilon});
  }

  relu(x: string, name: string): string {
    return this.node("Relu", [x], name);
  }

  /** ReLU6 as Clip(0, 6), sharing two scalar bounds. */
  relu6(x: string, name: string): string {
    return this.node("Clip", [x, this.constant("relu6.min", [], [0]), this.constant("relu6.max", [], [6])], name);
  }

  sigmoid(x: string, name: string): string {
    return this.node("Sigmoid", [x], name);
  }

  /** Swish / SiLU as Keras computes it: x * sigmoid(x). */
  swish(x: string, name: string): string {
    return this.node("Mul", [x, this.sigmoid(x, `${name}_sigmoid`)], name);
  }

  add(a: string, b: string, name: string): string {
    return this.node("Add", [a, b], name);
  }

  mul(a: string, b: string, name: string): string {
    return this.node("Mul", [a, b], name);
  }

  maxPool(x: string, name: string, kernel: number, stride: number, pads: number[] = [0, 0, 0, 0], ceil = false): string {
    return this.node("MaxPool", [x], name, {kernel_shape: [kernel, kernel], strides: [stride, stride], pads, ...(ceil ? {ceil_mode: 1} : {})});
  }

  /** Average pooling; padded positions are excluded from the mean (count_include_pad=0, as in Keras). */
  avgPool(x: string, name: string, kernel: number, stride: number, padding: Padding = "valid"): string {
    const [h, w] = this.shape(x).slice(2);
    const pads = padding === "same" ? samePads([h, w], [kernel, kernel], [stride, stride]) : padding === "valid" ? [0, 0, 0, 0] : padding;
    return this.node("AveragePool", [x], name, {kernel_shape: [kernel, kernel], strides: [stride, stride], pads});
  }

  globalAvgPool(x: string, name: string): string {
    return this.node("GlobalAveragePool", [x], name);
  }

  concat(xs: string[], name: string, axis = 1): string {
    return this.node("Concat", xs, name, {axis});
  }

  flatten(x: string, name: string): string {
    return this.node("Flatten", [x], name, {axis: 1});
  }

  /** Keras Dense / torch Linear as Gemm with weight [units, in] (transB). */
  dense(x: string, name: string, units: number): string {
    const k = this.shape(x)[1];
    const w = this.weight(`${name}.weight`, [units, k], "he", k);
    const b = this.weight(`${name}.bias`, [units], "bias");
    return this.node("Gemm", [x, w, b], name, {transB: 1});
  }

  softmax(x: string, name: string): string {
    return this.node("Softmax", [x], name, {axis: -1});
  }

  /** Close the graph: the tensor `last` is renamed "output" (its node keeps the layer's name). */
  finish(last: string, description: string): ModelSpec {
    const outShape = this.shape(last);
    const producer = this.nodes.find((n) => n.output?.[0] === last);
    if (!producer || this.nodes.some((n) => n.input?.includes(last))) throw new Error(`${this.modelName}: ${last} cannot be the output`);
    producer.output = ["output"];
    const dims = (shape: number[]) => shape.map((d, i) => (i === 0 ? {dimParam: "N"} : {dimValue: d}));
    const tensorType = (shape: number[]) => ({tensorType: {elemType: DataType.FLOAT, shape: {dim: dims(shape)}}});
    return {
      name: this.modelName,
      weights: this.weights,
      model: {
        irVersion: 8,
        opsetImport: [{domain: "", version: OPSET}],
        producerName: "inferscope",
        producerVersion: PRODUCER_VERSION,
        docString: description,
        metadataProps: [{key: "inferscope.zoo", value: this.modelName}],
        graph: {
          name: this.modelName,
          node: this.nodes,
          initializer: this.constants,
          input: [{name: this.input, type: tensorType([1, ...this.inputShape])}],
          output: [{name: "output", type: tensorType(outShape)}]
        }
      }
    };
  }
}

