// A cheap look at the first bytes: is this a Triton trace file, and which layout?

export type TraceLayout = "1.x" | "2.x" | "unknown";

export interface Sniff {
  ok: boolean;
  layout: TraceLayout;
  /** Why it is not a trace file, for the error message. */
  reason?: string;
}

export function sniffTritonTrace(head: Buffer | string): Sniff {
  const s = (typeof head === "string" ? head : head.toString("utf8")).replace(/^\uFEFF/, "").trimStart();
  if (s === "") return {ok: true, layout: "unknown"};
  if (s[0] !== "[") {
    const what = /^(Concurrency|Request Rate),/.test(s) ? "a perf_analyzer CSV" : s[0] === "{" ? "a JSON object, not an array" : `text starting with ${JSON.stringify(s.slice(0, 20))}`;
    return {ok: false, layout: "unknown", reason: `this looks like ${what}; a Triton trace file is a JSON array`};
  }
  const body = s.slice(1).trimStart();
  if (body === "" || body[0] === "]") return {ok: true, layout: "unknown"};
  if (body[0] !== "{") return {ok: false, layout: "unknown", reason: `the array holds ${JSON.stringify(body.slice(0, 20))}, not trace entries`};
  if (/"timestamps"\s*:\s*\[\s*\{\s*"name"\s*:\s*"[a-z]/.test(body)) return {ok: true, layout: "1.x"};
  if (/^\{\s*"id"\s*:/.test(body)) return {ok: true, layout: "2.x"};
  return {ok: true, layout: "unknown"};
}
