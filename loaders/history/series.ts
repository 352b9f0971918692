// The History page's data: for every benchmark configuration on every host, one point per run with
// the median latency and its bootstrap interval, and the change from the previous run of the same
// configuration on the same host, flagged exactly as `inferscope runs compare` would flag it.

import {Float64, Int32, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector} from "apache-arrow";
import {queryStore} from "../store/store.ts";
import {compareRows, DEFAULT_THRESHOLD_PCT, medianInterval, type SampleRow, type Verdict} from "./compare.ts";
import {maybeRedactTable} from "./redact-output.ts";

/** One configuration of one run as the History page draws it (a bench_results row without its samples). */
export interface HistoryPoint extends Omit<SampleRow, "samples_ms"> {
  git_commit: string | null;
  /** What tells the configurations of one model and runtime apart: threads, batch, opt level (and host). */
  series: string;
  n: number;
  median_ms: number;
  ci_low_ms: number;
  ci_high_ms: number;
  prev_run_id: string | null;
  prev_median_ms: number | null;
  change_pct: number | null;
  change_ci_low_pct: number | null;
  change_ci_high_pct: number | null;
  p_value: number | null;
  /** Versus the previous run; null for a configuration's first run. */
  verdict: Verdict | null;
  threshold_pct: number;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export async function historyPoints({root, threshold_pct = DEFAULT_THRESHOLD_PCT}: {root?: string; threshold_pct?: number} = {}): Promise<HistoryPoint[]> {
  const rows = await queryStore<SampleRow & {git_commit: string | null}>(
    `SELECT b.run_id, b.collected_at, b.config_id, b.model, b.runtime, b.device, b.threads, b.batch, b.opt_level,
            b.host_id, b.host_name, b.samples_ms, r.git_commit
     FROM bench_results b
     LEFT JOIN (SELECT run_id, any_value(git_commit) AS git_commit FROM runs GROUP BY run_id) r USING (run_id)
     WHERE b.status = 'ok' AND b.samples_ms IS NOT NULL AND len(b.samples_ms) > 0
     QUALIFY row_number() OVER (PARTITION BY b.run_id, b.config_id, b.host_id ORDER BY b.collected_at) = 1
     ORDER BY b.config_id, b.host_id, b.collected_at, b.run_id`,
    {root}
  );
  const hostsPerModel = new Map<string, Set<string>>();
  for (const r of rows) {
    const k = `${r.model}|${r.runtime}`;
    hostsPerModel.set(k, (hostsPerModel.get(k) ?? new Set()).add(r.host_id));
  }
  const out: HistoryPoint[] = [];
  let prev: SampleRow | null = null;
  for (const r of rows) {
    const row: SampleRow = {...r, threads: r.threads ?? null, opt_level: r.opt_level ?? null, samples_ms: r.samples_ms};
    const sameSeries = prev !== null && prev.config_id === row.config_id && prev.host_id === row.host_id;
    const change = sameSeries ? compareRows(prev!, row, {threshold_pct}) : null;
    const ci = medianInterval(row);
    const manyHosts = (hostsPerModel.get(`${row.model}|${row.runtime}`)?.size ?? 1) > 1;
    out.push({
      run_id: row.run_id,
      collected_at: row.collected_at,
      config_id: row.config_id,
      model: row.model,
      runtime: row.runtime,
      device: row.device,
      threads: row.threads,
      batch: row.batch,
      opt_level: row.opt_level,
      host_id: row.host_id,
      host_name: row.host_name,
      git_commit: r.git_commit ?? null,
      series: [row.threads === null ? null : `${row.threads} thread${row.threads === 1 ? "" : "s"}`, `batch ${row.batch}`, row.opt_level ? `opt ${row.opt_level}` : null, row.device !== "cpu" ? row.device : null, manyHosts ? row.host_name : null]
        .filter(Boolean)
        .join(" · "),
      n: row.samples_ms.length,
      median_ms: ci.median_ms,
      ci_low_ms: ci.ci_low_ms,
      ci_high_ms: ci.ci_high_ms,
      prev_run_id: change ? prev!.run_id : null,
      prev_median_ms: change ? change.a_median_ms : null,
      change_pct: change ? finite(change.change_pct) : null,
      change_ci_low_pct: change ? finite(change.ci_low_pct) : null,
      change_ci_high_pct: change ? finite(change.ci_high_pct) : null,
      p_value: change ? finite(change.p_value) : null,
      verdict: change ? change.verdict : null,
      threshold_pct
    });
    prev = row;
  }
  return out;
}

const COLUMNS: [keyof HistoryPoint, DataType][] = [
  ["run_id", new Utf8()],
  ["collected_at", new TimestampMillisecond()],
  ["config_id", new Utf8()],
  ["model", new Utf8()],
  ["runtime", new Utf8()],
  ["device", new Utf8()],
  ["threads", new Int32()],
  ["batch", new Int32()],
  ["opt_level", new Utf8()],
  ["host_id", new Utf8()],
  ["host_name", new Utf8()],
  ["git_commit", new Utf8()],
  ["series", new Utf8()],
  ["n", new Int32()],
  ["median_ms", new Float64()],
  ["ci_low_ms", new Float64()],
  ["ci_high_ms", new Float64()],
  ["prev_run_id", new Utf8()],
  ["prev_median_ms", new Float64()],
  ["change_pct", new Float64()],
  ["change_ci_low_pct", new Float64()],
  ["change_ci_high_pct", new Float64()],
  ["p_value", new Float64()],
  ["verdict", new Utf8()],
  ["threshold_pct", new Float64()]
];

/** The points as an Arrow table (typed even when empty). */
export function historyTable(points: readonly HistoryPoint[]): Table {
  const vectors: Record<string, Vector> = {};
  for (const [name, type] of COLUMNS) {
    const values = points.map((p) => {
      const v = p[name];
      return v instanceof Date ? v.getTime() : (v ?? null);
    });
    vectors[name] = vectorFromArray(values as never[], type as never);
  }
  return new Table(vectors);
}

/** For src/data/history.arrow.ts: print the History page's points as Arrow IPC; one clear line and exit 1 on failure. */
export async function printHistory(): Promise<void> {
  try {
    const table = await maybeRedactTable(historyTable(await historyPoints()));
    const bytes = tableToIPC(table, "stream");
    await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
  } catch (error) {
    process.stderr.write(`inferscope data loader (history): ${(error as Error).message}\n`);
    process.exit(1);
  }
}
