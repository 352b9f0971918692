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
    {name: "load_1m", type: "DOUBLE", nullable: true, doc: "the machine's 1-minute load average when this size was measured: other work on the machine distorts timings"},
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
    {name: "load_1m", type: "DOUBLE", nullable: true, doc: "the machine's 1-minute load average when the timed repetitions started: other work on the machine distorts timings"},
    {name: "profile_run_id", type: "VARCHAR", doc: "run_id of the performance table the predictions came from"}
  ]
});

/**
 * Serving stack (loaders/formats/triton-trace/): one row per Triton request traced with --trace-file.
 * Every point is an absolute steady-clock timestamp in ns (the server's CLOCK_MONOTONIC, so only
 * differences within one server run mean anything); stage durations are precomputed in microseconds
 * with trace_summary.py's definitions (loaders/formats/triton-trace/intervals.ts), null when the
 * request lacks the points. A per-request Gantt: (x_ns - start_ns) / 1000 for each point; a mean /
 * p50 / p99 stage timeline: avg(), median(), quantile_cont(x, 0.99) of the *_us columns grouped by
 * model, model_version and frontend.
 */
export const tritonRequests = defineDataset({
  name: "triton_requests",
  doc: "one row per Triton inference request (trace id) from --trace-file output: every timestamp, ids, and stage durations",
  columns: [
    {name: "source_file", type: "VARCHAR", doc: "the trace file the request was read from (trace.json, trace.json.0, ...)"},
    {name: "layout", type: "VARCHAR", doc: "'1.x' (one object per trace, lowercase names) or '2.x' (one entry per timestamp, uppercase names)"},
    {name: "trace_id", type: "BIGINT", doc: "Triton's trace id (unique within one server run); negative for 1.x objects that carried no id"},
    {name: "parent_id", type: "BIGINT", nullable: true, doc: "trace id of the ensemble or BLS request that issued this one; null for top-level requests"},
    {name: "root_id", type: "BIGINT", nullable: true, doc: "trace id of the top-level request this one belongs to (itself when top-level); null when its parent is not in the file"},
    {name: "request_id", type: "VARCHAR", nullable: true, doc: "the client's request id (2.x header 'request_id'), as written; null when the client gave none"},
    {name: "model", type: "VARCHAR", doc: "model name, as written in the file"},
    {name: "model_version", type: "BIGINT", doc: "model version (-1 when the request did not name one)"},
    {name: "frontend", type: "VARCHAR", nullable: true, doc: "'http' or 'grpc': the frontend the request, or its top-level request, came through; null for in-process (C API) requests"},
    {name: "is_ensemble", type: "BOOLEAN", doc: "true when the request has REQUEST_START/END but no QUEUE_START/COMPUTE_START (an ensemble's own trace)"},
    {name: "start_ns", type: "BIGINT", doc: "earliest timestamp of the request (frontend receive start, else REQUEST_START, else the first point), ns"},
    {name: "end_ns", type: "BIGINT", doc: "latest timestamp of the request, ns"},
    {name: "recv_start_ns", type: "BIGINT", nullable: true, doc: "HTTP_RECV_START / GRPC_WAITREAD_START ('http recv start', 'grpc wait/read start'; 'http infer start' in the earliest 1.x), ns"},
    {name: "recv_end_ns", type: "BIGINT", nullable: true, doc: "HTTP_RECV_END / GRPC_WAITREAD_END, ns"},
    {name: "request_start_ns", type: "BIGINT", nullable: true, doc: "REQUEST_START ('request handler start'), ns"},
    {name: "queue_start_ns", type: "BIGINT", nullable: true, doc: "QUEUE_START, ns"},
    {name: "compute_start_ns", type: "BIGINT", nullable: true, doc: "COMPUTE_START, ns"},
    {name: "compute_input_end_ns", type: "BIGINT", nullable: true, doc: "COMPUTE_INPUT_END, ns"},
    {name: "compute_output_start_ns", type: "BIGINT", nullable: true, doc: "COMPUTE_OUTPUT_START, ns"},
    {name: "compute_end_ns", type: "BIGINT", nullable: true, doc: "COMPUTE_END, ns"},
    {name: "request_end_ns", type: "BIGINT", nullable: true, doc: "REQUEST_END ('request handler end'), ns"},
    {name: "response_complete_ns", type: "BIGINT", nullable: true, doc: "INFER_RESPONSE_COMPLETE (2.x), ns"},
    {name: "send_start_ns", type: "BIGINT", nullable: true, doc: "HTTP_SEND_START / GRPC_SEND_START, ns"},
    {name: "send_end_ns", type: "BIGINT", nullable: true, doc: "HTTP_SEND_END / GRPC_SEND_END ('http infer end' in the earliest 1.x), ns"},
    {name: "infer_us", type: "DOUBLE", nullable: true, doc: "frontend receive start -> send end (whole request as the server saw it), us"},
    {name: "receive_us", type: "DOUBLE", nullable: true, doc: "HTTP receive / gRPC wait+read, us"},
    {name: "send_us", type: "DOUBLE", nullable: true, doc: "send of the response, us"},
    {name: "frontend_overhead_us", type: "DOUBLE", nullable: true, doc: "infer - request - receive - send: time in the frontend outside the handler, us"},
    {name: "request_us", type: "DOUBLE", nullable: true, doc: "REQUEST_START -> REQUEST_END ('Handler'), us"},
    {name: "queue_us", type: "DOUBLE", nullable: true, doc: "QUEUE_START -> COMPUTE_START, us"},
    {name: "compute_us", type: "DOUBLE", nullable: true, doc: "COMPUTE_START -> COMPUTE_END, us"},
    {name: "compute_input_us", type: "DOUBLE", nullable: true, doc: "COMPUTE_START -> COMPUTE_INPUT_END (input copies), us"},
    {name: "compute_infer_us", type: "DOUBLE", nullable: true, doc: "COMPUTE_INPUT_END -> COMPUTE_OUTPUT_START (the model itself), us"},
    {name: "compute_output_us", type: "DOUBLE", nullable: true, doc: "COMPUTE_OUTPUT_START -> COMPUTE_END (output copies), us"},
    {name: "handler_overhead_us", type: "DOUBLE", nullable: true, doc: "request - queue - compute, us"},
    {name: "extra_timestamps", type: "VARCHAR", nullable: true, doc: "JSON array of [name, offset_ns from start_ns] for timestamps outside the set above (CUSTOM_ACTIVITY names), in file order"},
    {name: "tensor_entries", type: "INTEGER", doc: "TENSOR_QUEUE_INPUT / TENSOR_BACKEND_INPUT / TENSOR_BACKEND_OUTPUT entries of the request (trace level TENSORS)"},
    {name: "entries", type: "INTEGER", doc: "file entries that made up the request"}
  ]
});

/** perf_analyzer's -f CSV: one row per measured load level (concurrency or request rate). All times in microseconds. */
export const perfAnalyzer = defineDataset({
  name: "perf_analyzer",
  doc: "perf_analyzer -f CSV rows: one per concurrency or request rate, client and server latency breakdown in us",
  columns: [
    {name: "source_file", type: "VARCHAR", doc: "the CSV imported"},
    {name: "model", type: "VARCHAR", doc: "model measured (--model of the import; the CSV does not say)"},
    {name: "row_index", type: "INTEGER", doc: "0-based row in the file (perf_analyzer sorts rows by throughput, not by load)"},
    {name: "load_mode", type: "VARCHAR", doc: "'concurrency' or 'request_rate', from the first header cell"},
    {name: "concurrency", type: "DOUBLE", nullable: true, doc: "outstanding requests (Concurrency column)"},
    {name: "request_rate", type: "DOUBLE", nullable: true, doc: "requests per second asked for (Request Rate column)"},
    {name: "throughput", type: "DOUBLE", doc: "Inferences/Second"},
    {name: "response_throughput", type: "DOUBLE", nullable: true, doc: "Response Throughput (responses/s, decoupled models)"},
    {name: "client_send_us", type: "DOUBLE", nullable: true, doc: "Client Send"},
    {name: "network_server_us", type: "DOUBLE", nullable: true, doc: "Network+Server Send/Recv: client wait minus server-accounted time"},
    {name: "server_queue_us", type: "DOUBLE", nullable: true, doc: "Server Queue"},
    {name: "server_compute_input_us", type: "DOUBLE", nullable: true, doc: "Server Compute Input"},
    {name: "server_compute_infer_us", type: "DOUBLE", nullable: true, doc: "Server Compute Infer"},
    {name: "server_compute_output_us", type: "DOUBLE", nullable: true, doc: "Server Compute Output"},
    {name: "server_compute_us", type: "DOUBLE", nullable: true, doc: "Server Compute: the 1.x single column, else input + infer + output"},
    {name: "server_cache_hit_us", type: "DOUBLE", nullable: true, doc: "Server Cache Hit (response cache enabled)"},
    {name: "server_cache_miss_us", type: "DOUBLE", nullable: true, doc: "Server Cache Miss (response cache enabled)"},
    {name: "client_recv_us", type: "DOUBLE", nullable: true, doc: "Client Recv"},
    {name: "p50_latency_us", type: "DOUBLE", nullable: true, doc: "p50 latency"},
    {name: "p90_latency_us", type: "DOUBLE", nullable: true, doc: "p90 latency"},
    {name: "p95_latency_us", type: "DOUBLE", nullable: true, doc: "p95 latency"},
    {name: "p99_latency_us", type: "DOUBLE", nullable: true, doc: "p99 latency"},
    {name: "latency_percentiles", type: "VARCHAR", nullable: true, doc: "JSON object of every 'pNN latency' column, percentile -> us (any set perf_analyzer was asked for)"},
    {name: "avg_latency_us", type: "DOUBLE", nullable: true, doc: "Avg latency (--verbose-csv without --percentile)"},
    {name: "request_response_us", type: "DOUBLE", nullable: true, doc: "request/response: client send + receive (--verbose-csv)"},
    {name: "response_wait_us", type: "DOUBLE", nullable: true, doc: "response wait: request time minus send and receive (--verbose-csv)"},
    {name: "gpu_utilization", type: "DOUBLE", nullable: true, doc: "Avg GPU Utilization (--collect-metrics) averaged over GPUs, 0..1"},
    {name: "gpu_power_w", type: "DOUBLE", nullable: true, doc: "Avg GPU Power Usage summed over GPUs, W"},
    {name: "gpu_memory_used_bytes", type: "DOUBLE", nullable: true, doc: "Max GPU Memory Usage summed over GPUs, bytes"},
    {name: "gpu_memory_total_bytes", type: "DOUBLE", nullable: true, doc: "Total GPU Memory summed over GPUs, bytes"},
    {name: "gpu_metrics", type: "VARCHAR", nullable: true, doc: "JSON object: per metric column, GPU uuid -> value, as the cells 'uuid:value;uuid:value;' gave them"},
    {name: "avg_first_token_latency_us", type: "DOUBLE", nullable: true, doc: "Avg First Token Latency (LLM metrics)"},
    {name: "avg_token_to_token_latency_us", type: "DOUBLE", nullable: true, doc: "Avg Token-to-Token Latency (LLM metrics)"},
    {name: "extra_columns", type: "VARCHAR", nullable: true, doc: "JSON object of any column not listed above, header -> cell text"}
  ]
});

/** Network events from a bpftrace script on tcp_sendmsg / tcp_recvmsg (loaders/formats/bpftrace/). */
export const netEvents = defineDataset({
  name: "net_events",
  doc: "one row per TCP send or receive seen by a bpftrace script (tcp_sendmsg / tcp_recvmsg)",
  columns: [
    {name: "source_file", type: "VARCHAR", doc: "the log imported"},
    {name: "line", type: "INTEGER", doc: "1-based line of the event in the log"},
    {name: "wall_time", type: "VARCHAR", nullable: true, doc: "the TIME column as printed (e.g. 14:03:07 from time(\"%H:%M:%S\")); null when the first TIME is a number"},
    {name: "ts_ns", type: "BIGINT", nullable: true, doc: "kernel timestamp in ns (the numeric TIME column: bpftrace nsecs, CLOCK_MONOTONIC in older bpftrace and CLOCK_BOOTTIME by default in newer ones; either matches Triton's steady clock on the same host unless it was suspended)"},
    {name: "pid", type: "INTEGER", doc: "process id"},
    {name: "comm", type: "VARCHAR", doc: "process name, as printed"},
    {name: "family", type: "VARCHAR", doc: "'ipv4' or 'ipv6'"},
    {name: "saddr", type: "VARCHAR", doc: "source address"},
    {name: "sport", type: "INTEGER", doc: "source port"},
    {name: "daddr", type: "VARCHAR", doc: "destination address"},
    {name: "dport", type: "INTEGER", doc: "destination port"},
    {name: "direction", type: "VARCHAR", doc: "'send' (tag ending in SEND) or 'recv' (tag ending in RCV or RECV)"},
    {name: "event", type: "VARCHAR", doc: "the event tag as printed, e.g. TCP_SEND, TCP_RCV"},
    {name: "bytes", type: "BIGINT", nullable: true, doc: "size printed after the tag, when the script prints one"}
  ]
});

/**
 * Local operator profiles (loaders/profile/): one row per profiled configuration of `inferscope profile`.
 * Its op_profiles rows share run_id and source_file; run_index < warmup_runs are the warm-up runs.
 */
export const opProfileRuns = defineDataset({
  name: "op_profile_runs",
  doc: "one row per configuration profiled by `inferscope profile`: what ran, warm-up runs to leave out, wall times",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model name (zoo name or file base name)"},
    {name: "model_file", type: "VARCHAR", doc: "path of the ONNX file that ran"},
    {name: "runtime", type: "VARCHAR", doc: "ort-cpu, ort-wasm or ort-cuda"},
    {name: "device", type: "VARCHAR", doc: "cpu, or gpu:<name> for ort-cuda (as in op_profiles)"},
    {name: "opt_level", type: "VARCHAR", doc: "ORT graph optimization level: disabled, basic, extended or all"},
    {name: "threads", type: "INTEGER", doc: "intra-op threads (WASM threads for ort-wasm)"},
    {name: "batch", type: "INTEGER", doc: "batch size of each inference"},
    {name: "status", type: "VARCHAR", doc: "ok, or failed (error says why)"},
    {name: "error", type: "VARCHAR", nullable: true, doc: "why the configuration failed"},
    {name: "source_file", type: "VARCHAR", nullable: true, doc: "the profile file, as stored in op_profiles.source_file"},
    {name: "warmup_runs", type: "INTEGER", doc: "runs done first and kept in the profile: op_profiles rows with run_index < warmup_runs are warm-ups"},
    {name: "runs", type: "INTEGER", doc: "profiled runs after the warm-up"},
    {name: "node_rows", type: "INTEGER", nullable: true, doc: "op_profiles rows written for this configuration (all runs)"},
    {name: "session_create_ms", type: "DOUBLE", nullable: true, doc: "time to create the session (load + optimize, profiling on), ms"},
    {name: "median_ms", type: "DOUBLE", nullable: true, doc: "median wall time of one profiled run (session.run as the caller saw it), ms"},
    {name: "samples_ms", type: "DOUBLE[]", nullable: true, doc: "wall time of every profiled run after the warm-up, ms"},
    {name: "op_time_median_ms", type: "DOUBLE", nullable: true, doc: "median over the profiled runs of the summed node times, ms (what the operator shares divide)"},
    {name: "fusion_status", type: "VARCHAR", doc: "ok when fusion_maps rows were written for this configuration, else why not"},
    {name: "graph_source", type: "VARCHAR", nullable: true, doc: "where the optimized graph for the fusion map came from (ORT's optimizedModelFilePath, or for ort-wasm onnxruntime-node at the same level without NCHWc, checked against the profile)"}
  ]
});

/**
 * Fusion maps (loaders/profile/fusion.ts): for each node of an optimized ORT graph, the nodes of the graph at
 * level 'disabled' it replaced, with their FLOPs; plus one row per unoptimized node no kernel runs.
 * Joined to op_profiles on run_id, source_file and node_name.
 */
export const fusionMaps = defineDataset({
  name: "fusion_maps",
  doc: "per optimized-graph node: the original ops it replaced (e.g. Conv+BatchNormalization+Relu -> FusedConv(Relu)) and their FLOPs",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model name"},
    {name: "runtime", type: "VARCHAR", doc: "ort-cpu, ort-wasm or ort-cuda"},
    {name: "opt_level", type: "VARCHAR", doc: "ORT graph optimization level of the optimized graph"},
    {name: "batch", type: "INTEGER", doc: "batch size the FLOPs are for"},
    {name: "source_file", type: "VARCHAR", doc: "the profile of the same configuration (op_profiles.source_file)"},
    {name: "node_name", type: "VARCHAR", nullable: true, doc: "the optimized node (as named in the profile); null for a removed original node"},
    {name: "op_type", type: "VARCHAR", nullable: true, doc: "the optimized node's op type (Conv, FusedConv, ReorderOutput, ...); null for a removed node"},
    {name: "fused_domain", type: "VARCHAR", nullable: true, doc: "the optimized node's domain (com.microsoft, com.microsoft.nchwc); null for the default domain"},
    {name: "fused_activation", type: "VARCHAR", nullable: true, doc: "the activation fused into the node (its 'activation' attribute)"},
    {name: "kind", type: "VARCHAR", doc: "kept (same op), replaced (one original op, another kernel), fused (several ops in one kernel), inserted (no original op, e.g. a layout reorder), removed (an original op no kernel runs), unmatched (origin not found)"},
    {name: "original_ops", type: "VARCHAR", nullable: true, doc: "op types of the original nodes it replaced, in graph order, joined with '+' (e.g. Conv+BatchNormalization+Add+Relu); null when none"},
    {name: "original_nodes", type: "VARCHAR", doc: "JSON array of the original node names"},
    {name: "original_count", type: "INTEGER", doc: "how many original nodes it replaced"},
    {name: "flops", type: "DOUBLE", nullable: true, doc: "FLOPs of one execution: the sum over the original nodes (models info's rules, at this batch); null when one of them cannot be counted"},
    {name: "graph_source", type: "VARCHAR", doc: "where the optimized graph came from (see op_profile_runs.graph_source)"}
  ]
});

/** The host's roofline ceilings (loaders/profile/roofline.ts), measured once per host by `inferscope profile roofline`. */
export const rooflineHost = defineDataset({
  name: "roofline_host",
  doc: "this host's measured peak compute (large GEMM in onnxruntime-node) and memory bandwidth (large copies), per thread count",
  columns: [
    {name: "metric", type: "VARCHAR", doc: "'compute' (GFLOP/s) or 'memory' (GB/s)"},
    {name: "method", type: "VARCHAR", doc: "what was timed, e.g. 'ort MatMul 1024x1024x1024 fp32', 'TypedArray.set 256 MiB', 'ort Add 64Mi fp32'"},
    {name: "threads", type: "INTEGER", doc: "threads the measurement used"},
    {name: "best", type: "DOUBLE", doc: "the best repetition: GFLOP/s or GB/s (the ceiling)"},
    {name: "median", type: "DOUBLE", doc: "the median repetition, same unit"},
    {name: "unit", type: "VARCHAR", doc: "GFLOP/s or GB/s"},
    {name: "work", type: "DOUBLE", doc: "FLOPs or bytes moved (read + written) per repetition"},
    {name: "samples_ms", type: "DOUBLE[]", doc: "every timed repetition, ms"}
  ]
});

/**
 * Batch sweeps (loaders/sweep/batch.ts, `inferscope sweep batch`): one row per batch size, measured in a
 * child process for a fixed window while this process records power. Power columns are null when the
 * run had no power source (power_source 'none', power_note says why); the power series keep every sample.
 */
export const batchSweep = defineDataset({
  name: "batch_sweep",
  doc: "one row per batch size of a batch sweep: throughput, latency percentiles, power and energy per inference",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model name (zoo name or file base name)"},
    {name: "model_file", type: "VARCHAR", doc: "path of the ONNX file that ran"},
    {name: "runtime", type: "VARCHAR", doc: "ort-cpu, ort-wasm or ort-cuda"},
    {name: "device", type: "VARCHAR", doc: "cpu, or gpu:<name> for ort-cuda"},
    {name: "threads", type: "INTEGER", doc: "intra-op threads"},
    {name: "opt_level", type: "VARCHAR", doc: "ORT graph optimization level"},
    {name: "batch", type: "INTEGER", doc: "inferences per request"},
    {name: "status", type: "VARCHAR", doc: "ok, or failed (error says why, e.g. out of memory at a large batch)"},
    {name: "error", type: "VARCHAR", nullable: true, doc: "why the batch size failed"},
    {name: "warmup_runs", type: "INTEGER", nullable: true, doc: "untimed requests before the window"},
    {name: "runs", type: "INTEGER", nullable: true, doc: "requests completed in the window (one at a time, back to back)"},
    {name: "window_s", type: "DOUBLE", nullable: true, doc: "length of the measurement window, s"},
    {name: "window_start_s", type: "DOUBLE", nullable: true, doc: "when the window began, s after the sweep started (windows of one sweep share this clock)"},
    {name: "requests_per_s", type: "DOUBLE", nullable: true, doc: "requests completed per second in the window"},
    {name: "throughput_infer_per_s", type: "DOUBLE", nullable: true, doc: "inferences per second = requests per second x batch (the maximum: requests back to back)"},
    {name: "p50_ms", type: "DOUBLE", nullable: true, doc: "median request latency, ms"},
    {name: "p90_ms", type: "DOUBLE", nullable: true, doc: "90th percentile request latency, ms"},
    {name: "p95_ms", type: "DOUBLE", nullable: true, doc: "95th percentile request latency, ms"},
    {name: "p99_ms", type: "DOUBLE", nullable: true, doc: "99th percentile request latency, ms"},
    {name: "mean_ms", type: "DOUBLE", nullable: true, doc: "mean request latency, ms"},
    {name: "min_ms", type: "DOUBLE", nullable: true, doc: "fastest request, ms"},
    {name: "max_ms", type: "DOUBLE", nullable: true, doc: "slowest request, ms"},
    {name: "samples_ms", type: "DOUBLE[]", nullable: true, doc: "latency of every request in the window, ms"},
    {name: "session_create_ms", type: "DOUBLE", nullable: true, doc: "time to create the session, ms"},
    {name: "power_source", type: "VARCHAR", doc: "nvidia-smi, powercap or none (detected at run time)"},
    {name: "power_device", type: "VARCHAR", nullable: true, doc: "what was measured: gpu:<name>, cpu:<zone names>; null with no source"},
    {name: "power_note", type: "VARCHAR", nullable: true, doc: "why power is missing or partial"},
    {name: "avg_power_w", type: "DOUBLE", nullable: true, doc: "mean power over the window, W (null without a source)"},
    {name: "energy_j", type: "DOUBLE", nullable: true, doc: "energy over the window, J"},
    {name: "infer_per_joule", type: "DOUBLE", nullable: true, doc: "energy efficiency: inferences per joule = throughput / power"},
    {name: "power_coverage", type: "DOUBLE", nullable: true, doc: "share of the window the power samples cover (0-1)"},
    {name: "power_t_s", type: "DOUBLE[]", nullable: true, doc: "time of each power sample in the window, s after the sweep started"},
    {name: "power_w", type: "DOUBLE[]", nullable: true, doc: "each power sample, W (mean over the interval since the previous sample)"},
    {name: "sm_clock_mhz", type: "DOUBLE[]", nullable: true, doc: "GPU SM clock at each sample (nvidia-smi only), MHz"},
    {name: "temp_c", type: "DOUBLE[]", nullable: true, doc: "GPU temperature at each sample (nvidia-smi only), degrees C"}
  ]
});

/**
 * Dynamic batching (loaders/sweep/dynamic.ts, `inferscope sweep dynamic`): the reference server started
 * with one batcher configuration, driven by the load generator at several request rates; one row per
 * configuration x request rate as the load generator reported it.
 */
export const dynamicBatching = defineDataset({
  name: "dynamic_batching",
  doc: "one row per dynamic-batcher configuration x request rate: throughput and latency percentiles from the load generator",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model served"},
    {name: "config_label", type: "VARCHAR", doc: "the batcher configuration, e.g. 'max 8 · preferred 4,8 · delay 2000 µs · 1 instance'"},
    {name: "max_batch", type: "INTEGER", doc: "--max-batch of the server"},
    {name: "preferred_batch", type: "VARCHAR", nullable: true, doc: "--preferred-batch of the server (comma-separated), null when none"},
    {name: "max_queue_delay_us", type: "DOUBLE", doc: "--max-queue-delay-us: how long the batcher may hold a request to form a batch"},
    {name: "instances", type: "INTEGER", doc: "model instances in the server"},
    {name: "distribution", type: "VARCHAR", doc: "request arrival process (poisson or constant)"},
    {name: "request_rate", type: "DOUBLE", doc: "requests per second offered"},
    {name: "client_batch", type: "INTEGER", doc: "inferences per request sent by the client"},
    {name: "concurrency", type: "DOUBLE", nullable: true, doc: "requests in flight, as the load generator reports it"},
    {name: "throughput_infer_per_s", type: "DOUBLE", doc: "inferences per second completed"},
    {name: "p50_us", type: "DOUBLE", doc: "median latency, µs"},
    {name: "p90_us", type: "DOUBLE", doc: "90th percentile latency, µs"},
    {name: "p95_us", type: "DOUBLE", nullable: true, doc: "95th percentile latency, µs"},
    {name: "p99_us", type: "DOUBLE", doc: "99th percentile latency, µs"},
    {name: "avg_us", type: "DOUBLE", nullable: true, doc: "mean latency, µs"},
    {name: "server_queue_us", type: "DOUBLE", nullable: true, doc: "mean time a request waited in the server's queue, µs"},
    {name: "server_compute_us", type: "DOUBLE", nullable: true, doc: "mean compute time per request in the server, µs"}
  ]
});

/**
 * Recommendations (loaders/sweep/recommend.ts): for each request rate, the batch size and queue delay
 * that the batch sweep's profile predicts meet the latency bound with the best efficiency (or, without
 * power, the most throughput headroom), beside what the dynamic-batching sweep measured.
 */
export const batchRecommendations = defineDataset({
  name: "batch_recommendations",
  doc: "per request rate: the batch size / queue delay predicted from the batch profile to meet a latency bound, and the measurement beside it",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model"},
    {name: "profile_run_id", type: "VARCHAR", doc: "the batch_sweep run the prediction used"},
    {name: "request_rate", type: "DOUBLE", doc: "requests per second"},
    {name: "latency_bound_ms", type: "DOUBLE", doc: "the bound on p99 latency, ms"},
    {name: "objective", type: "VARCHAR", doc: "what was maximized among batch sizes meeting the bound: 'efficiency' (inferences per joule) or 'throughput' (capacity, when the profile has no power)"},
    {name: "feasible", type: "BOOLEAN", doc: "whether some profiled batch size meets the bound at this rate"},
    {name: "batch", type: "INTEGER", nullable: true, doc: "recommended batch size"},
    {name: "max_queue_delay_us", type: "DOUBLE", nullable: true, doc: "recommended queue delay: time to collect the batch at this rate, µs"},
    {name: "predicted_p99_ms", type: "DOUBLE", nullable: true, doc: "predicted p99: waiting for the batch to fill + the profile's p99 at that batch, ms"},
    {name: "utilisation", type: "DOUBLE", nullable: true, doc: "predicted busy share of the model: rate x latency / batch"},
    {name: "infer_per_joule", type: "DOUBLE", nullable: true, doc: "the profile's efficiency at that batch"},
    {name: "capacity_infer_per_s", type: "DOUBLE", nullable: true, doc: "the profile's throughput at that batch"},
    {name: "note", type: "VARCHAR", nullable: true, doc: "why nothing meets the bound, or what the choice rests on"},
    {name: "measured_config", type: "VARCHAR", nullable: true, doc: "the measured configuration closest to the recommendation"},
    {name: "measured_p99_ms", type: "DOUBLE", nullable: true, doc: "its measured p99 at this rate, ms"},
    {name: "measured_throughput", type: "DOUBLE", nullable: true, doc: "its measured throughput, inferences/s"},
    {name: "best_measured_config", type: "VARCHAR", nullable: true, doc: "among measured configurations meeting the bound at this rate, the one with the most throughput (then the largest max batch)"},
    {name: "best_measured_p99_ms", type: "DOUBLE", nullable: true, doc: "its measured p99, ms"}
  ]
});

/**
 * Sync versus async pipelines (loaders/pipeline/, `inferscope sweep pipeline`): one row per worker per
 * mode; the mode's totals are repeated on each of its rows.
 */
export const pipelineRuns = defineDataset({
  name: "pipeline_runs",
  doc: "one row per worker per pipeline mode (sync loop, parallel runners, submit/receive queue): totals, latency and the worker's time split",
  columns: [
    {name: "model", type: "VARCHAR", doc: "model"},
    {name: "model_file", type: "VARCHAR", doc: "path of the ONNX file"},
    {name: "runtime", type: "VARCHAR", doc: "ort-cpu (onnxruntime-node in worker threads)"},
    {name: "threads", type: "INTEGER", doc: "intra-op threads of each session"},
    {name: "mode", type: "VARCHAR", doc: "sync (one loop), parallel (N runners, one session each, each doing pre, inference, post) or queue (the main thread pre/post-processes and submits to N inference workers)"},
    {name: "workers", type: "INTEGER", doc: "N: runners or inference workers (1 for sync)"},
    {name: "images", type: "INTEGER", doc: "images requested"},
    {name: "images_done", type: "INTEGER", doc: "images processed (equals images unless cancelled)"},
    {name: "image_size", type: "VARCHAR", doc: "size of the generated source images, WxH"},
    {name: "input_size", type: "VARCHAR", doc: "model input after resizing, CxHxW"},
    {name: "total_s", type: "DOUBLE", doc: "wall time of the mode, first image to last result, s"},
    {name: "throughput_img_per_s", type: "DOUBLE", doc: "images per second"},
    {name: "p50_ms", type: "DOUBLE", doc: "median per-image latency (pre-processing start to post-processing end), ms"},
    {name: "p90_ms", type: "DOUBLE", doc: "90th percentile latency, ms"},
    {name: "p99_ms", type: "DOUBLE", doc: "99th percentile latency, ms"},
    {name: "mean_ms", type: "DOUBLE", doc: "mean latency, ms"},
    {name: "top1_digest", type: "VARCHAR", doc: "hash of every image's top-5 classes in image order: equal across modes when they computed the same results"},
    {name: "worker", type: "VARCHAR", doc: "the worker: 'loop', 'runner 1..N', 'host' (queue mode's main thread) or 'inference 1..N'"},
    {name: "role", type: "VARCHAR", doc: "loop, runner, host or inference"},
    {name: "worker_images", type: "INTEGER", doc: "images this worker handled"},
    {name: "infer_ms", type: "DOUBLE", doc: "time this worker spent in session.run, ms"},
    {name: "prepost_ms", type: "DOUBLE", doc: "time this worker spent generating, resizing, normalizing and post-processing (softmax, top-5), ms"},
    {name: "idle_ms", type: "DOUBLE", doc: "the rest of the mode's wall time, ms"},
    {name: "infer_pct", type: "DOUBLE", doc: "inference busy share of the wall time, %"},
    {name: "prepost_pct", type: "DOUBLE", doc: "pre/post-processing share, %"},
    {name: "idle_pct", type: "DOUBLE", doc: "idle share, %"}
  ]
});

/**
 * Fleet collection (`inferscope fleet run`): one row per device per fleet run, and per run the device
 * sent back. The rows of that remote run keep the device's own host fingerprint; join them here on
 * remote_run_id = run_id to name the device they came from. A device that failed has one row with
 * status failed or timeout and no remote_run_id.
 */
export const fleetDevices = defineDataset({
  name: "fleet_devices",
  doc: "fleet runs: per device, how it went and which remote runs it brought back",
  columns: [
    {name: "device", type: "VARCHAR", doc: "the device's name in the inventory"},
    {name: "destination", type: "VARCHAR", doc: "how it was reached: an ssh config alias, or user@host:port"},
    {name: "mode", type: "VARCHAR", doc: "npm (inferscope installed there) or container"},
    {name: "image", type: "VARCHAR", nullable: true, doc: "container mode: engine and image, e.g. 'docker ghcr.io/you/inferscope-ort-cuda:1.30'"},
    {name: "tags", type: "VARCHAR", doc: "the device's tags from the inventory, comma-separated"},
    {name: "arch", type: "VARCHAR", nullable: true, doc: "uname -m on the device, when it was reached"},
    {name: "args", type: "VARCHAR", doc: "the inferscope command run there, e.g. 'bench --models tiny_cnn'"},
    {name: "status", type: "VARCHAR", doc: "ok, failed, or timeout"},
    {name: "error_code", type: "VARCHAR", nullable: true, doc: "why it failed, as a stable name: connection_refused, auth_failed, host_key_unknown, host_key_changed, timeout, unknown_host, unreachable, command_missing, remote_failed, merge_failed"},
    {name: "error", type: "VARCHAR", nullable: true, doc: "why it failed, for people"},
    {name: "exit_code", type: "INTEGER", nullable: true, doc: "inferscope's exit code on the device, when it got that far"},
    {name: "remote_run_id", type: "VARCHAR", nullable: true, doc: "a run the device sent back (its rows carry this run_id and the device's host fingerprint)"},
    {name: "remote_kind", type: "VARCHAR", nullable: true, doc: "that run's kind: bench, profile, ..."},
    {name: "remote_host_id", type: "VARCHAR", nullable: true, doc: "host_id of the device's fingerprint, as its rows carry it"},
    {name: "remote_host_name", type: "VARCHAR", nullable: true, doc: "the device's hostname"},
    {name: "rows_merged", type: "BIGINT", doc: "rows of that run merged into this store (0 when skipped as already present, or failed)"},
    {name: "duration_s", type: "DOUBLE", doc: "wall time on the device, from connecting to the data being back, s"}
  ]
});

/**
 * INT8 post-training quantization (loaders/quantize/): one row per quantized model made by
 * `inferscope quantize` or `inferscope quantize study`, with how it was calibrated, what the QDQ rewrite
 * quantized or left in float, its agreement with the float model and, from the study, FP32 and INT8
 * latency (the same measurements are bench_results rows of the run).
 */
export const quantResults = defineDataset({
  name: "quant_results",
  doc: "one row per INT8 (QDQ) model: calibration method, samples, what was quantized, agreement with FP32, latency",
  columns: [
    {name: "model", type: "VARCHAR", doc: "the float model: zoo name or file base name"},
    {name: "model_file", type: "VARCHAR", doc: "path of the float ONNX file"},
    {name: "quant_file", type: "VARCHAR", doc: "path of the quantized ONNX file written"},
    {name: "quant_model", type: "VARCHAR", doc: "the quantized file's base name (its model name in bench_results)"},
    {name: "method", type: "VARCHAR", doc: "calibration method: minmax, percentile or entropy"},
    {name: "method_label", type: "VARCHAR", doc: "the method as given, e.g. percentile=99.99"},
    {name: "percentile", type: "DOUBLE", nullable: true, doc: "the percentile for method percentile"},
    {name: "activations", type: "VARCHAR", doc: "'uint8 asymmetric' or 'int8 symmetric' (weights are always int8 symmetric per channel)"},
    {name: "uint8_input", type: "BOOLEAN", doc: "the model takes uint8 pixels (the input's quantize step folded into preprocessing)"},
    {name: "samples", type: "INTEGER", doc: "calibration inputs"},
    {name: "calibration_kind", type: "VARCHAR", doc: "'generated' (deterministic synthetic images, no real data) or 'images' (a folder the user gave)"},
    {name: "calibration_source", type: "VARCHAR", doc: "the calibration inputs in words (which seeds or folder)"},
    {name: "heldout_samples", type: "INTEGER", doc: "held-out inputs the agreement was measured on (never used for calibration)"},
    {name: "heldout_kind", type: "VARCHAR", doc: "'generated' or 'images'"},
    {name: "heldout_source", type: "VARCHAR", doc: "the held-out inputs in words"},
    {name: "sqnr_samples", type: "INTEGER", doc: "held-out inputs the per-layer SQNR was summed over"},
    {name: "opset_from", type: "INTEGER", doc: "the float model's opset"},
    {name: "opset_to", type: "INTEGER", doc: "the quantized model's opset: the float model's (models below opset 13 are refused)"},
    {name: "quantized_nodes", type: "INTEGER", doc: "nodes quantized (inputs and output through QuantizeLinear/DequantizeLinear)"},
    {name: "quantized_ops", type: "VARCHAR", doc: "JSON object: op type -> nodes quantized"},
    {name: "removed_activations", type: "INTEGER", doc: "Relu/Clip nodes folded into the quantization of their producer's output (uint8 activations only)"},
    {name: "float_nodes", type: "INTEGER", doc: "nodes left in float"},
    {name: "float_ops", type: "VARCHAR", doc: "JSON object: op type -> nodes left in float"},
    {name: "float_node_list", type: "VARCHAR", doc: "JSON array of the nodes left in float: {name, op_type, reason}"},
    {name: "qdq_pairs", type: "INTEGER", doc: "QuantizeLinear -> DequantizeLinear pairs on activations"},
    {name: "weight_dq", type: "INTEGER", doc: "DequantizeLinear nodes on int8 per-channel weights"},
    {name: "bias_dq", type: "INTEGER", doc: "DequantizeLinear nodes on int32 biases"},
    {name: "status", type: "VARCHAR", doc: "ok, or failed (error says why)"},
    {name: "error", type: "VARCHAR", nullable: true, doc: "why quantizing or evaluating failed"},
    {name: "top1_agreement", type: "DOUBLE", nullable: true, doc: "share of held-out inputs whose top-1 class is the same as the float model's"},
    {name: "top5_overlap", type: "DOUBLE", nullable: true, doc: "mean share of the float model's top-5 classes found in the quantized top-5"},
    {name: "cosine_mean", type: "DOUBLE", nullable: true, doc: "mean cosine similarity of float and quantized outputs"},
    {name: "cosine_min", type: "DOUBLE", nullable: true, doc: "lowest cosine similarity over the held-out inputs"},
    {name: "output_sqnr_db", type: "DOUBLE", nullable: true, doc: "signal-to-quantization-noise ratio of the output, dB (10 log10 sum f^2 / sum (f - q)^2)"},
    {name: "agreement_on", type: "VARCHAR", nullable: true, doc: "what cosine and output SQNR compare: logits 'T' (the input of a final Softmax) or output; null in rows written before it was recorded (output)"},
    {name: "layer_sqnr_mean_db", type: "DOUBLE", nullable: true, doc: "mean per-layer SQNR over the quantized tensors, dB"},
    {name: "layer_sqnr_min_db", type: "DOUBLE", nullable: true, doc: "lowest per-layer SQNR, dB"},
    {name: "worst_layer", type: "VARCHAR", nullable: true, doc: "the tensor with the lowest SQNR"},
    {name: "calibrate_ms", type: "DOUBLE", nullable: true, doc: "time to run the calibration inputs and collect statistics, ms (shared by the methods of a study)"},
    {name: "quantize_ms", type: "DOUBLE", nullable: true, doc: "time to compute ranges and rewrite the graph, ms"},
    {name: "runtime", type: "VARCHAR", nullable: true, doc: "where latency was measured: ort-cpu (study only)"},
    {name: "threads", type: "INTEGER", nullable: true, doc: "intra-op threads of the latency measurement"},
    {name: "opt_level", type: "VARCHAR", nullable: true, doc: "ORT graph optimization level of the latency measurement (all: QDQ fused into integer kernels)"},
    {name: "fp32_median_ms", type: "DOUBLE", nullable: true, doc: "median latency of the float model, batch 1, ms (bench_results row of the same run)"},
    {name: "int8_median_ms", type: "DOUBLE", nullable: true, doc: "median latency of the quantized model, batch 1, ms"},
    {name: "speedup", type: "DOUBLE", nullable: true, doc: "fp32_median_ms / int8_median_ms"}
  ]
});

/** Per quantized tensor of each quant_results model: its calibrated range, scale, zero point and SQNR. Joined on run_id and quant_file. */
export const quantLayers = defineDataset({
  name: "quant_layers",
  doc: "per quantized activation tensor: calibrated range, scale and zero point, SQNR against the float model",
  columns: [
    {name: "model", type: "VARCHAR", doc: "the float model"},
    {name: "quant_file", type: "VARCHAR", doc: "the quantized model (quant_results.quant_file)"},
    {name: "method_label", type: "VARCHAR", doc: "calibration method, e.g. minmax, percentile=99.99"},
    {name: "activations", type: "VARCHAR", doc: "'uint8 asymmetric' or 'int8 symmetric'"},
    {name: "samples", type: "INTEGER", doc: "calibration inputs"},
    {name: "layer_index", type: "INTEGER", doc: "position of the tensor in graph order (0 = first quantized tensor)"},
    {name: "tensor", type: "VARCHAR", doc: "the tensor's name (the same in the float and quantized graphs)"},
    {name: "node", type: "VARCHAR", doc: "the node producing it in the float graph (after ORT's basic optimizations: BatchNormalization folded into Conv)"},
    {name: "op_type", type: "VARCHAR", doc: "that node's op type; 'Conv+Relu' when a Relu/Clip was folded into the quantization; 'input' for the graph input"},
    {name: "range_min", type: "DOUBLE", doc: "calibrated range, low end"},
    {name: "range_max", type: "DOUBLE", doc: "calibrated range, high end"},
    {name: "scale", type: "DOUBLE", doc: "quantization scale"},
    {name: "zero_point", type: "INTEGER", doc: "quantization zero point"},
    {name: "sqnr_db", type: "DOUBLE", nullable: true, doc: "10 log10(sum x^2 / sum (x - x_q)^2) on the held-out inputs, dB; null for the graph input"}
  ]
});

/** All datasets, by name. Later modules add theirs here so the reader can create a view for each. */
/**
 * Load steps measured live by `inferscope load` (loaders/loadgen/): one row per concurrency or request
 * rate, with what perf_analyzer's CSV cannot hold (batch, windows, stability, server batching).
 */
export const loadSteps = defineDataset({
  name: "load_steps",
  doc: "one row per load level of `inferscope load` against a KServe v2 server: client latency, throughput and the server's stages from its statistics",
  columns: [
    {name: "url", type: "VARCHAR", doc: "server URL the load went to"},
    {name: "model", type: "VARCHAR", doc: "model name on the server"},
    {name: "csv_file", type: "VARCHAR", nullable: true, doc: "the perf_analyzer-format CSV written with the same steps (--out)"},
    {name: "load_mode", type: "VARCHAR", doc: "'concurrency' or 'request_rate'"},
    {name: "concurrency", type: "INTEGER", nullable: true, doc: "outstanding requests kept in flight"},
    {name: "request_rate", type: "DOUBLE", nullable: true, doc: "requests per second sent"},
    {name: "distribution", type: "VARCHAR", nullable: true, doc: "request rate mode: 'constant' or 'poisson' gaps between sends"},
    {name: "batch", type: "INTEGER", doc: "batch rows in each request"},
    {name: "throughput_infer_per_s", type: "DOUBLE", doc: "inferences per second (completed requests x batch) over the merged windows"},
    {name: "p50_us", type: "DOUBLE", doc: "client latency p50, us"},
    {name: "p90_us", type: "DOUBLE", doc: "client latency p90, us"},
    {name: "p95_us", type: "DOUBLE", doc: "client latency p95, us"},
    {name: "p99_us", type: "DOUBLE", doc: "client latency p99, us"},
    {name: "avg_us", type: "DOUBLE", doc: "client latency mean, us"},
    {name: "client_send_us", type: "DOUBLE", doc: "mean time to send a request body, us"},
    {name: "client_recv_us", type: "DOUBLE", doc: "mean time from the first response byte to the whole response, us"},
    {name: "server_queue_us", type: "DOUBLE", nullable: true, doc: "server queue per request from its statistics counters, us (null without the statistics extension)"},
    {name: "server_compute_input_us", type: "DOUBLE", nullable: true, doc: "server compute input per request, us"},
    {name: "server_compute_infer_us", type: "DOUBLE", nullable: true, doc: "server compute infer per request, us"},
    {name: "server_compute_output_us", type: "DOUBLE", nullable: true, doc: "server compute output per request, us"},
    {name: "server_compute_us", type: "DOUBLE", nullable: true, doc: "input + infer + output, us"},
    {name: "network_server_us", type: "DOUBLE", nullable: true, doc: "client wait minus server queue and compute (perf_analyzer's Network+Server Send/Recv), us"},
    {name: "server_executions", type: "BIGINT", nullable: true, doc: "model executions in the merged windows"},
    {name: "server_avg_batch", type: "DOUBLE", nullable: true, doc: "mean executed batch: inference_count / execution_count over the windows (dynamic batching at work when > batch)"},
    {name: "requests", type: "BIGINT", doc: "requests completed in the merged windows"},
    {name: "errors", type: "BIGINT", doc: "requests that failed in the merged windows"},
    {name: "first_error", type: "VARCHAR", nullable: true, doc: "the first failure's status and message"},
    {name: "windows", type: "INTEGER", doc: "measurement windows run at this level"},
    {name: "stable", type: "BOOLEAN", doc: "true when the last 3 windows agreed within --stability-pct; false when --max-windows ran out first"},
    {name: "window_ms", type: "INTEGER", doc: "window length, ms"},
    {name: "delayed_sends", type: "BIGINT", nullable: true, doc: "request rate mode: sends more than 1 ms behind schedule (the client could not keep up)"}
  ]
});

export const DATASETS: Record<string, Dataset> = {
  batch_sweep: batchSweep,
  dynamic_batching: dynamicBatching,
  batch_recommendations: batchRecommendations,
  pipeline_runs: pipelineRuns,
  runs,
  bench_results: benchResults,
  import_diagnostics: importDiagnostics,
  op_profiles: opProfiles,
  op_profile_runs: opProfileRuns,
  fusion_maps: fusionMaps,
  roofline_host: rooflineHost,
  partition_profiles: partitionProfiles,
  partition_plans: partitionPlans,
  partition_runs: partitionRuns,
  triton_requests: tritonRequests,
  perf_analyzer: perfAnalyzer,
  net_events: netEvents,
  load_steps: loadSteps,
  fleet_devices: fleetDevices,
  quant_results: quantResults,
  quant_layers: quantLayers
};

export function dataset(name: string): Dataset {
  const d = DATASETS[name];
  if (!d) throw new Error(`unknown dataset '${name}' (known: ${Object.keys(DATASETS).join(", ")})`);
  return d;
}
