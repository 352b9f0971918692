// Cheap check of a file's first bytes: is this an ONNX Runtime profile (Chrome trace JSON)?
// ORT writes "[\n" then one event object per line ({"cat" : "Session","pid" :...}); a profile
// re-saved by a trace viewer may instead be {"traceEvents": [...]}.

export type OrtProfileLayout = "event-lines" | "trace-object";

export function sniffOrtProfile(head: string): OrtProfileLayout | null {
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("[")) {
    // An empty profile ("[\n]") is still ORT's layout; anything else must look like trace events.
    if (/^\[\s*(\]|$)/.test(text)) return "event-lines";
    return /"(cat|ph|name)"\s*:/.test(text.slice(0, 4096)) ? "event-lines" : null;
  }
  if (text.startsWith("{") && /"traceEvents"\s*:/.test(text.slice(0, 4096))) return "trace-object";
  return null;
}
