import {defineCommand} from "../command.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {resolveServedModel} from "../../serve/resolve-model.ts";
import {startServer} from "../../serve/server.ts";

function int(flag: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${flag}: ${JSON.stringify(v)} is not an integer >= ${min}`);
  return n;
}

export default defineCommand({
  usage: "--model <name|file.onnx> --port <n> [--trace-file <path> --trace-rate <n> --trace-level TIMESTAMPS] [--max-batch <n> --preferred-batch <a,b,...> --max-queue-delay-us <n> --instances <n>]",
  description:
    "Serve a model over the KServe v2 / Triton HTTP protocol on onnxruntime-node: health, metadata, config, infer (JSON and binary tensors), Triton's statistics and trace extensions, dynamic batching, model instances as worker threads, and Triton-format traces.",
  options: {
    model: {type: "string", arg: "NAME|FILE", description: "a zoo model (built on first use) or an ONNX file, served under its base name"},
    port: {type: "string", arg: "N", description: "port to listen on; 0 picks a free one"},
    host: {type: "string", arg: "ADDR", default: "127.0.0.1", description: "address to listen on"},
    "trace-file": {type: "string", arg: "PATH", description: "write Triton-format traces here (tritonserver --trace-file)"},
    "trace-rate": {type: "string", arg: "N", description: "trace every N-th inference request (default 1000, as Triton)"},
    "trace-level": {type: "string", arg: "LEVEL", description: "TIMESTAMPS or OFF (default TIMESTAMPS when --trace-file is given)"},
    "trace-count": {type: "string", arg: "N", description: "stop after N traces; -1 = no limit (default)"},
    "log-frequency": {type: "string", arg: "N", description: "write every N traces to <trace-file>.<index>; 0 = one file, closed at exit (default)"},
    "max-batch": {type: "string", arg: "N", description: "max_batch_size: the largest batch one execution runs (default 8; 1 = no batching)"},
    "preferred-batch": {type: "string", arg: "A,B,...", description: "the dynamic batcher's preferred batch sizes"},
    "max-queue-delay-us": {type: "string", arg: "US", description: "how long the dynamic batcher may hold a request to grow a batch (default 0)"},
    "no-dynamic-batching": {type: "boolean", description: "run every request alone (Triton without dynamic_batching)"},
    instances: {type: "string", arg: "N", description: "model instances, one worker thread and session each (default 1)"},
    threads: {type: "string", arg: "N", description: "ONNX Runtime intra-op threads per instance (default 1)"},
    "max-body-bytes": {type: "string", arg: "N", description: "largest request body accepted; larger ones get 413 (default 67108864)"}
  },
  positionals: false,
  details: [
    "Once listening it prints one line to stdout: {\"event\":\"listening\",\"url\":\"http://127.0.0.1:<port>\",\"model\":\"<name>\"}.",
    "SIGINT/SIGTERM: stops accepting, finishes the requests in flight, closes the trace file, exits 0.",
    "Timestamps are CLOCK_MONOTONIC ns, like Triton's; `inferscope import triton` and trace_summary.py read the file.",
    "",
    "Example: inferscope serve --model tiny_cnn --port 8000 --trace-file /tmp/trace.json --trace-rate 10 --max-batch 8 --max-queue-delay-us 500"
  ].join("\n"),
  async run({values}) {
    if (!values.model) throw new UserError("serve: --model is required", {hint: "e.g. inferscope serve --model tiny_cnn --port 8000"});
    if (values.port === undefined) throw new UserError("serve: --port is required (0 picks a free port)");
    const port = int("port", values.port, 0, 0);
    if (port > 65535) throw new UserError(`--port: ${port} is above 65535`);
    const level = values["trace-level"] ?? (values["trace-file"] ? "TIMESTAMPS" : "OFF");
    if (level !== "TIMESTAMPS" && level !== "OFF") throw new UserError(`--trace-level: ${JSON.stringify(level)} is not supported`, {hint: "Use TIMESTAMPS (or OFF); the reference server does not trace tensors."});
    if (level === "TIMESTAMPS" && !values["trace-file"]) throw new UserError("--trace-level TIMESTAMPS needs --trace-file");
    const preferred = values["preferred-batch"] ? values["preferred-batch"].split(",").map((s) => int("preferred-batch", s.trim(), 1, 1)) : [];
    const maxBatch = int("max-batch", values["max-batch"], 8, 1);
    const bad = preferred.find((p) => p > maxBatch);
    if (bad !== undefined) throw new UserError(`--preferred-batch ${bad} is larger than --max-batch ${maxBatch}`);
    const model = await resolveServedModel(values.model);
    const server = await startServer({
      model: model.name,
      modelFile: model.file,
      port,
      host: values.host,
      instances: int("instances", values.instances, 1, 1),
      threads: int("threads", values.threads, 1, 1),
      maxBatch,
      preferred,
      maxQueueDelayUs: int("max-queue-delay-us", values["max-queue-delay-us"], 0, 0),
      dynamicBatching: !values["no-dynamic-batching"],
      maxBodyBytes: int("max-body-bytes", values["max-body-bytes"], 64 << 20, 1),
      trace: {
        trace_file: values["trace-file"] ?? "",
        trace_level: [level],
        trace_rate: int("trace-rate", values["trace-rate"], 1000, 1),
        trace_count: int("trace-count", values["trace-count"], -1, -1),
        log_frequency: int("log-frequency", values["log-frequency"], 0, 0)
      }
    }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") throw new UserError(`port ${port} is already in use`, {hint: "Pick another --port, or --port 0 for a free one."});
      if (code === "EACCES") throw new UserError(`not allowed to listen on port ${port}`, {hint: "Ports below 1024 need root; pick another --port."});
      throw error;
    });
    const d = server.def;
    log(`inferscope serve: ${d.name} (${model.source === "zoo" ? "zoo" : model.file}) at ${server.url}; max_batch_size ${d.maxBatchSize}, ${values.instances ?? 1} instance(s)${values["trace-file"] ? `; tracing one request in ${values["trace-rate"] ?? 1000} to ${values["trace-file"]}` : ""}`);
    process.stdout.write(`${JSON.stringify({event: "listening", url: server.url, model: d.name})}\n`);
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
        log(`inferscope serve: ${sig}, stopping`);
        resolve();
      };
      const onInt = () => stop("SIGINT");
      const onTerm = () => stop("SIGTERM");
      process.on("SIGINT", onInt);
      process.on("SIGTERM", onTerm);
    });
    const files = await server.close();
    log(`inferscope serve: stopped after ${server.stats.snapshot().inference_stats.success.count} requests${files.length ? `; ${server.tracer.traced} traces in ${files.join(", ")}` : ""}`);
    return 0;
  }
});
