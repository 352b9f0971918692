// The model zoo: real architectures built as ONNX (opset 13) with deterministic pseudo-random weights,
// nothing downloaded. Models are cached as data/models/<name>.onnx (git-ignored) and built on demand.
// Every model: float32 NCHW input "input" with symbolic batch "N", output "output" (class probabilities).

import {existsSync, mkdirSync} from "node:fs";
import {join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {UserError} from "../common/errors.ts";
import {closest} from "../cli/suggest.ts";
import {densenet201} from "./architectures/densenet.ts";
import {efficientnetB0} from "./architectures/efficientnet.ts";
import {inceptionV3} from "./architectures/inception.ts";
import {mobilenetV1, mobilenetV2} from "./architectures/mobilenet.ts";
import {resnet18, resnet50} from "./architectures/resnet.ts";
import {squeezenet11} from "./architectures/squeezenet.ts";
import {tinyCnn} from "./architectures/tiny.ts";
import {vgg16} from "./architectures/vgg.ts";
import {encodeModel, writeModelFile, type ModelSpec} from "./encode.ts";
import {analyzeModelProto, type ModelInfo} from "./info.ts";
import {DataType} from "./onnx.ts";

const PROJECT_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

export interface ZooEntry {
  description: string;
  /** Input shape without the batch dimension, NCHW. */
  inputShape: number[];
  /** Output shape without the batch dimension. */
  outputShape: number[];
  /** Whose layer-for-layer layout is reproduced. */
  layout: "keras" | "torchvision" | "test";
  /**
   * Published figures the build is checked against: parameters as the framework counts them, FLOPs from
   * the study's edge benchmark (Keras models, counted as keras-flops does). `note` explains a difference.
   */
  published?: {params?: number; flops?: number; note?: string};
  build: () => ModelSpec;
}

export const ZOO: Record<string, ZooEntry> = {
  mobilenet_v1: {
    description: "MobileNetV1, Keras layout (alpha 1.0)",
    inputShape: [3, 224, 224], outputShape: [1000], layout: "keras",
    published: {params: 4_253_864, flops: 1.137e9}, build: mobilenetV1
  },
  mobilenet_v2: {
    description: "MobileNetV2, Keras layout (alpha 1.0)",
    inputShape: [3, 224, 224], outputShape: [1000], layout: "keras",
    published: {params: 3_538_984, flops: 0.602e9}, build: mobilenetV2
  },
  efficientnet_b0: {
    description: "EfficientNetB0, Keras layout (takes 0-255 pixels: includes its Rescaling and Normalization layers)",
    inputShape: [3, 224, 224], outputShape: [1000], layout: "keras",
    published: {params: 5_330_571, flops: 0.783e9, note: "Keras also counts its Normalization layer's sample count (1 number used by no computation): 1 fewer here"},
    build: efficientnetB0
  },
  resnet50: {
    description: "ResNet50 (v1), Keras layout",
    inputShape: [3, 224, 224], outputShape: [1000], layout: "keras",
    published: {params: 25_636_712, flops: 7.728e9}, build: resnet50
  },
  densenet201: {
    description: "DenseNet201, Keras layout",
    inputShape: [3, 224, 224], outputShape: [1000], layout: "keras",
    published: {params: 20_242_984, flops: 8.585e9}, build: densenet201
  },
  resnet18: {
    description: "ResNet18, torchvision layout",
    inputShape: [3, 224, 224], outputShape: [1000], layout: "torchvision",
    published: {params: 11_689_512, note: "torchvision keeps BatchNormalization running mean and variance as buffers, not parameters: +9,600 here (Keras and ONNX count them)"},
    build: resnet18
  },
  vgg16: {
    description: "VGG16, Keras layout (~553 MB file)",
    inputShape: [3, 224, 224], outputShape: [1000], layout: "keras",
    published: {params: 138_357_544}, build: vgg16
  },
  squeezenet1_1: {
    description: "SqueezeNet 1.1, torchvision layout",
    inputShape: [3, 224, 224], outputShape: [1000], layout: "torchvision",
    published: {params: 1_235_496}, build: squeezenet11
  },
  inception_v3: {
    description: "InceptionV3, Keras layout (299x299)",
    inputShape: [3, 299, 299], outputShape: [1000], layout: "keras",
    published: {params: 23_851_784, note: "Keras' BatchNormalization(scale=False) has no gamma; ONNX needs one: a shared ones tensor per width adds 1,952"},
    build: inceptionV3
  },
  tiny_cnn: {
    description: "3 Conv+BN+ReLU and a Gemm on 3x32x32 (for tests; builds and runs in milliseconds)",
    inputShape: [3, 32, 32], outputShape: [10], layout: "test", build: tinyCnn
  }
};

/** The five models of the study the published FLOPs refer to. */
export const STUDY_MODELS = ["mobilenet_v1", "mobilenet_v2", "efficientnet_b0", "resnet50", "densenet201"] as const;

/** Where built models live: $INFERSCOPE_MODELS, or data/models in the project (git-ignored). */
export function modelDir(): string {
  return resolve(process.env.INFERSCOPE_MODELS ?? join(PROJECT_ROOT, "data", "models"));
}

export function zooEntry(name: string): ZooEntry {
  const entry = Object.hasOwn(ZOO, name) ? ZOO[name] : undefined;
  if (!entry) {
    const guess = closest(name, Object.keys(ZOO));
    throw new UserError(`unknown model '${name}'`, {
      hint: `${guess ? `Did you mean '${guess}'? ` : ""}The zoo has: ${Object.keys(ZOO).join(", ")} (see \`inferscope models list\`).`
    });
  }
  return entry;
}

/** The model's graph and weight declarations, without generating any weight. */
export function modelSpec(name: string): ModelSpec {
  return zooEntry(name).build();
}

/** The complete ONNX file of a zoo model, in memory (vgg16 is ~553 MB: prefer ensureModel for files). */
export function buildModelBytes(name: string): Uint8Array {
  return encodeModel(modelSpec(name));
}

/**
 * Parameters and FLOPs of a zoo model from its graph alone: the same counter as `models info`, run on
 * the model with weight shapes but no weight bytes (counting vgg16 this way takes milliseconds).
 */
export function countZooModel(name: string, opts: {batch?: number; shapes?: boolean} = {}): ModelInfo {
  const spec = modelSpec(name);
  const graph = spec.model.graph ?? {};
  const initializer = [...(graph.initializer ?? []), ...spec.weights.map((w) => ({name: w.name, dims: w.dims, dataType: DataType.FLOAT}))];
  return analyzeModelProto({...spec.model, graph: {...graph, initializer}}, {batch: opts.batch, shapes: opts.shapes});
}

export function modelPath(name: string, dir = modelDir()): string {
  zooEntry(name);
  return join(dir, `${name}.onnx`);
}

/**
 * The path of `<dir>/<name>.onnx`, building the model first if the file is absent (temp file, then
 * rename: concurrent builders and interrupted builds never leave a partial model).
 */
export async function ensureModel(name: string, opts: {dir?: string; force?: boolean; signal?: AbortSignal} = {}): Promise<string> {
  const dir = resolve(opts.dir ?? modelDir());
  const path = modelPath(name, dir);
  if (!opts.force && existsSync(path)) return path;
  mkdirSync(dir, {recursive: true});
  await writeModelFile(modelSpec(name), path, {signal: opts.signal});
  return path;
}
