// Fusion map: for every node of an optimized ONNX Runtime graph, the nodes of the unoptimized graph
// (saved at level 'disabled') it replaced, e.g. Conv+BatchNormalization+Relu -> FusedConv(Relu).
//
// ORT keeps the name of a value that survives optimization, so a tensor present in both graphs is
// the same value ("anchor"). Values that exist only in the optimized graph are tied to the
// unoptimized graph in three steps:
//   1. layout nodes (NCHWc ReorderInput/ReorderOutput) pass a value through: output == input;
//   2. a fused node's name says what it computes: ORT names NCHWc nodes after the output of the node
//      they replace (`conv1_relu` -> `conv1_relu_nchwc`, `_token_N` added on clashes) and FusedConv keeps
//      the Conv's name; from that value, the graph structure says what else the kernel absorbed: an
//      Add when the kernel has a Sum/Z input, then the activation its `activation` attribute names;
//   3. anything else stays unmatched (reported, never guessed).
// Then each optimized node claims the unoptimized nodes lying between its inputs and its outputs:
// a walk back from its outputs that stops at its inputs and at every other value both graphs share.
// Unoptimized nodes no kernel claims were removed (constant-folded, eliminated).

import type {NodeView} from "../models/onnx.ts";
import {isValue, type GraphView} from "./graph.ts";

/** Nodes that only change the memory layout of a value. */
const LAYOUT_OPS = new Set(["ReorderInput", "ReorderOutput"]);

/** Activation attribute values of fused kernels -> the op types they absorb. */
const ACTIVATION_OPS: Record<string, string[]> = {
  Relu: ["Relu"],
  Clip: ["Clip"],
  LeakyRelu: ["LeakyRelu"],
  Sigmoid: ["Sigmoid"],
  HardSigmoid: ["HardSigmoid"],
  Tanh: ["Tanh"]
};

export type FusionKind = "kept" | "replaced" | "fused" | "inserted" | "removed" | "unmatched";

export interface FusionEntry {
  /** The optimized node; null for a removed unoptimized node. */
  node_name: string | null;
  op_type: string | null;
  domain: string | null;
  activation: string | null;
  /**
   * kept: one unoptimized node, same op and domain; replaced: one node, run by another kernel (NCHWc Conv);
   * fused: several nodes in one kernel; inserted: a node with no unoptimized counterpart (layout reorder);
   * removed: an unoptimized node no kernel runs; unmatched: a compute node whose origin could not be found.
   */
  kind: FusionKind;
  /** Unoptimized nodes, in graph order. */
  original_nodes: string[];
  original_ops: string[];
}

export interface FusionMap {
  entries: FusionEntry[];
  /** Optimized value name -> unoptimized value name. */
  values: Map<string, string>;
  /** Unoptimized nodes two kernels both reached (kept with the first). */
  conflicts: string[];
}

/**
 * Names a node's name may derive from, most specific first. ORT's Graph::GenerateNodeName adds
 * `_token_<n>` on a clash; the NCHWc transformer adds `_nchwc` to the output it replaces (`_bn_nchwc`
 * for a BatchNormalization it turns into a convolution); fusions such as QuickGelu name the node
 * `<output>/<Name>Fusion/`.
 */
function stripGenerated(name: string): string[] {
  const out: string[] = [];
  let s = name;
  for (;;) {
    const next = s.replace(/_token_\d+$/, "").replace(/_nchwc$/, "").replace(/\/[A-Za-z0-9]*Fusion\/?$/, "");
    if (next === s) break;
    s = next;
    out.push(s);
    if (s.endsWith("_bn") && name.includes("_bn_nchwc")) out.push(s.slice(0, -3));
  }
  return out;
}

/** Fused kernels with an extra summand input: NCHWc Conv's Sum (input 3) and FusedConv's Z (input 3). */
function hasSumInput(n: NodeView): boolean {
  return (n.op_type === "Conv" || n.op_type === "FusedConv") && n.domain !== "" && Boolean(n.inputs[3]);
}

function activationOf(n: NodeView): string | null {
  const a = n.attributes.activation;
  return typeof a === "string" && a !== "" ? a : null;
}

/** The unoptimized value a fused node computes, from its name and what it absorbed; null when unknown. */
function seedValue(n: NodeView, base: GraphView): string | null {
  let value: string | null = null;
  for (const candidate of [n.name, ...stripGenerated(n.name)]) {
    if (isValue(base, candidate)) value = candidate;
    else {
      const node = base.nodes.find((b) => b.name === candidate);
      if (node?.outputs[0]) value = node.outputs[0];
    }
    if (value) break;
  }
  if (!value) return null;
  const single = (v: string) => {
    const c = base.consumers.get(v) ?? [];
    return c.length === 1 ? c[0] : undefined;
  };
  if (hasSumInput(n)) {
    const add = single(value);
    if (add && (add.op_type === "Add" || add.op_type === "Sum") && !add.domain) value = add.outputs[0];
  }
  const act = activationOf(n);
  const producedBy = base.producer.get(value);
  if (act && !(producedBy && ACTIVATION_OPS[act]?.includes(producedBy.op_type))) {
    const next = single(value);
    if (next && ACTIVATION_OPS[act]?.includes(next.op_type) && !next.domain) value = next.outputs[0];
  }
  return value;
}

export function fusionMap(base: GraphView, optimized: GraphView): FusionMap {
  const values = new Map<string, string>();
  const image = new Set<string>();
  const tie = (opt: string, orig: string) => {
    if (values.has(opt)) return false;
    values.set(opt, orig);
    image.add(orig);
    return true;
  };
  // Shared names.
  for (const v of [...optimized.inputs, ...optimized.nodes.flatMap((n) => n.outputs)]) {
    if (v && isValue(base, v)) tie(v, v);
  }
  const propagateLayout = () => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const n of optimized.nodes) {
        if (!LAYOUT_OPS.has(n.op_type)) continue;
        const [i, o] = [n.inputs[0], n.outputs[0]];
        if (values.has(i) && !values.has(o)) changed = tie(o, values.get(i)!) || changed;
        else if (values.has(o) && !values.has(i)) changed = tie(i, values.get(o)!) || changed;
      }
    }
  };
  propagateLayout();
  for (const n of optimized.nodes) {
    const out = n.outputs[0];
    if (LAYOUT_OPS.has(n.op_type) || !out || values.has(out)) continue;
    const seed = seedValue(n, base);
    // A value some other optimized value already stands for is not guessed twice.
    if (seed && !image.has(seed)) {
      tie(out, seed);
      propagateLayout();
    }
  }

  // Claims.
  const claimedBy = new Map<NodeView, string>();
  const conflicts: string[] = [];
  const order = new Map(base.nodes.map((n, i) => [n, i]));
  const entries: FusionEntry[] = [];
  for (const n of optimized.nodes) {
    const ins = new Set(n.inputs.filter((i) => i && values.has(i)).map((i) => values.get(i)!));
    const outs = n.outputs.filter((o) => o && values.has(o)).map((o) => values.get(o)!);
    const mine: NodeView[] = [];
    const seen = new Set<NodeView>();
    const visit = (value: string) => {
      const p = base.producer.get(value);
      if (!p || seen.has(p)) return;
      seen.add(p);
      const owner = claimedBy.get(p);
      if (owner !== undefined) {
        if (owner !== n.name) conflicts.push(p.name);
        return;
      }
      claimedBy.set(p, n.name);
      mine.push(p);
      for (const i of p.inputs) if (i && !ins.has(i) && !image.has(i)) visit(i);
    };
    for (const o of outs) if (!ins.has(o)) visit(o);
    mine.sort((a, b) => order.get(a)! - order.get(b)!);
    const activation = activationOf(n);
    let kind: FusionKind;
    if (mine.length === 0) kind = LAYOUT_OPS.has(n.op_type) || outs.length > 0 ? "inserted" : "unmatched";
    else if (mine.length === 1) kind = mine[0].op_type === n.op_type && mine[0].domain === n.domain && !activation ? "kept" : "replaced";
    else kind = "fused";
    entries.push({
      node_name: n.name,
      op_type: n.op_type,
      domain: n.domain || null,
      activation,
      kind,
      original_nodes: mine.map((m) => m.name),
      original_ops: mine.map((m) => m.op_type)
    });
  }
  for (const b of base.nodes) {
    if (claimedBy.has(b)) continue;
    entries.push({node_name: null, op_type: null, domain: null, activation: null, kind: "removed", original_nodes: [b.name], original_ops: [b.op_type]});
  }
  return {entries, values, conflicts};
}

/** "Conv+BatchNormalization+Relu" -> "FusedConv (com.microsoft, Relu)": one line per distinct rewrite, with counts. */
export function summarizeFusion(entries: readonly FusionEntry[]): {original: string; kernel: string; kind: FusionKind; count: number}[] {
  const groups = new Map<string, {original: string; kernel: string; kind: FusionKind; count: number}>();
  for (const e of entries) {
    const original = e.original_ops.length ? e.original_ops.join("+") : "(none)";
    const kernel = e.op_type ? kernelLabel(e.op_type, e.domain, e.activation) : "(removed)";
    const key = `${original}\u0000${kernel}\u0000${e.kind}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, {original, kernel, kind: e.kind, count: 1});
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.original.localeCompare(b.original));
}

export function kernelLabel(op: string, domain: string | null, activation: string | null): string {
  const extra = [domain, activation].filter(Boolean);
  return extra.length ? `${op} (${extra.join(", ")})` : op;
}
