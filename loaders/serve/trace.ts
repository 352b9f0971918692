// Triton-format request tracing: settings with Triton's keys and meaning, sampling, and the trace file.
//
// Format and meaning follow Triton 2.x (triton-inference-server/server src/tracer.cc; docs/user_guide/trace.md,
// docs/protocol/extension_trace.md), so `inferscope import triton` and Triton's trace_summary.py read it:
//   - one JSON array; each timestamp is its own entry {"id":N,"timestamps":[{"name":"QUEUE_START","ns":N}]},
//     and the header {"id":N,"model_name":"m","model_version":N[,"request_id":"r"]} comes right before
//     REQUEST_START; ns are steady-clock (CLOCK_MONOTONIC) nanoseconds.
//   - trace_rate R: the R-th, 2R-th, ... inference request is traced (a counter, `++sample % R == 0`);
//     trace_count C: at most C more traces (-1: no limit); both restart when the settings change.
//   - log_frequency 0: each finished trace is appended to trace_file and the array is closed when the
//     server exits (a killed server leaves it without its ']', which the importer accepts);
//     log_frequency L > 0: every L traces are written as a complete array to trace_file.<index>, and
//     what is left when the server exits goes to the next index.

import {closeSync, mkdirSync, openSync, writeFileSync, writeSync} from "node:fs";
import {dirname} from "node:path";
import {ProtocolError} from "./protocol.ts";

export const TRACE_LEVELS = ["OFF", "TIMESTAMPS"] as const;

export interface TraceSettings {
  trace_file: string;
  trace_level: string[];
  trace_rate: number;
  trace_count: number;
  log_frequency: number;
}

/** One request's trace: its entries in the order they happened. */
export class Trace {
  private readonly entries: string[] = [];

  constructor(
    readonly id: number,
    private readonly writer: TraceFileWriter
  ) {}

  stamp(name: string, ns: bigint): void {
    this.entries.push(`{"id":${this.id},"timestamps":[{"name":"${name}","ns":${ns}}]}`);
  }

  /** Whether the request got as far as the model (its header is written): only then is the trace worth keeping. */
  reachedModel = false;

  header(model: string, version: string, requestId?: string): void {
    this.reachedModel = true;
    this.entries.push(`{"id":${this.id},"model_name":${JSON.stringify(model)},"model_version":${Number(version)}${requestId ? `,"request_id":${JSON.stringify(requestId)}` : ""}}`);
  }

  /** The request is done: hand the trace to the file. */
  release(): void {
    if (this.entries.length) this.writer.add(this.entries.join(","));
  }
}

/** Writes finished traces to one trace file (or its indexed files), as Triton's TraceFile does. */
export class TraceFileWriter {
  private fd: number | null = null;
  private first = true;
  private pending: string[] = [];
  private index = 0;
  private closed = false;
  /** Traces handed to this writer. */
  count = 0;
  readonly files: string[] = [];

  constructor(
    readonly path: string,
    readonly logFrequency: number
  ) {}

  add(text: string): void {
    if (this.closed) return;
    this.count++;
    if (this.logFrequency > 0) {
      this.pending.push(text);
      if (this.pending.length >= this.logFrequency) this.flushIndexed();
      return;
    }
    if (this.fd === null) {
      mkdirSync(dirname(this.path), {recursive: true});
      this.fd = openSync(this.path, "w");
      this.files.push(this.path);
    }
    writeSync(this.fd, this.first ? `[${text}` : `,${text}`);
    this.first = false;
  }

  private flushIndexed(): void {
    if (!this.pending.length) return;
    const file = `${this.path}.${this.index++}`;
    mkdirSync(dirname(file), {recursive: true});
    writeFileSync(file, `[${this.pending.join(",")}]`);
    this.files.push(file);
    this.pending = [];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.logFrequency > 0) this.flushIndexed();
    else if (this.fd !== null) {
      writeSync(this.fd, "]");
      closeSync(this.fd);
      this.fd = null;
    }
  }
}

function intSetting(key: string, v: unknown, min: number): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min) throw new ProtocolError(400, `trace setting '${key}' must be an integer >= ${min} (as a string, e.g. "${Math.max(min, 1)}"), got ${JSON.stringify(v)}`);
  return n;
}

/** The trace settings and the sampling counter of one server. */
export class Tracer {
  private settings: TraceSettings;
  private sample = 0;
  private remaining: number;
  private nextId = 0;
  private readonly writers = new Map<string, TraceFileWriter>();

  constructor(settings: Partial<TraceSettings> = {}) {
    this.settings = {trace_file: "", trace_level: ["OFF"], trace_rate: 1000, trace_count: -1, log_frequency: 0, ...settings};
    this.remaining = this.settings.trace_count;
  }

  /** GET /v2/trace/setting: Triton's response, values as strings. */
  view(): Record<string, string | string[]> {
    const s = this.settings;
    return {trace_level: s.trace_level, trace_rate: String(s.trace_rate), trace_count: String(s.trace_count), log_frequency: String(s.log_frequency), trace_file: s.trace_file, trace_mode: "triton"};
  }

  /** POST /v2/trace/setting: update the keys given (null restores the default), then restart the counters. */
  update(body: unknown): void {
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ProtocolError(400, "the trace setting request must be a JSON object");
    const next = {...this.settings};
    for (const [key, v] of Object.entries(body as Record<string, unknown>)) {
      switch (key) {
        case "trace_level": {
          const levels = v === null ? ["OFF"] : Array.isArray(v) ? v : [v];
          for (const l of levels) {
            if (!TRACE_LEVELS.includes(l as never)) throw new ProtocolError(400, `trace_level ${JSON.stringify(l)} is not supported by the reference server; use ${TRACE_LEVELS.join(" or ")}`);
          }
          next.trace_level = levels as string[];
          break;
        }
        case "trace_rate":
          next.trace_rate = v === null ? 1000 : intSetting(key, v, 1);
          break;
        case "trace_count":
          next.trace_count = v === null ? -1 : intSetting(key, v, -1);
          break;
        case "log_frequency":
          next.log_frequency = v === null ? 0 : intSetting(key, v, 0);
          break;
        case "trace_file":
          if (v !== null && typeof v !== "string") throw new ProtocolError(400, "trace_file must be a string");
          next.trace_file = (v as string | null) ?? "";
          break;
        case "trace_mode":
          if (v !== null && v !== "triton") throw new ProtocolError(400, "trace_mode must be 'triton' (OpenTelemetry is not supported by the reference server)");
          break;
        default:
          throw new ProtocolError(400, `unknown trace setting '${key}'; the keys are trace_file, trace_level, trace_rate, trace_count, log_frequency`);
      }
    }
    if (next.trace_level.includes("TIMESTAMPS") && !next.trace_file) throw new ProtocolError(400, "tracing needs a trace_file: set it together with trace_level");
    this.settings = next;
    this.sample = 0;
    this.remaining = next.trace_count;
  }

  get current(): Readonly<TraceSettings> {
    return this.settings;
  }

  /** Called once per inference request: the trace to fill, or null when this one is not sampled. */
  sampleRequest(): Trace | null {
    const s = this.settings;
    if (!s.trace_level.includes("TIMESTAMPS") || !s.trace_file) return null;
    if (++this.sample % s.trace_rate !== 0) return null;
    if (this.remaining === 0) return null;
    if (this.remaining > 0) this.remaining--;
    return new Trace(++this.nextId, this.writer(s.trace_file, s.log_frequency));
  }

  private writer(path: string, logFrequency: number): TraceFileWriter {
    const key = `${logFrequency}\u0000${path}`;
    let w = this.writers.get(key);
    if (!w) this.writers.set(key, (w = new TraceFileWriter(path, logFrequency)));
    return w;
  }

  /** Finish every trace file (the server is stopping). Returns the files written. */
  close(): string[] {
    const files: string[] = [];
    for (const w of this.writers.values()) {
      w.close();
      files.push(...w.files);
    }
    return files;
  }

  get traced(): number {
    let n = 0;
    for (const w of this.writers.values()) n += w.count;
    return n;
  }
}
