// Store rows of a load run: the perf_analyzer rows exactly as `import perf-analyzer` would read the
// CSV written (so both paths give the same rows), and the load_steps rows with what the CSV cannot hold.

import {Diagnostics} from "../formats/common/diagnostics.ts";
import {parsePerfAnalyzerCsv, type PerfAnalyzerRow} from "../formats/perf-analyzer/parser.ts";
import type {loadSteps} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";
import type {StepResult} from "./run.ts";

export type LoadStepRow = RowOf<typeof loadSteps>;

const num = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);

export function loadStepRows(steps: readonly StepResult[], {url, model, csvFile, distribution}: {url: string; model: string; csvFile: string | null; distribution: string}): LoadStepRow[] {
  return steps.map((s) => ({
    url,
    model,
    csv_file: csvFile,
    load_mode: s.mode,
    concurrency: s.concurrency,
    request_rate: s.request_rate,
    distribution: s.mode === "request_rate" ? distribution : null,
    batch: s.batch,
    throughput_infer_per_s: s.throughput_infer_per_s,
    p50_us: s.p50_us,
    p90_us: s.p90_us,
    p95_us: s.p95_us,
    p99_us: s.p99_us,
    avg_us: s.avg_us,
    client_send_us: s.client_send_us,
    client_recv_us: s.client_recv_us,
    server_queue_us: num(s.server_queue_us),
    server_compute_input_us: num(s.server_compute_input_us),
    server_compute_infer_us: num(s.server_compute_infer_us),
    server_compute_output_us: num(s.server_compute_output_us),
    server_compute_us: num(s.server_compute_us),
    network_server_us: num(s.network_server_us),
    server_executions: s.server_executions === null ? null : BigInt(s.server_executions),
    server_avg_batch: num(s.server_avg_batch),
    requests: BigInt(s.requests),
    errors: BigInt(s.errors),
    first_error: s.first_error,
    windows: s.windows,
    stable: s.stable,
    window_ms: s.window_ms,
    delayed_sends: s.delayed_sends === null ? null : BigInt(s.delayed_sends)
  }));
}

/** The CSV read back with the perf_analyzer importer. */
export function perfAnalyzerRows(csv: string, file: string, model: string): {rows: PerfAnalyzerRow[]; diagnostics: Diagnostics} {
  const diagnostics = new Diagnostics();
  const {rows} = parsePerfAnalyzerCsv(csv, {file, model, diagnostics});
  return {rows, diagnostics};
}
