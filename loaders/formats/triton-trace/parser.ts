// Turns the entries the tokenizer finds into calls on the RequestAssembler.
//
// Entry shapes (see names.ts for where they come from):
//   2.x timestamp  {"id":N,"timestamps":[{"name":"REQUEST_START","ns":N}]}           (fast path, no JSON.parse)
//   2.x header     {"id":N,"model_name":"m","model_version":N[,"request_id":"r"][,"parent_id":N]}
//   2.x tensor     {"id":N,"activity":"TENSOR_QUEUE_INPUT","tensor":{"name":..,"data":..,"shape":..,"dtype":..}}
//   1.x trace      { "timestamps": [{"name":"queue start", "ns":N}, ...], "model_name": "m", "model_version": N[, "id":N, "parent_id":N] }
//
// Timestamps are steady-clock nanoseconds, which pass 2^53 after about 104 days of uptime, so they
// are never read as JS numbers directly: the digits are split into seconds and nanoseconds and kept
// relative to an epoch (the first timestamp read), which keeps every difference exact.

import type {Diagnostics} from "../common/diagnostics.ts";
import type {RequestAssembler} from "./requests.ts";
import type {JsonArrayTokenizer} from "./tokenizer.ts";

/** Shared time base: absolute ns = epoch + rel. */
export class Clock {
  private hi = 0;
  private lo = 0;
  private set = false;

  /** Relative ns for the decimal digits s[a, b). */
  rel(s: string, a: number, b: number): number {
    const split = b - 9 > a ? b - 9 : a;
    let hi = 0;
    for (let i = a; i < split; i++) hi = hi * 10 + (s.charCodeAt(i) - 48);
    let lo = 0;
    for (let i = split; i < b; i++) lo = lo * 10 + (s.charCodeAt(i) - 48);
    if (!this.set) {
      this.hi = hi;
      this.lo = lo;
      this.set = true;
    }
    return (hi - this.hi) * 1e9 + (lo - this.lo);
  }

  /** Absolute ns of a relative value, exactly. */
  absolute(rel: number): bigint {
    return BigInt(this.hi) * 1_000_000_000n + BigInt(this.lo) + BigInt(rel);
  }
}

const TS_PREFIX = ',"timestamps":[{"name":"';
const NS_PREFIX = '","ns":';
const NS_AS_STRING = /("ns"\s*:\s*)(-?\d+)/g;
const DIGITS = /^\d+$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export class EntryParser {
  constructor(
    private readonly tokenizer: () => JsonArrayTokenizer,
    private readonly assembler: RequestAssembler,
    private readonly clock: Clock,
    private readonly diagnostics: Diagnostics
  ) {}

  /** The 2.x timestamp entry, read in place. Returns the end index, or -1 to fall back to entry(). */
  readonly fast = (s: string, i: number): number => {
    if (!s.startsWith('{"id":', i)) return -1;
    const n = s.length;
    let j = i + 6;
    let id = 0;
    const idStart = j;
    let c = 0;
    while (j < n && (c = s.charCodeAt(j)) >= 48 && c <= 57) {
      id = id * 10 + (c - 48);
      j++;
    }
    if (j === idStart || j - idStart > 15 || !s.startsWith(TS_PREFIX, j)) return -1;
    const nameStart = j + TS_PREFIX.length;
    let q = nameStart;
    while (q < n && (c = s.charCodeAt(q)) !== 34) {
      if (c === 92) return -1; // escapes: let JSON.parse decode the name
      q++;
    }
    if (q >= n || !s.startsWith(NS_PREFIX, q)) return -1;
    const a = q + NS_PREFIX.length;
    let b = a;
    while (b < n && (c = s.charCodeAt(b)) >= 48 && c <= 57) b++;
    if (b === a || b + 3 > n || s.charCodeAt(b) !== 125 || s.charCodeAt(b + 1) !== 93 || s.charCodeAt(b + 2) !== 125) return -1;
    const asm = this.assembler;
    asm.at = i;
    asm.timestamp(id, s.slice(nameStart, q), this.clock.rel(s, a, b));
    asm.tick();
    return b + 3;
  };

  readonly entry = (s: string, start: number, end: number): void => {
    let raw = s.slice(start, end);
    if (raw.includes('"ns"')) raw = raw.replace(NS_AS_STRING, '$1"$2"');
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (error) {
      throw this.tokenizer().errorAt(start, `a trace entry is not valid JSON (${(error as Error).message}): ${JSON.stringify(raw.slice(0, 80))}`, "Triton writes names and request ids without escaping them; a quote inside one breaks the file.");
    }
    const asm = this.assembler;
    asm.at = start;
    const offset = asm.offsetAt(start);
    const d = this.diagnostics;
    if (!isPlainObject(obj)) return;
    let id: number;
    const rawId = obj.id;
    const hasTimestamps = Array.isArray(obj.timestamps);
    const hasModel = typeof obj.model_name === "string";
    if (rawId === undefined) {
      if (!(hasModel && hasTimestamps)) {
        d.add("entry_without_id", "warning", "an entry has no \"id\" and is not a 1.x trace object; skipped", {offset});
        asm.tick();
        return;
      }
      id = asm.newSyntheticId();
    } else if (typeof rawId === "number" && Number.isInteger(rawId) && rawId >= 0) {
      id = rawId;
    } else {
      d.add("bad_id", "warning", `an entry's "id" is not a non-negative integer (${JSON.stringify(rawId)}); skipped`, {offset});
      asm.tick();
      return;
    }
    let known = false;
    if (hasModel) {
      known = true;
      let version = -1;
      if (typeof obj.model_version === "number" && Number.isInteger(obj.model_version)) version = obj.model_version;
      else d.add("bad_model_version", "warning", "a header entry has no integer model_version; -1 is used", {offset});
      const parent = typeof obj.parent_id === "number" && Number.isInteger(obj.parent_id) && obj.parent_id > 0 ? obj.parent_id : null;
      const requestId = typeof obj.request_id === "string" && obj.request_id !== "" ? obj.request_id : null;
      asm.header(id, obj.model_name as string, version, requestId, parent);
    }
    if (hasTimestamps) {
      known = true;
      for (const t of obj.timestamps as unknown[]) {
        if (!isPlainObject(t) || typeof t.name !== "string" || typeof t.ns !== "string" || !DIGITS.test(t.ns)) {
          d.add("bad_timestamp", "warning", `a timestamp is not {"name": string, "ns": non-negative integer}: ${JSON.stringify(t)?.slice(0, 80)}; skipped`, {offset});
          continue;
        }
        asm.timestamp(id, t.name, this.clock.rel(t.ns, 0, t.ns.length));
      }
    }
    if (typeof obj.activity === "string") {
      known = true;
      asm.tensor(id);
    }
    if (!known) d.add("unknown_entry", "info", "an entry has none of timestamps, model_name or activity; skipped", {offset});
    if (rawId === undefined) asm.closeNow(id);
    asm.tick();
  };
}
