// Every CLI command: its name (one or two words), a one-line summary for `inferscope --help`,
// and a lazy loader so that `--help` and quick commands do not import ONNX Runtime or DuckDB.

import type {CommandSpec} from "./command.ts";

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<{default: CommandSpec<any>}>;
}

export const COMMANDS: CommandEntry[] = [
  {name: "collect", summary: "the default collection on this machine: benchmark the study's models, then profile operators (what `npm run collect` does)", load: () => import("./commands/collect.ts")},
  {name: "bench", summary: "benchmark models x runtimes x threads x batch x optimization level; results into the store", load: () => import("./commands/bench.ts")},
  {name: "import runs", summary: "merge results exported by `inferscope bench --export` on another machine", load: () => import("./commands/import-runs.ts")},
  {name: "import latency", summary: "import a latency table measured elsewhere (model, runtime, device, latency_ms[, flops])", load: () => import("./commands/import-latency.ts")},
  {name: "fleet check", summary: "reach each device of the inventory over SSH: architecture, Node/npm or container engine, inferscope version; why not, when not", load: () => import("./commands/fleet-check.ts")},
  {name: "fleet run", summary: "run a collector on remote devices over SSH (npm or docker/podman), in parallel; bring the results back into this store per device", load: () => import("./commands/fleet-run.ts")},
  {name: "host", summary: "print this machine's profile: CPU, memory, OS, runtimes and tools found", load: () => import("./commands/host.ts")},
  {name: "runs list", summary: "list the runs in the store, newest first: kind, status, duration, host, errors", load: () => import("./commands/runs-list.ts")},
  {name: "runs show", summary: "one run in full: status, command, configuration, git commit, host and library versions, what it wrote", load: () => import("./commands/runs-show.ts")},
  {name: "runs compare", summary: "what changed between two benchmark runs: median latency per configuration with a bootstrap CI, regressions flagged", load: () => import("./commands/runs-compare.ts")},
  {name: "store list", summary: "list the datasets in the store with their row and file counts", load: () => import("./commands/store-list.ts")},
  {name: "models build", summary: "build zoo models (MobileNet, ResNet, ...) as ONNX files with pseudo-random weights, no downloads", load: () => import("./commands/models-build.ts")},
  {name: "models info", summary: "count an ONNX model's parameters, MACs and FLOPs per op type", load: () => import("./commands/models-info.ts")},
  {name: "models list", summary: "list the model zoo with parameters and FLOPs next to published figures", load: () => import("./commands/models-list.ts")},
  {name: "summary triton", summary: "summarize Triton trace files: per model, mean/p50/p90/p99 of each stage (as trace_summary.py)", load: () => import("./commands/summary-triton.ts")},
  {name: "import triton", summary: "import Triton trace files into the store: one row per request with every timestamp", load: () => import("./commands/import-triton.ts")},
  {name: "import perf-analyzer", summary: "import a perf_analyzer CSV (-f) into the store, one row per concurrency or request rate", load: () => import("./commands/import-perf-analyzer.ts")},
  {name: "import bpftrace", summary: "import a bpftrace network log (tcp_sendmsg/tcp_recvmsg events) into the store", load: () => import("./commands/import-bpftrace.ts")},
  {name: "import tflite", summary: "import a TFLite benchmark_model op profile (stdout or CSV) into the store, one row per node", load: () => import("./commands/import-tflite.ts")},
  {name: "import trtexec", summary: "import a trtexec --exportProfile layer profile (+ --exportLayerInfo) into the store", load: () => import("./commands/import-trtexec.ts")},
  {name: "import ort-profile", summary: "import an ONNX Runtime profile JSON (CPU or GPU providers) into the store, one row per node per run", load: () => import("./commands/import-ort-profile.ts")},
  {name: "partition profile", summary: "time each execution unit (cpu:K, wasm:K, cuda) alone at batch sizes 1, 2^n and neighbours: a performance table", load: () => import("./commands/partition-profile.ts")},
  {name: "partition plan", summary: "split a batch across units: proportional, the reference greedy and the exact optimum, on a stored or imported table", load: () => import("./commands/partition-plan.ts")},
  {name: "partition run", summary: "run a planned split in parallel, one process per unit; measured makespan vs prediction and the best single unit", load: () => import("./commands/partition-run.ts")},
  {name: "ops top", summary: "print a model's top-k operators: share of operator time and count per run, per runtime/device", load: () => import("./commands/ops-top.ts")},
  {name: "ops fusion", summary: "print a model's fusion map: which original ops each ONNX Runtime kernel replaced, with counts", load: () => import("./commands/ops-fusion.ts")},
  {name: "profile", summary: "profile models operator by operator with ONNX Runtime here (ort-cpu, ort-wasm): kernel times, fusion maps, roofline", load: () => import("./commands/profile.ts")},
  {name: "serve", summary: "serve a model over the KServe v2 / Triton HTTP protocol on onnxruntime-node: dynamic batching, statistics, Triton-format traces", load: () => import("./commands/serve.ts")},
  {name: "load", summary: "drive a KServe v2 / Triton server like perf_analyzer (concurrency or request rate sweep); perf_analyzer CSV and store rows", load: () => import("./commands/load.ts")},
  {name: "trace net", summary: "run a command under bpftrace, recording the TCP sends and receives on a port; parsed into the store", load: () => import("./commands/trace-net.ts")},
  {name: "collect serving", summary: "the Timeline page's live collection: reference server with tracing, concurrency sweep, network events where possible (what `npm run collect:serving` does)", load: () => import("./commands/collect-serving.ts")},
  {name: "profile roofline", summary: "measure this host's roofline ceilings once (peak GEMM GFLOP/s, copy GB/s) and store them", load: () => import("./commands/profile-roofline.ts")},
  {name: "sweep batch", summary: "sweep batch sizes: maximum throughput, latency percentiles and power (nvidia-smi, RAPL or none) per size; inferences per joule", load: () => import("./commands/sweep-batch.ts")},
  {name: "sweep pipeline", summary: "the same image pipeline run synchronously, as N parallel runners and as a submit/receive queue: time, throughput, per-worker utilisation", load: () => import("./commands/sweep-pipeline.ts")},
  {name: "sweep dynamic", summary: "dynamic batching against request rates on the reference server (inferscope serve + load), with a batch-size recommendation per rate", load: () => import("./commands/sweep-dynamic.ts")},
  {name: "collect batching", summary: "the Batching page's collection: a batch sweep, dynamic batching (when the reference server exists) and the pipeline modes (what `npm run collect:batching` does)", load: () => import("./commands/collect-batching.ts")},
  {name: "quantize", summary: "INT8 post-training static quantization to ONNX QDQ (minmax, percentile, entropy calibration); agreement and per-layer SQNR vs float", load: () => import("./commands/quantize.ts")},
  {name: "quantize study", summary: "quantization study: calibration method x samples -> INT8 models, agreement with FP32, per-layer SQNR, FP32 vs INT8 latency", load: () => import("./commands/quantize-study.ts")},
];
