// What a profile does not say about fused nodes, read from the optimized graph ONNX Runtime saves
// (session option optimizedModelFilePath / optimized_model_filepath): the node's domain
// (com.microsoft for FusedConv, com.microsoft.nchwc for NCHWc convolutions) and the activation fused
// into it (the node's "activation" attribute). Joined to profile rows by node name.

import {attributeValue, readModel, type GraphProto} from "../../models/onnx.ts";
import type {OrtNodeInfo} from "./parser.ts";

export function ortNodeInfo(bytes: Uint8Array, file = "<optimized model>"): Map<string, OrtNodeInfo> {
  const out = new Map<string, OrtNodeInfo>();
  const visit = (graph: GraphProto | null | undefined) => {
    for (const node of graph?.node ?? []) {
      let activation: string | null = null;
      for (const a of node.attribute ?? []) {
        const v = attributeValue(a);
        if (a.name === "activation" && typeof v === "string" && v !== "") activation = v;
        // Control-flow bodies (If/Loop/Scan) hold nodes that are profiled under their own names too.
        if (v && typeof v === "object" && !Array.isArray(v) && "node" in v) visit(v as GraphProto);
        if (Array.isArray(v)) for (const g of v) if (g && typeof g === "object" && "node" in g) visit(g as GraphProto);
      }
      if (node.name) out.set(node.name, {domain: node.domain ? node.domain : null, activation});
    }
  };
  visit(readModel(bytes, file).graph);
  return out;
}
