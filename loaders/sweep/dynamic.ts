// Dynamic batching against request rate, through the reference server's and load generator's command
// lines only (`inferscope serve`, `inferscope load`): for each batcher configuration, start a server,
// wait for its "listening" line, sweep request rates with the load generator (one JSON object per
// step on its stdout), then stop the server with SIGTERM.

import {execa, type ResultPromise} from "execa";
import {existsSync} from "node:fs";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import {UserError} from "../common/errors.ts";
import type {DynamicRow} from "./recommend.ts";

const BIN = fileURLToPath(new URL("../../bin/inferscope.js", import.meta.url));
const COMMANDS = fileURLToPath(new URL("../cli/commands/", import.meta.url));

export interface Batcher {
  max_batch: number;
  preferred: number[];
  delay_us: number;
}

/** MAX[:P1/P2/...][@DELAY_US], e.g. 1, 8@5000, 16:8/16@20000. */
export function parseBatcher(text: string): Batcher {
  const m = /^(\d+)(?::(\d+(?:\/\d+)*))?(?:@(\d+))?$/.exec(text.trim());
  if (!m) throw new UserError(`--batcher: '${text}' is not MAX[:PREFERRED/...][@DELAY_US]`, {hint: "e.g. --batcher 1 --batcher 8@5000 --batcher 16:8/16@20000"});
  const max_batch = Number(m[1]);
  const preferred = m[2] ? m[2].split("/").map(Number) : [];
  if (max_batch < 1 || preferred.some((p) => p < 1 || p > max_batch)) throw new UserError(`--batcher: '${text}': preferred sizes must be between 1 and the max batch ${max_batch}`, {hint: "e.g. 16:8/16@20000"});
  return {max_batch, preferred, delay_us: Number(m[3] ?? 0)};
}

export function batcherLabel(b: Batcher, instances: number): string {
  if (b.max_batch === 1) return `no batching · ${instances} instance${instances > 1 ? "s" : ""}`;
  return `max ${b.max_batch}${b.preferred.length ? ` · preferred ${b.preferred.join(",")}` : ""} · delay ${b.delay_us} µs · ${instances} instance${instances > 1 ? "s" : ""}`;
}

/** Whether the reference server and load generator are part of this checkout. */
export function servingAvailable(): boolean {
  return existsSync(join(COMMANDS, "serve.ts")) && existsSync(join(COMMANDS, "load.ts"));
}

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function startServer(args: string[], {signal, timeoutMs = 120_000}: {signal?: AbortSignal; timeoutMs?: number}): Promise<Server> {
  const child = execa(process.execPath, [BIN, "serve", ...args], {reject: false, stdin: "ignore", buffer: false, cancelSignal: signal, forceKillAfterDelay: 5000});
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const lines = createInterface({input: child.stdout!});
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new UserError(`inferscope serve did not say it was listening within ${timeoutMs / 1000} s`, {hint: stderr.trim().split("\n").slice(-2).join(" ")})), timeoutMs);
    lines.on("line", (line) => {
      try {
        const m = JSON.parse(line) as {event?: string; url?: string};
        if (m.event === "listening" && m.url) {
          clearTimeout(timer);
          resolve(m.url);
        }
      } catch {}
    });
    void (child as ResultPromise).then((r) => {
      clearTimeout(timer);
      reject(new UserError(`inferscope serve ${args.join(" ")} ended before listening (${r.signal ?? `exit code ${r.exitCode}`})`, {hint: stderr.trim().split("\n").slice(-2).join(" ") || undefined}));
    });
  }).catch(async (error) => {
    child.kill("SIGKILL");
    await child;
    throw error;
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await child;
      lines.close();
    }
  };
}

export interface DynamicSweepOptions {
  model: string;
  modelFile: string;
  batchers: Batcher[];
  instances: number;
  threads: number;
  rates: string;
  distribution: string;
  clientBatch: number;
  windowMs: number;
  maxWindows: number;
  signal?: AbortSignal;
  onStep?: (label: string, row: DynamicRow) => void;
  onConfig?: (label: string, i: number) => void;
}

/** One row per batcher x request rate, as the load generator reported them. */
export async function runDynamicSweep(o: DynamicSweepOptions): Promise<{rows: DynamicRow[]; cancelled: boolean}> {
  const rows: DynamicRow[] = [];
  for (const [i, b] of o.batchers.entries()) {
    if (o.signal?.aborted) return {rows, cancelled: true};
    const label = batcherLabel(b, o.instances);
    o.onConfig?.(label, i);
    const args = ["--model", o.modelFile, "--port", "0", "--max-batch", String(b.max_batch), "--max-queue-delay-us", String(b.delay_us), "--instances", String(o.instances), "--threads", String(o.threads)];
    if (b.preferred.length) args.push("--preferred-batch", b.preferred.join(","));
    const server = await startServer(args, {signal: o.signal});
    try {
      const load = execa(
        process.execPath,
        [BIN, "load", "--url", server.url, "--model", o.model, "--request-rate", o.rates, "--distribution", o.distribution, "--batch", String(o.clientBatch), "--out", join(process.env.TMPDIR ?? "/tmp", `inferscope-dynamic-${process.pid}.csv`), "--json", "--no-store", "--window-ms", String(o.windowMs), "--max-windows", String(o.maxWindows)],
        {reject: false, stdin: "ignore", buffer: {stdout: false, stderr: true}, cancelSignal: o.signal}
      );
      const lines = createInterface({input: load.stdout!});
      lines.on("line", (line) => {
        let s: Record<string, number | null>;
        try {
          s = JSON.parse(line);
        } catch {
          return;
        }
        if (typeof s.request_rate !== "number" || typeof s.p99_us !== "number") return;
        const row: DynamicRow = {
          model: o.model,
          config_label: label,
          max_batch: b.max_batch,
          preferred_batch: b.preferred.length ? b.preferred.join(",") : null,
          max_queue_delay_us: b.delay_us,
          instances: o.instances,
          distribution: o.distribution,
          request_rate: s.request_rate,
          client_batch: (s.batch as number) ?? o.clientBatch,
          concurrency: s.concurrency ?? null,
          throughput_infer_per_s: s.throughput_infer_per_s ?? 0,
          p50_us: s.p50_us ?? 0,
          p90_us: s.p90_us ?? 0,
          p95_us: s.p95_us ?? null,
          p99_us: s.p99_us,
          avg_us: s.avg_us ?? null,
          server_queue_us: s.server_queue_us ?? null,
          server_compute_us: s.server_compute_us ?? null
        };
        rows.push(row);
        o.onStep?.(label, row);
      });
      const r = await load;
      if (r.isCanceled || o.signal?.aborted) return {rows, cancelled: true};
      if (r.exitCode !== 0) throw new UserError(`inferscope load against ${label} failed (exit code ${r.exitCode}): ${String(r.stderr).trim().split("\n").slice(-2).join(" ")}`);
    } finally {
      await server.stop();
    }
  }
  return {rows, cancelled: false};
}

/** A:B:STEP as the load generator reads it, expanded (for the recommendation's rates). */
export function rateRange(text: string): number[] {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(text.trim());
  const [a, b, step] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
  if (!m || !(a > 0) || !(b >= a) || !(step > 0) || (b - a) / step > 1000) throw new UserError(`--rates: '${text}' is not START:END:STEP requests per second`, {hint: "e.g. --rates 20:80:20"});
  const out: number[] = [];
  for (let r = a; r <= b + 1e-9; r += step) out.push(Number(r.toFixed(6)));
  return out;
}
