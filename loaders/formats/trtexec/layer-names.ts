// TensorRT names a fused layer after the layers it fused: "conv1/Conv2D + conv1/Relu6",
// "/features/features.0/Conv + /features/features.2/Clip", "PWN(PWN(/Sub), PWN(/Div))". To group layers
// across a model, each name is reduced to its op types ("Conv2D+Relu6", "Conv+Clip", "Sub+Div"):
// the last path segment of each part, without ONNX/TF numbering suffixes. Best effort, and the
// original name is always kept in node_name.

const ACTIVATIONS = new Set(["relu", "relu6", "clip", "sigmoid", "tanh", "leakyrelu", "elu", "selu", "hardsigmoid", "hardswish", "swish", "silu", "gelu", "mish", "softplus", "prelu"]);

function segmentOp(part: string): string {
  let s = part.trim();
  if (s === "") return "";
  if (/ copy$/i.test(s)) return "Copy";
  s = s.slice(s.lastIndexOf("/") + 1);
  s = s.replace(/^onnx::/, "");
  s = s.replace(/_clone_\d+$/, "");
  s = s.replace(/_output(_\d+)?$/, "");
  s = s.replace(/(?:[_:]\d+)+$/, "");
  return s;
}

/** A TensorRT layer name reduced to its op types, joined with '+'. */
export function trtOpType(name: string): string {
  const n = name.trim();
  if (/^Reformatting CopyNode\b/i.test(n) || / (?:input|output) reformatter \d+$/i.test(n)) return "Reformat";
  if (/\{ForeignNode\[/.test(n)) return "ForeignNode";
  // "a || b": independent layers TensorRT runs as one (horizontal fusion).
  if (n.includes(" || ")) return [...new Set(n.split(" || ").map(trtOpType))].join("||");
  const parts = n
    // "(Unnamed Layer* 12) [Convolution]" names a layer by its type.
    .replace(/\(Unnamed Layer\* \d+\) \[([^\]]+)\](?:_output)?/g, "$1")
    .replace(/PWN\(/g, "(")
    .split(/\s\+\s|[(),]/)
    .map(segmentOp)
    .filter((p) => p !== "");
  const ops: string[] = [];
  for (const p of parts) if (ops[ops.length - 1] !== p) ops.push(p);
  return ops.length ? ops.join("+") : n;
}

/** The activation fused at the end of a layer, read from its op types ("Conv2D+Relu6" -> "Relu6"). */
export function trailingActivation(opType: string): string | null {
  const last = opType.split("+").pop() ?? "";
  return ACTIVATIONS.has(last.toLowerCase()) && opType.includes("+") ? last : null;
}
