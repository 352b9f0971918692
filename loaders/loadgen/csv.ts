// perf_analyzer's CSV (-f FILE, with --verbose-csv), written the way its ReportWriter::GenerateReport
// writes it (triton-inference-server/client src/c++/perf_analyzer/report_writer.cc): the load column
// ("Concurrency" or "Request Rate"), Inferences/Second, Client Send, the server columns when the
// server has statistics, Client Recv, p50/p90/p95/p99 latency, then Avg latency, request/response and
// response wait. Times are integer microseconds (ns / 1000, truncated, as perf_analyzer's uint64
// division); rows are sorted by Inferences/Second, as perf_analyzer sorts them.

import type {StepResult} from "./run.ts";

const us = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? "" : String(Math.max(0, Math.floor(v))));

export function perfAnalyzerCsv(steps: readonly StepResult[]): string {
  if (steps.length === 0) return "";
  const mode = steps[0].mode;
  const server = steps.some((s) => s.server_queue_us !== null);
  const header = [
    mode === "concurrency" ? "Concurrency" : "Request Rate",
    "Inferences/Second",
    "Client Send",
    ...(server ? ["Network+Server Send/Recv", "Server Queue", "Server Compute Input", "Server Compute Infer", "Server Compute Output"] : []),
    "Client Recv",
    "p50 latency",
    "p90 latency",
    "p95 latency",
    "p99 latency",
    "Avg latency",
    "request/response",
    "response wait"
  ];
  const rows = [...steps]
    .sort((a, b) => a.throughput_infer_per_s - b.throughput_infer_per_s)
    .map((s) => {
      const load = mode === "concurrency" ? String(s.concurrency) : String(s.request_rate);
      return [
        load,
        String(Number(s.throughput_infer_per_s.toFixed(4))),
        us(s.client_send_us),
        ...(server ? [us(s.network_server_us), us(s.server_queue_us), us(s.server_compute_input_us), us(s.server_compute_infer_us), us(s.server_compute_output_us)] : []),
        us(s.client_recv_us),
        us(s.p50_us),
        us(s.p90_us),
        us(s.p95_us),
        us(s.p99_us),
        us(s.avg_us),
        us(s.client_send_us + s.client_recv_us),
        us(s.avg_us - s.client_send_us - s.client_recv_us)
      ].join(",");
    });
  return `${header.join(",")}\n${rows.join("\n")}\n`;
}
