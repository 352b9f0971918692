// Every dataset in the store, with its columns documented in one place.
// Each dataset lives under data/store/<name>/date=YYYY-MM-DD/<run_id>-<part>.parquet and every row
// also carries the RUN_COLUMNS (run id, time, host fingerprint) listed in schema.ts.

import {defineDataset, type Dataset} from "./schema.ts";

/** One row per collection or import run: what ran, with which configuration, and how it ended. */
export const runs = defineDataset({
  name: "runs",
  doc: "one row per collection or import run",
  columns: [
    {name: "kind", type: "VARCHAR", doc: "what ran: bench, import latency, import runs, ..."},
    {name: "status", type: "VARCHAR", doc: "ok, failed or cancelled"},
    {name: "ended_at", type: "TIMESTAMP", doc: "when the run ended (UTC)"},
    {name: "command", type: "VARCHAR", doc: "the command line that started the run"},
    {name: "config", type: "VARCHAR", doc: "the run's full configuration as JSON"},
    {name: "git_commit", type: "VARCHAR", nullable: true, doc: "inferscope's git commit, when run from a checkout"},
    {name: "rows_written", type: "BIGINT", doc: "rows written to other datasets by this run"},
    {name: "error", type: "VARCHAR", nullable: true, doc: "why the run failed or stopped, if it did"}
  ]
});

/** One row per kind of problem an import met (bad records, dropped entries, truncation), with where it first happened. */
export const importDiagnostics = defineDataset({
  name: "import_diagnostics",
  doc: "problems met while importing a file: counted per kind, with the first place each occurred",
  columns: [
    {name: "source_file", type: "VARCHAR", doc: "the file imported (as given on the command line)"},
    {name: "format", type: "VARCHAR", doc: "the format it was read as (triton-trace, perf-analyzer-csv, tflite-profile, ...)"},
    {name: "severity", type: "VARCHAR", doc: "info, warning or error"},
    {name: "code", type: "VARCHAR", doc: "a stable name for the kind of problem, e.g. truncated_entry"},
    {name: "message", type: "VARCHAR", doc: "what happened and what to do, for people"},
    {name: "count", type: "BIGINT", doc: "how many times it happened in the file"},
    {name: "first_line", type: "BIGINT", nullable: true, doc: "1-based line of the first occurrence, where lines apply"},
    {name: "first_offset", type: "BIGINT", nullable: true, doc: "byte offset of the first occurrence, where known"}
  ]
});

/**
 * Operator-level profiles: one row per node (operator, fused kernel, TensorRT layer, delegate op or GPU
 * kernel) per inference run, from ONNX Runtime profiles (local or imported), TFLite benchmark_model
 * op profiling and trtexec --exportProfile. Rows with scope 'node' partition a run's operator time;
 * the other scopes refine time already counted in a 'node' row. See loaders/ops/ for analyses (top-k).
 */
export const opProfiles = defineDataset({
  name: "op_profiles",
  doc: "per-operator time: one row per node (kernel, layer) per inference run, local or imported",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model name, as given with --model (or by the local collector)"},
    {name: "runtime", type: "VARCHAR", doc: "inference runtime: onnxruntime, tflite, tensorrt, ... (as given with --runtime)"},
    {name: "device", type: "VARCHAR", doc: "device the profile was taken on (as given with --device), e.g. jetson-nano, pixel4, this-host"},
    {name: "opt_level", type: "VARCHAR", nullable: true, doc: "graph optimization level or precision the profile was taken with (ORT: disabled/basic/extended/all), when known"},
    {name: "source", type: "VARCHAR", doc: "'local' (collected by inferscope on this host) or 'imported' (a file brought from elsewhere)"},
    {name: "source_file", type: "VARCHAR", doc: "the profile file the row was read from"},
    {name: "format", type: "VARCHAR", doc: "the file format: ort-profile, tflite-profile (benchmark_model text output), tflite-profile-csv, trtexec-profile"},
    {name: "run_index", type: "INTEGER", nullable: true, doc: "0-based index of the inference run in the file (ORT: the enclosing model_run event); null for tables the tool averaged over runs"},
    {name: "runs_averaged", type: "INTEGER", nullable: true, doc: "for averaged tables, how many runs the tool averaged (TFLite 'Timings count=', trtexec 'count'); null for per-run rows"},
    {name: "scope", type: "VARCHAR", doc: "'node': a top-level node whose times add up to the run's operator time; 'delegate_op': an op inside a TFLite delegate kernel (the 'Delegate internal' table, or ops such as XNNPACK's that a delegate reports as 'Delegate/<op>:<i>' rows); 'subgraph_op': a node of a TFLite control-flow subgraph; 'gpu_kernel': a GPU kernel or memcpy an ORT node launched. Nested rows refine time already in a 'node' row: never add both (see loaders/ops/topk.ts)"},
    {name: "parent_node", type: "VARCHAR", nullable: true, doc: "for rows nested in another row (gpu_kernel), the node_name of that row; null otherwise or when the tool does not say"},
    {name: "node_index", type: "INTEGER", nullable: true, doc: "the node's position as the tool numbers it: ORT node_index, TFLite node index (the ':N' suffix of the name), trtexec layer position in the profile"},
    {name: "node_name", type: "VARCHAR", doc: "the node as the tool names it: ORT node name (event name without _kernel_time), TFLite '[outputs]:index', TensorRT layer name (fused layers joined with ' + '), CUDA kernel name"},
    {name: "op_type", type: "VARCHAR", doc: "operator type used for grouping: ORT op_name (Conv, FusedConv), TFLite node type (CONV_2D, DEPTHWISE_CONV_2D, delegate op names), TensorRT layer name reduced to its op types (e.g. 'Conv2D+Relu6', 'Conv+Relu', 'Reformat')"},
    {name: "kernel", type: "VARCHAR", doc: "the implementation as the runtime names it: ORT op_name or CUDA kernel name, TFLite node type with its description (CONV_2D, TfLiteXNNPackDelegate), TensorRT layer type from --exportLayerInfo (CaskConvolution, Reformat, ...) or else the fused layer name"},
    {name: "provider", type: "VARCHAR", nullable: true, doc: "ORT execution provider (CPUExecutionProvider, CUDAExecutionProvider, ...); null for other runtimes"},
    {name: "fused_domain", type: "VARCHAR", nullable: true, doc: "domain of a fused op (com.microsoft, com.microsoft.nchwc), when the optimized graph was joined in; null otherwise"},
    {name: "fused_activation", type: "VARCHAR", nullable: true, doc: "activation fused into the node (Relu, Relu6, Clip, ...): ORT from the optimized graph, TensorRT from layer info or the fused layer name; null when none or unknown"},
    {name: "duration_us", type: "DOUBLE", doc: "time of one execution in microseconds; the mean when the node ran several times in the run, or the tool's average for averaged tables. ORT GPU nodes: the summed time of their GPU kernels"},
    {name: "host_duration_us", type: "DOUBLE", nullable: true, doc: "ORT GPU nodes only: the host-side time of the node event (kernel launch), which duration_us replaces"},
    {name: "median_us", type: "DOUBLE", nullable: true, doc: "median time of one execution in microseconds, where the tool reports it (trtexec medianMs)"},
    {name: "executions", type: "INTEGER", doc: "how many times the node ran in the run (TFLite 'times called'); 0 for TensorRT layers that recorded no time"},
    {name: "share_pct", type: "DOUBLE", nullable: true, doc: "the node's share of total time in percent, as the tool printed it (TFLite %, trtexec percentage); null when the tool gives none"},
    {name: "input_shapes", type: "VARCHAR", nullable: true, doc: "JSON array of the inputs as [{\"dtype\",\"shape\"}] (ORT input_type_shape, TensorRT layer info Inputs); null when the tool gives none"},
    {name: "output_shapes", type: "VARCHAR", nullable: true, doc: "JSON array of the outputs, same layout as input_shapes"},
    {name: "activation_bytes", type: "BIGINT", nullable: true, doc: "bytes of the node's input activations (ORT activation_size)"},
    {name: "parameter_bytes", type: "BIGINT", nullable: true, doc: "bytes of the node's weights (ORT parameter_size; TensorRT layer info weight and bias counts times their type size)"},
    {name: "output_bytes", type: "BIGINT", nullable: true, doc: "bytes of the node's outputs (ORT output_size)"},
    {name: "start_us", type: "DOUBLE", nullable: true, doc: "when the node started, in microseconds from the start of its run (ORT: from model_run; TFLite [start] column, averaged); null when unknown. For waterfalls"}
  ]
});

/**
 * One row per benchmark configuration (model x runtime x threads x batch x optimization level):
 * every timed sample plus summary statistics. Local runs come from `inferscope bench`; rows from
 * other machines come in through `inferscope import runs` (with their own host columns) or
 * `inferscope import latency` (imported = true, summary only).
 */
export const benchResults = defineDataset({
  name: "bench_results",
  doc: "one row per benchmark configuration: latency samples and statistics",
  columns: [
    {name: "config_id", type: "VARCHAR", doc: "stable key of the configuration: model|runtime|threads|batch|opt_level"},
    {name: "model", type: "VARCHAR", doc: "model name (zoo name, or the file's base name)"},
    {name: "model_source", type: "VARCHAR", doc: "zoo, file (a user's ONNX file) or imported"},
    {name: "model_file", type: "VARCHAR", nullable: true, doc: "path of the ONNX file that ran"},
    {name: "runtime", type: "VARCHAR", doc: "ort-cpu, ort-wasm, ort-cuda, or the runtime named in an imported table"},
    {name: "device", type: "VARCHAR", doc: "what executed it: cpu, gpu:<name>, or the device named in an imported table"},
    {name: "threads", type: "INTEGER", nullable: true, doc: "intra-op threads (ORT) or WASM threads"},
    {name: "batch", type: "INTEGER", doc: "batch size of each inference"},
    {name: "opt_level", type: "VARCHAR", nullable: true, doc: "ORT graph optimization level: disabled, basic, extended or all"},
    {name: "status", type: "VARCHAR", doc: "ok, or failed (error says why)"},
    {name: "error", type: "VARCHAR", nullable: true, doc: "why the configuration failed"},
    {name: "imported", type: "BOOLEAN", doc: "true for rows imported from a latency table measured elsewhere"},
    {name: "source_file", type: "VARCHAR", nullable: true, doc: "the file rows were imported from"},
    {name: "params", type: "BIGINT", nullable: true, doc: "model parameters"},
    {name: "flops", type: "DOUBLE", nullable: true, doc: "FLOPs of one inference of one sample (2 x MACs; see README for which ops count)"},
    {name: "warmup_runs", type: "INTEGER", nullable: true, doc: "warm-up runs done before timing (until stable)"},
    {name: "runs", type: "INTEGER", nullable: true, doc: "timed runs"},
    {name: "median_ms", type: "DOUBLE", nullable: true, doc: "median latency of one inference (whole batch), ms"},
    {name: "mean_ms", type: "DOUBLE", nullable: true, doc: "mean latency, ms"},
    {name: "p90_ms", type: "DOUBLE", nullable: true, doc: "90th percentile latency (linear interpolation), ms"},
    {name: "p99_ms", type: "DOUBLE", nullable: true, doc: "99th percentile latency, ms"},
    {name: "min_ms", type: "DOUBLE", nullable: true, doc: "fastest run, ms"},
    {name: "max_ms", type: "DOUBLE", nullable: true, doc: "slowest run, ms"},
    {name: "stddev_ms", type: "DOUBLE", nullable: true, doc: "sample standard deviation, ms"},
    {name: "cv", type: "DOUBLE", nullable: true, doc: "coefficient of variation: stddev / mean"},
    {name: "session_create_ms", type: "DOUBLE", nullable: true, doc: "time to create the inference session (load + optimize), ms"},
    {name: "peak_rss_mb", type: "DOUBLE", nullable: true, doc: "peak resident memory of the process that ran the configuration, MiB"},
    {name: "samples_ms", type: "DOUBLE[]", nullable: true, doc: "every timed run's latency, in order, ms"}
  ]
});

/**
 * Batch partitioning (loaders/partition/): each unit's time per batch size, as profiled by
 * `inferscope partition profile` (one run = one performance table) or imported from a CSV with
 * `inferscope partition plan --table`. Grid rows feed the planners; held-out rows check the
 * interpolation against measurement.
 */
export const partitionProfiles = defineDataset({
  name: "partition_profiles",
  doc: "performance tables for batch partitioning: one row per unit x batch size (grid or held-out)",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model name (zoo name, file base name, or --model of an imported table)"},
    {name: "opt_level", type: "VARCHAR", nullable: true, doc: "ORT graph optimization level the units ran with; null for imported tables"},
    {name: "units", type: "VARCHAR", doc: "every unit of the table, comma-separated labels in --units order (e.g. cpu:1,cpu:1#2,wasm:1)"},
    {name: "unit", type: "VARCHAR", doc: "the unit's label: its spec (kind:threads[@cores]), #2, #3.. on repeats; any name in an imported table"},
    {name: "runtime", type: "VARCHAR", nullable: true, doc: "ort-cpu, ort-wasm or ort-cuda; null for imported tables"},
    {name: "threads", type: "INTEGER", nullable: true, doc: "intra-op (or WASM) threads of the unit"},
    {name: "cores", type: "VARCHAR", nullable: true, doc: "cores the unit's process was pinned to with taskset -c (e.g. 0 or 0-1); null when not pinned"},
    {name: "max_batch", type: "INTEGER", doc: "the largest batch the table was profiled for (--max-batch); imported: the largest size in the file"},
    {name: "batch", type: "INTEGER", doc: "items in one inference"},
    {name: "row_kind", type: "VARCHAR", doc: "'grid': a profiled size the planners use (1, 2^n - 1, 2^n, 2^n + 1, max batch); 'holdout': measured only to check the interpolation"},
    {name: "median_ms", type: "DOUBLE", doc: "median time of one inference of the batch as the parent process saw it (dispatch to the unit process included), ms; imported: the file's ms (median of repeats)"},
    {name: "model_ms", type: "DOUBLE", nullable: true, doc: "grid rows: the time the planners use here (running maximum of the medians, so more items never take less time)"},
    {name: "predicted_ms", type: "DOUBLE", nullable: true, doc: "holdout rows: the time interpolated from the grid rows"},
    {name: "error_pct", type: "DOUBLE", nullable: true, doc: "holdout rows: 100 x (predicted - measured) / measured"},
    {name: "compute_median_ms", type: "DOUBLE", nullable: true, doc: "median time of session.run inside the unit process (no dispatch), ms"},
    {name: "runs", type: "INTEGER", nullable: true, doc: "timed runs at this size"},
    {name: "warmup_runs", type: "INTEGER", nullable: true, doc: "warm-up runs at this size before timing"},
    {name: "samples_ms", type: "DOUBLE[]", nullable: true, doc: "every timed run, ms (parent side)"},
    {name: "session_create_ms", type: "DOUBLE", nullable: true, doc: "time the unit process took to create its session, ms"},
    {name: "imported", type: "BOOLEAN", doc: "true for tables read from a CSV measured elsewhere"},
    {name: "source_file", type: "VARCHAR", nullable: true, doc: "the CSV an imported table came from"}
  ]
});

/** Batch splits planned on a performance table: one row per planner x unit. */
export const partitionPlans = defineDataset({
  name: "partition_plans",
  doc: "batch splits planned by `partition plan` and `partition run`: one row per planner x unit",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model name of the performance table"},
    {name: "batch", type: "INTEGER", doc: "the batch split (B)"},
    {name: "units", type: "VARCHAR", doc: "the units planned over, comma-separated labels"},
    {name: "planner", type: "VARCHAR", doc: "proportional (to throughput at B), greedy (the reference study's, reconstructed) or optimal (exact minimum makespan)"},
    {name: "unit", type: "VARCHAR", doc: "unit label"},
    {name: "share", type: "INTEGER", doc: "items given to the unit; a plan's shares sum to batch"},
    {name: "predicted_ms", type: "DOUBLE", doc: "the unit's predicted time for its share (0 for a share of 0), ms"},
    {name: "predicted_makespan_ms", type: "DOUBLE", doc: "the plan's predicted makespan: its slowest unit, ms"},
    {name: "optimal_makespan_ms", type: "DOUBLE", doc: "the exact planner's makespan on the same table, ms"},
    {name: "gap_pct", type: "DOUBLE", doc: "100 x (predicted_makespan - optimal_makespan) / optimal_makespan"},
    {name: "search_ms", type: "DOUBLE", doc: "time the planner took to find the split, ms"},
    {name: "best_single_unit", type: "VARCHAR", doc: "the unit predicted fastest running the whole batch alone"},
    {name: "best_single_predicted_ms", type: "DOUBLE", doc: "its predicted time for the whole batch, ms"},
    {name: "profile_run_id", type: "VARCHAR", doc: "run_id of the performance table (a partition profile run, or the import)"},
    {name: "imported", type: "BOOLEAN", doc: "true when the table was imported from a CSV measured elsewhere"},
    {name: "source_file", type: "VARCHAR", nullable: true, doc: "the CSV of an imported table"}
  ]
});

/**
 * Splits executed by `inferscope partition run`: the units run their shares in parallel (one process
 * each, started on one go signal) and the makespan is timed in the parent, repeatedly; beside them,
 * each unit alone on the whole batch ('single') and any --baseline units ('baseline').
 */
export const partitionRuns = defineDataset({
  name: "partition_runs",
  doc: "measured parallel splits versus prediction and the best single unit: one row per measured configuration x unit",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model name"},
    {name: "opt_level", type: "VARCHAR", doc: "ORT graph optimization level"},
    {name: "batch", type: "INTEGER", doc: "the whole batch (B)"},
    {name: "units", type: "VARCHAR", doc: "the units of the split, comma-separated labels"},
    {name: "row_kind", type: "VARCHAR", doc: "'split': a unit's part of a planned split; 'single': a unit of the set alone on the whole batch; 'baseline': a --baseline unit alone on the whole batch"},
    {name: "planner", type: "VARCHAR", nullable: true, doc: "split rows: the planner whose split ran; null otherwise"},
    {name: "measured_as", type: "VARCHAR", doc: "which measurement the row's numbers come from: a planner name, or 'single <unit>'. Planners that gave the same split share one measurement; a split putting everything on one unit is that unit's single run"},
    {name: "unit", type: "VARCHAR", doc: "unit label"},
    {name: "share", type: "INTEGER", doc: "items the unit ran (the whole batch for single and baseline rows)"},
    {name: "predicted_ms", type: "DOUBLE", nullable: true, doc: "the unit's predicted time for its share from the performance table, ms (null for baseline units, which have no profile)"},
    {name: "unit_median_ms", type: "DOUBLE", nullable: true, doc: "median time from the go signal until this unit finished, as the parent saw it, ms; null for a share of 0"},
    {name: "compute_median_ms", type: "DOUBLE", nullable: true, doc: "median time of session.run inside the unit process, ms"},
    {name: "unit_samples_ms", type: "DOUBLE[]", nullable: true, doc: "every repetition's finish time of this unit, ms"},
    {name: "predicted_makespan_ms", type: "DOUBLE", nullable: true, doc: "the configuration's predicted makespan, ms"},
    {name: "makespan_median_ms", type: "DOUBLE", doc: "median measured makespan: go signal until the last unit finished, ms"},
    {name: "makespan_p90_ms", type: "DOUBLE", doc: "90th percentile of the measured makespan, ms"},
    {name: "makespan_samples_ms", type: "DOUBLE[]", doc: "every repetition's makespan, ms"},
    {name: "prediction_error_pct", type: "DOUBLE", nullable: true, doc: "100 x (measured - predicted) / predicted makespan: positive when it ran slower than predicted"},
    {name: "best_single_unit", type: "VARCHAR", doc: "the unit of the set that ran the whole batch fastest alone (measured in the same run)"},
    {name: "best_single_ms", type: "DOUBLE", doc: "its median measured time for the whole batch, ms"},
    {name: "reduction_pct", type: "DOUBLE", nullable: true, doc: "split rows: 100 x (1 - makespan / best_single): how much time the split saved over the best single unit (negative: it lost)"},
    {name: "runs", type: "INTEGER", doc: "timed repetitions"},
    {name: "warmup_runs", type: "INTEGER", doc: "warm-up repetitions before timing"},
    {name: "profile_run_id", type: "VARCHAR", doc: "run_id of the performance table the predictions came from"}
  ]
});

/** All datasets, by name. Later modules add theirs here so the reader can create a view for each. */
export const DATASETS: Record<string, Dataset> = {
  runs,
  bench_results: benchResults,
  import_diagnostics: importDiagnostics,
  op_profiles: opProfiles,
  partition_profiles: partitionProfiles,
  partition_plans: partitionPlans,
  partition_runs: partitionRuns
};

export function dataset(name: string): Dataset {
  const d = DATASETS[name];
  if (!d) throw new Error(`unknown dataset '${name}' (known: ${Object.keys(DATASETS).join(", ")})`);
  return d;
}
