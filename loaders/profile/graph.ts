// A graph as the fusion map needs it: nodes in file order, and which tensor names are values
// computed at run time (graph inputs and node outputs) rather than weights.

import {listNodes, readModel, type ModelProto, type NodeView} from "../models/onnx.ts";

export interface GraphView {
  nodes: NodeView[];
  /** Graph inputs that are not initializers: the data fed at run time. */
  inputs: string[];
  initializers: Set<string>;
  /** Node producing each tensor. */
  producer: Map<string, NodeView>;
  /** Nodes reading each tensor, in file order. */
  consumers: Map<string, NodeView[]>;
}

export function graphView(model: ModelProto): GraphView {
  const graph = model.graph ?? {};
  const nodes = listNodes(model);
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ""));
  const inputs = (graph.input ?? []).map((v) => v.name ?? "").filter((n) => n && !initializers.has(n));
  const producer = new Map<string, NodeView>();
  const consumers = new Map<string, NodeView[]>();
  for (const n of nodes) {
    for (const o of n.outputs) if (o) producer.set(o, n);
    for (const i of n.inputs) {
      if (!i) continue;
      const list = consumers.get(i);
      if (list) list.push(n);
      else consumers.set(i, [n]);
    }
  }
  return {nodes, inputs, initializers, producer, consumers};
}

export function readGraph(bytes: Uint8Array, file?: string): GraphView {
  return graphView(readModel(bytes, file));
}

/** Whether a tensor name holds a run-time value in this graph (graph input or node output). */
export function isValue(g: GraphView, name: string): boolean {
  return g.producer.has(name) || g.inputs.includes(name);
}
