// FLOPs of every node of an (unoptimized) ONNX graph, with the model counter's own shape inference
// and cost rules (loaders/models/), so per-operator numbers add up to `models info` totals.
// A node whose cost cannot be counted gets null, never 0.

import {costRule, isFree} from "../models/costs.ts";
import {analyzeModelProto} from "../models/info.ts";
import {listNodes, type ModelProto} from "../models/onnx.ts";
import {ShapeError, type Value} from "../models/shapes.ts";

export function nodeFlops(model: ModelProto, {batch = 1}: {batch?: number} = {}): Map<string, number | null> {
  const shapes = analyzeModelProto(model, {batch, shapes: true}).tensor_shapes ?? {};
  const value = (name: string): Value | undefined => (name ? (shapes[name] ? {shape: shapes[name]} : {}) : undefined);
  const out = new Map<string, number | null>();
  for (const node of listNodes(model)) {
    const rule = costRule(node);
    if (isFree(node)) {
      out.set(node.name, 0);
      continue;
    }
    if (!rule) {
      out.set(node.name, null);
      continue;
    }
    try {
      out.set(node.name, rule(node, node.inputs.map(value), node.outputs.map(value)).flops);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      out.set(node.name, null);
    }
  }
  return out;
}
