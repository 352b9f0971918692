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
import {nameInfoAt} from "./names.ts";
import type {RequestAssembler} from "./requests.ts";
import type {JsonArrayTokenizer} from "./tokenizer.ts";

/** Shared time base: absolute ns = epoch + rel. */
export class Clock {
  private hi = 0;
  private lo = 0;
  private set = false;

  /** Relative ns for the decimal digits u[a, b) (bytes or a string's char codes). */
  rel(u: Uint8Array, a: number, b: number): number {
    const split = b - 9 > a ? b - 9 : a;
    let hi = 0;
    for (let i = a; i < split; i++) hi = hi * 10 + (u[i] - 48);
    let lo = 0;
    for (let i = split; i < b; i++) lo = lo * 10 + (u[i] - 48);
    return this.relParts(hi, lo);
  }

  relString(s: string): number {
    const split = s.length - 9 > 0 ? s.length - 9 : 0;
    return this.relParts(split > 0 ? Number(s.slice(0, split)) : 0, Number(s.slice(split)));
  }

  private relParts(hi: number, lo: number): number {
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

const ID_PREFIX = Buffer.from('{"id":');
const TS_PREFIX = Buffer.from(',"timestamps":[{"name":"');
const NS_PREFIX = Buffer.from('","ns":');
const MODEL_PREFIX = Buffer.from(',"model_name":"');
const VERSION_PREFIX = Buffer.from('","model_version":');
const REQUEST_ID_PREFIX = Buffer.from(',"request_id":"');
const PARENT_PREFIX = Buffer.from(',"parent_id":');

/** End of a string body starting at `j` that has no escapes, or -1 (escapes, or it runs past `u`). */
function plainStringEnd(u: Uint8Array, j: number): number {
  const n = u.length;
  for (let c = 0; j < n; j++) {
    c = u[j];
    if (c === 34) return j;
    if (c === 92) return -1;
  }
  return -1;
}

/** Index past the digits (with an optional leading '-') starting at `j`; equal to `j` when none. */
function digitsEnd(u: Uint8Array, j: number, signed: boolean): number {
  const n = u.length;
  let k = j;
  if (signed && k < n && u[k] === 45) k++;
  const d = k;
  while (k < n && u[k] >= 48 && u[k] <= 57) k++;
  return k === d ? j : k;
}

function intAt(u: Uint8Array, a: number, b: number): number {
  let neg = false;
  if (u[a] === 45) {
    neg = true;
    a++;
  }
  let v = 0;
  for (let i = a; i < b; i++) v = v * 10 + (u[i] - 48);
  return neg ? -v : v;
}
const NS_AS_STRING = /("ns"\s*:\s*)(-?\d+)/g;
const DIGITS = /^\d+$/;

function at(u: Uint8Array, i: number, p: Uint8Array): boolean {
  if (i + p.length > u.length) return false;
  for (let k = 0; k < p.length; k++) if (u[i + k] !== p[k]) return false;
  return true;
}

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
  readonly fast = (u: Buffer, i: number): number => {
    if (!at(u, i, ID_PREFIX)) return -1;
    const n = u.length;
    let j = i + ID_PREFIX.length;
    let id = 0;
    const idStart = j;
    let c = 0;
    while (j < n && (c = u[j]) >= 48 && c <= 57) {
      id = id * 10 + (c - 48);
      j++;
    }
    if (j === idStart || j - idStart > 15) return -1;
    if (!at(u, j, TS_PREFIX)) return at(u, j, MODEL_PREFIX) ? this.header(u, i, j + MODEL_PREFIX.length, id) : -1;
    const nameStart = j + TS_PREFIX.length;
    let q = nameStart;
    while (q < n && (c = u[q]) !== 34) {
      if (c === 92) return -1; // escapes: let JSON.parse decode the name
      q++;
    }
    if (!at(u, q, NS_PREFIX)) return -1;
    const a = q + NS_PREFIX.length;
    let b = a;
    while (b < n && (c = u[b]) >= 48 && c <= 57) b++;
    if (b === a || b + 3 > n || u[b] !== 125 || u[b + 1] !== 93 || u[b + 2] !== 125) return -1;
    const asm = this.assembler;
    asm.at = i;
    const info = nameInfoAt(u, nameStart, q);
    const rel = this.clock.rel(u, a, b);
    if (info === undefined) asm.extra(id, u.toString("utf8", nameStart, q), rel);
    else asm.point(id, info, rel);
    asm.tick();
    return b + 3;
  };

  /** The 2.x header entry, read in place from the model name on; -1 to fall back to JSON.parse. */
  private header(u: Buffer, i: number, nameStart: number, id: number): number {
    const nameEnd = plainStringEnd(u, nameStart);
    if (nameEnd < 0 || !at(u, nameEnd, VERSION_PREFIX)) return -1;
    const va = nameEnd + VERSION_PREFIX.length;
    const vb = digitsEnd(u, va, true);
    if (vb === va || vb - va > 16) return -1;
    let k = vb;
    let requestId: string | null = null;
    if (at(u, k, REQUEST_ID_PREFIX)) {
      const ra = k + REQUEST_ID_PREFIX.length;
      const rb = plainStringEnd(u, ra);
      if (rb < 0) return -1;
      requestId = rb > ra ? u.toString("utf8", ra, rb) : null;
      k = rb + 1;
    }
    let parent: number | null = null;
    if (at(u, k, PARENT_PREFIX)) {
      const pa = k + PARENT_PREFIX.length;
      const pb = digitsEnd(u, pa, false);
      if (pb === pa || pb - pa > 15) return -1;
      const p = intAt(u, pa, pb);
      parent = p > 0 ? p : null;
      k = pb;
    }
    if (k >= u.length || u[k] !== 125) return -1;
    const asm = this.assembler;
    asm.at = i;
    asm.header(id, u.toString("utf8", nameStart, nameEnd), intAt(u, va, vb), requestId, parent);
    asm.tick();
    return k + 1;
  }

  readonly entry = (u: Buffer, start: number, end: number): void => {
    let raw = u.toString("utf8", start, end);
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
        asm.timestamp(id, t.name, this.clock.relString(t.ns));
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
