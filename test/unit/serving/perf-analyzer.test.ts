import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, describe, it} from "node:test";
import {fileURLToPath} from "node:url";
import {InputError} from "../../../loaders/common/errors.ts";
import {Diagnostics} from "../../../loaders/formats/common/diagnostics.ts";
import {parseGpuCell, parsePerfAnalyzerCsv} from "../../../loaders/formats/perf-analyzer/parser.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {rng} from "./triton-writer.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "inferscope-pa-"));
after(() => rmSync(dir, {recursive: true, force: true}));

interface Options {
  requestRate?: boolean;
  serverStats?: boolean;
  compute1x?: boolean;
  cache?: boolean;
  decoupled?: boolean;
  verbose?: boolean;
  avgLatency?: boolean;
  metrics?: boolean;
  percentiles?: string[];
  llm?: boolean;
}

interface Level {
  load: number;
  ips: number;
  values: Record<string, number>;
  gpu: Record<string, Record<string, number>>;
}

/**
 * A CSV as perf_analyzer's ReportWriter::GenerateReport writes it (perf_client 1.x for `compute1x`):
 * header built from the same conditions, rows sorted by Inferences/Second, integer microseconds.
 */
function writeCsv(name: string, o: Options, seed = 1): {path: string; levels: Level[]} {
  const rand = rng(seed);
  const pct = o.percentiles ?? ["50", "90", "95", "99"];
  const h: string[] = [o.requestRate ? "Request Rate" : "Concurrency", "Inferences/Second"];
  if (o.decoupled) h.push("Response Throughput");
  h.push("Client Send");
  if (o.serverStats) {
    h.push("Network+Server Send/Recv", "Server Queue");
    if (o.compute1x) h.push("Server Compute");
    else h.push("Server Compute Input", "Server Compute Infer", "Server Compute Output");
    if (o.cache) h.push("Server Cache Hit", "Server Cache Miss");
  }
  h.push("Client Recv");
  for (const p of pct) h.push(`p${p} latency`);
  if (o.verbose) {
    if (o.avgLatency) h.push("Avg latency");
    h.push("request/response", "response wait");
    if (o.metrics) h.push("Avg GPU Utilization", "Avg GPU Power Usage", "Max GPU Memory Usage", "Total GPU Memory");
  }
  if (o.llm) h.push("Avg First Token Latency", "Avg Token-to-Token Latency");
  const levels: Level[] = [1, 2, 4, 8].map((load) => {
    const values: Record<string, number> = {};
    for (const c of h.slice(2)) values[c] = Math.floor(rand() * 5000);
    // throughput does not grow with load past 4: rows sorted by throughput are not sorted by load
    const ips = Math.round((load === 8 ? 300 : 100 * load + rand() * 10) * 10) / 10;
    const gpu = {
      "Avg GPU Utilization": {"GPU-0a1b": Math.round(rand() * 100) / 100, "GPU-ffee": Math.round(rand() * 100) / 100},
      "Avg GPU Power Usage": {"GPU-0a1b": 150.5, "GPU-ffee": 99},
      "Max GPU Memory Usage": {"GPU-0a1b": 1e9, "GPU-ffee": 2e9},
      "Total GPU Memory": {"GPU-0a1b": 16e9, "GPU-ffee": 16e9}
    };
    return {load: o.requestRate ? load * 25.5 : load, ips, values, gpu};
  });
  const sorted = [...levels].sort((a, b) => a.ips - b.ips);
  const lines = [h.join(",")];
  for (const l of sorted) {
    const cells = h.map((c, i) => {
      if (i === 0) return String(l.load);
      if (i === 1) return String(l.ips);
      if (c in l.gpu) return Object.entries(l.gpu[c]).map(([k, v]) => `${k}:${v};`).join("");
      return String(l.values[c]);
    });
    lines.push(cells.join(","));
  }
  const path = join(dir, name);
  // std::endl after every row, including the last
  writeFileSync(path, `${lines.join("\n")}\n`);
  return {path, levels};
}

function parseFile(path: string) {
  const diagnostics = new Diagnostics();
  return {...parsePerfAnalyzerCsv(readFileSync(path, "utf8"), {file: path, model: "m", diagnostics}), diagnostics};
}

describe("perf_analyzer CSV", () => {
  const variants: [string, Options][] = [
    ["concurrency, client only", {}],
    ["request rate, server stats", {requestRate: true, serverStats: true}],
    ["1.x perf_client single Server Compute", {serverStats: true, compute1x: true}],
    ["cache hit/miss and decoupled Response Throughput", {serverStats: true, cache: true, decoupled: true}],
    ["--verbose-csv without --percentile (Avg latency)", {serverStats: true, verbose: true, avgLatency: true}],
    ["--verbose-csv --collect-metrics GPU cells", {serverStats: true, verbose: true, metrics: true}],
    ["any set of pNN latency columns, LLM metrics", {percentiles: ["75", "99.9"], llm: true}]
  ];
  for (const [name, o] of variants) {
    it(name, () => {
      const {path, levels} = writeCsv(`${name.replace(/\W+/g, "_")}.csv`, o, name.length);
      const {rows, loadMode, diagnostics} = parseFile(path);
      assert.equal(diagnostics.size, 0, JSON.stringify(diagnostics.list()));
      assert.equal(loadMode, o.requestRate ? "request_rate" : "concurrency");
      assert.equal(rows.length, levels.length);
      // Rows come in throughput order; each still carries its own load level.
      assert.deepEqual(rows.map((r) => r.throughput), [...levels].map((l) => l.ips).sort((a, b) => a - b));
      assert.notDeepEqual(rows.map((r) => r.concurrency ?? r.request_rate), levels.map((l) => l.load));
      for (const row of rows) {
        const l = levels.find((x) => x.ips === row.throughput)!;
        assert.equal(o.requestRate ? row.request_rate : row.concurrency, l.load);
        assert.equal(row.client_send_us, l.values["Client Send"]);
        assert.equal(row.client_recv_us, l.values["Client Recv"]);
        if (o.serverStats) {
          assert.equal(row.network_server_us, l.values["Network+Server Send/Recv"]);
          assert.equal(row.server_queue_us, l.values["Server Queue"]);
          if (o.compute1x) {
            assert.equal(row.server_compute_us, l.values["Server Compute"]);
            assert.equal(row.server_compute_infer_us ?? null, null);
          } else {
            assert.equal(row.server_compute_infer_us, l.values["Server Compute Infer"]);
            assert.equal(row.server_compute_us, l.values["Server Compute Input"] + l.values["Server Compute Infer"] + l.values["Server Compute Output"]);
          }
        } else {
          assert.equal(row.server_queue_us ?? null, null);
        }
        if (o.cache) assert.equal(row.server_cache_miss_us, l.values["Server Cache Miss"]);
        if (o.decoupled) assert.equal(row.response_throughput, l.values["Response Throughput"]);
        const pct = JSON.parse(row.latency_percentiles as string);
        for (const p of o.percentiles ?? ["50", "90", "95", "99"]) assert.equal(pct[p], l.values[`p${p} latency`]);
        if (!o.percentiles) assert.equal(row.p99_latency_us, l.values["p99 latency"]);
        else assert.equal(row.p99_latency_us ?? null, null);
        if (o.verbose) {
          assert.equal(row.request_response_us, l.values["request/response"]);
          assert.equal(row.response_wait_us, l.values["response wait"]);
          assert.equal(row.avg_latency_us ?? null, o.avgLatency ? l.values["Avg latency"] : null);
        }
        if (o.metrics) {
          const u = l.gpu["Avg GPU Utilization"];
          assert.equal(row.gpu_utilization, (u["GPU-0a1b"] + u["GPU-ffee"]) / 2);
          assert.equal(row.gpu_memory_total_bytes, 32e9);
          assert.deepEqual(JSON.parse(row.gpu_metrics as string).power_w, {"GPU-0a1b": 150.5, "GPU-ffee": 99});
        }
        if (o.llm) assert.equal(row.avg_token_to_token_latency_us, l.values["Avg Token-to-Token Latency"]);
      }
    });
  }

  it("GPU cells: uuid:value;... with empty cells, and rejects what is not", () => {
    assert.deepEqual(parseGpuCell("GPU-1:0.5;GPU-2:0.25;"), {"GPU-1": 0.5, "GPU-2": 0.25});
    assert.deepEqual(parseGpuCell(""), {});
    assert.equal(parseGpuCell("garbage"), null);
  });

  it("a bad row is counted and skipped; a file that is not perf_analyzer's is an InputError", () => {
    const {path} = writeCsv("bad-row.csv", {serverStats: true}, 3);
    const text = readFileSync(path, "utf8").split("\n");
    text.splice(2, 0, "4,oops,1,2");
    const diagnostics = new Diagnostics();
    const {rows} = parsePerfAnalyzerCsv(text.join("\n"), {file: path, model: "m", diagnostics});
    assert.equal(rows.length, 4);
    assert.equal(diagnostics.count("bad_row"), 1);
    assert.equal(diagnostics.list()[0].first_line, 3);
    assert.throws(
      () => parsePerfAnalyzerCsv("Model,Latency\nx,1\n", {file: "other.csv", model: "m", diagnostics: new Diagnostics()}),
      (e: unknown) => e instanceof InputError && /other\.csv:1: expected a perf_analyzer header starting with 'Concurrency' or 'Request Rate'/.test(e.message)
    );
  });

  it("import perf-analyzer writes the rows and needs --model", async () => {
    const store = join(dir, "store");
    const {path} = writeCsv("import.csv", {serverStats: true, verbose: true, metrics: true}, 9);
    const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin", "inferscope.js"), ...args], {encoding: "utf8", env: {...process.env, INFERSCOPE_STORE: store}});
    const missing = run(["import", "perf-analyzer", path]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /--model is required/);
    const r = run(["import", "perf-analyzer", path, "--model", "resnet50"]);
    assert.equal(r.status, 0, r.stderr);
    const rows = await queryStore("SELECT model, concurrency, throughput, row_index FROM perf_analyzer ORDER BY concurrency", {root: store});
    assert.deepEqual(rows.map((x) => x.concurrency), [1, 2, 4, 8]);
    assert.ok(rows.every((x) => x.model === "resnet50"));
  });
});
