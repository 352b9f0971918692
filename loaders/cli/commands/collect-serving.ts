import {existsSync, mkdirSync, readdirSync, writeFileSync} from "node:fs";
import {join, resolve} from "node:path";
import {defineCommand} from "../command.ts";
import {UserError} from "../../common/errors.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {Progress, log} from "../../common/progress.ts";
import {Diagnostics} from "../../formats/common/diagnostics.ts";
import {storeImport} from "../../formats/common/store-import.ts";
import {readTritonTraces} from "../../formats/triton-trace/reader.ts";
import {requestRow, type TritonRequestRow} from "../../formats/triton-trace/rows.ts";
import {Clock} from "../../formats/triton-trace/parser.ts";
import {perfAnalyzerCsv} from "../../loadgen/csv.ts";
import {parseRange} from "../../loadgen/range.ts";
import {runLoad, type StepResult} from "../../loadgen/run.ts";
import {loadStepRows, perfAnalyzerRows} from "../../loadgen/store-rows.ts";
import {detectNetCapability} from "../../net/capability.ts";
import {startNetTrace, type NetTrace} from "../../net/collector.ts";
import {readNetLog} from "../../net/import.ts";
import {resolveServedModel} from "../../serve/resolve-model.ts";
import {spawnServer, type ServerProcess} from "../../serve/spawn.ts";
import {loadSteps, netEvents, perfAnalyzer, tritonRequests} from "../../store/datasets.ts";
import {PROJECT_ROOT} from "../../store/store.ts";
import {stepJson} from "./load.ts";

const fmt = (v: number | null, d = 0) => (v === null || !Number.isFinite(v) ? "-" : v.toFixed(d));

export default defineCommand({
  usage: "[--model <name>] [--concurrency a:b:step] [--trace-rate <n>] [--dir <dir>] [--no-net]",
  description:
    "The Timeline page's live collection on this machine: start the reference server (`inferscope serve`) with Triton-format tracing, sweep concurrency with the load generator, record TCP events with bpftrace where the machine allows, and import the trace, the perf_analyzer CSV, the load steps and the network log into the store as one run.",
  options: {
    model: {type: "string", arg: "NAME", default: "squeezenet1_1", description: "zoo model to serve (small, so the whole collection takes about a minute)"},
    concurrency: {type: "string", arg: "A:B:STEP", default: "1:4:1", description: "concurrency levels"},
    batch: {type: "string", arg: "N", default: "1", description: "batch rows per request"},
    "trace-rate": {type: "string", arg: "N", default: "2", description: "trace every N-th request"},
    "window-ms": {type: "string", arg: "MS", default: "2000", description: "measurement window"},
    "max-windows": {type: "string", arg: "N", default: "4", description: "windows per level at most"},
    "max-batch": {type: "string", arg: "N", default: "8", description: "the server's max_batch_size (dynamic batching, no queue delay)"},
    dir: {type: "string", arg: "DIR", description: "where the trace, CSV and network log go (default data/logs/serving/<time>)"},
    "no-net": {type: "boolean", description: "do not run bpftrace"},
    json: {type: "boolean", description: "print the load steps (one JSON object each) and the import result"}
  },
  positionals: false,
  details: "Ctrl-C stops after the current measurement window, stops the server (its trace file is completed) and imports what was measured.",
  async run({values}) {
    const levels = parseRange("--concurrency", values.concurrency ?? "1:4:1");
    const traceRate = Number(values["trace-rate"]);
    if (!Number.isInteger(traceRate) || traceRate < 1) throw new UserError(`--trace-rate: ${JSON.stringify(values["trace-rate"])} is not a positive integer`);
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const dir = resolve(values.dir ?? join(PROJECT_ROOT, "data", "logs", "serving", stamp));
    mkdirSync(dir, {recursive: true});
    const traceFile = join(dir, "trace.json");
    const csvFile = join(dir, "perf.csv");
    const netLog = join(dir, "net.log");
    const progress = new Progress({total: 4 + levels.length, label: "collect serving", work: [2, 1, 1, ...levels.map(() => 4), 1]});
    const cancel = cancelOnSigint("the serving collection");
    let server: ServerProcess | null = null;
    let net: NetTrace | null = null;
    let steps: StepResult[] = [];
    let netNote = "";
    try {
      progress.start(`model ${values.model} (built on first use)`);
      const model = await resolveServedModel(values.model ?? "squeezenet1_1");
      progress.finish(model.file);

      progress.start("starting the reference server with tracing");
      server = await spawnServer(["--model", model.file, "--port", "0", "--trace-file", traceFile, "--trace-rate", String(traceRate), "--max-batch", values["max-batch"] ?? "8"]);
      progress.finish(`${server.url}, tracing ${traceRate === 1 ? "every request" : `one request in ${traceRate}`} to ${traceFile}`);

      progress.start("network tracing (bpftrace)");
      if (values["no-net"]) netNote = "network tracing off (--no-net)";
      else {
        const cap = await detectNetCapability();
        if (!cap.ok || !cap.script) netNote = `no network trace: ${cap.reason}`;
        else {
          try {
            net = await startNetTrace({port: server.port, log: netLog, script: cap.script});
            netNote = `bpftrace ${cap.script} script on port ${server.port}${cap.kprobes ? "" : ` (${cap.kprobeReason})`}`;
          } catch (error) {
            netNote = `no network trace: ${(error as Error).message}`;
          }
        }
      }
      progress.finish(netNote);

      steps = await runLoad({
        url: server.url,
        model: server.model,
        mode: "concurrency",
        levels,
        batch: Number(values.batch ?? 1),
        distribution: "constant",
        windowMs: Number(values["window-ms"] ?? 2000),
        maxWindows: Number(values["max-windows"] ?? 4),
        stabilityPct: 10,
        signal: cancel.signal,
        onStepStart: (level) => progress.start(`concurrency ${level}`),
        onStep: (s) => {
          progress.finish(`${fmt(s.throughput_infer_per_s, 1)} infer/s, p50 ${fmt(s.p50_us)} us, p99 ${fmt(s.p99_us)} us; server queue ${fmt(s.server_queue_us)} us, compute ${fmt(s.server_compute_us)} us${s.stable ? "" : " (not stable)"}`);
          if (values.json) process.stdout.write(`${JSON.stringify(stepJson(s))}\n`);
        }
      }).catch((error) => {
        if (cancel.signal.aborted) return [] as StepResult[];
        throw error;
      });
    } finally {
      // Stop in this order: the load is done, the server completes its trace file, bpftrace its log.
      const stopped = server ? await server.stop() : null;
      if (net) await net.stop();
      cancel.dispose();
      if (stopped && stopped.exitCode !== 0) log(`collect serving: the server exited with ${stopped.exitCode}: ${stopped.stderr.trim().split("\n").slice(-2).join(" ")}`);
    }

    progress.start("importing the trace, the CSV and the network log");
    const diagnostics = new Diagnostics();
    const traceFiles = readdirSync(dir).filter((f) => f === "trace.json" || /^trace\.json\.\d+$/.test(f)).map((f) => join(dir, f));
    const tritonRows: TritonRequestRow[] = [];
    if (traceFiles.length) {
      const clock = new Clock();
      await readTritonTraces(traceFiles, {diagnostics, clock, onRequest: (r) => tritonRows.push(requestRow(r, clock))});
    }
    const csv = perfAnalyzerCsv(steps);
    if (steps.length) writeFileSync(csvFile, csv);
    const perf = steps.length ? perfAnalyzerRows(csv, csvFile, server!.model) : null;
    const netRows = net && existsSync(netLog) ? readNetLog(netLog, diagnostics) : null;
    if (!tritonRows.length && !steps.length) throw new UserError("collect serving: nothing was measured (cancelled before the first step?)");
    const result = await storeImport({
      kind: "collect serving",
      config: {model: values.model, levels, traceRate, batch: values.batch, maxBatch: values["max-batch"], windowMs: values["window-ms"], maxWindows: values["max-windows"], dir, net: netNote},
      sourceFile: dir,
      format: "inferscope-serving",
      writes: [
        {dataset: tritonRequests, rows: tritonRows},
        ...(perf ? [{dataset: perfAnalyzer, rows: perf.rows}] : []),
        {dataset: loadSteps, rows: loadStepRows(steps, {url: server!.url, model: server!.model, csvFile: steps.length ? csvFile : null, distribution: "constant"})},
        {dataset: netEvents, rows: netRows?.rows ?? []}
      ],
      diagnostics
    });
    progress.finish(`run ${result.run_id}: ${tritonRows.length} traced requests, ${steps.length} load levels, ${netRows ? `${netRows.rows.length} network events${netRows.lostEvents ? ` (${netRows.lostEvents} lost)` : ""}` : netNote}`);
    if (values.json) process.stdout.write(`${JSON.stringify({...result, dir, trace_files: traceFiles, net: netNote})}\n`);
    else process.stdout.write(`collected ${tritonRows.length} traced requests and ${steps.length} load levels into the store (run ${result.run_id}); files in ${dir}\n`);
    return cancel.signal.aborted ? 130 : 0;
  }
});
