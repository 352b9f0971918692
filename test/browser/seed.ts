// Fill a temporary store with real runs of inferscope's own collectors and importers, the way a
// user would, so the browser test sees pages with data measured on this machine.
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {cli} from "../helpers/cli.ts";
import {tempDir} from "../helpers/tmp.ts";
import {seedServing} from "./serving-seed.ts";
import {seedFleet} from "./fleet-seed.ts";
import {benchmarkPreamble, handleOutput, report, type TfNode} from "../unit/ops/layouts/tflite.ts";

async function run(args: string[], store: string): Promise<void> {
  const r = await cli(args, {env: {INFERSCOPE_STORE: store}});
  if (r.code !== 0) throw new Error(`seeding the store: inferscope ${args.join(" ")} failed (exit ${r.code}):\n${r.stderr}`);
}

export async function seedStore(store: string): Promise<void> {
  // A real benchmark: three small zoo models, both runtimes, few runs (fast, still real).
  await run(["bench", "--models", "tiny_cnn,squeezenet1_1,mobilenet_v1", "--runtimes", "ort-cpu,ort-wasm", "--runs", "5"], store);
  // A latency table from "another device", imported: shown marked as imported. The model name is
  // hostile markup on purpose: pages must show it as text.
  const csv = join(store, "edge-latency.csv");
  await writeFile(csv, "model,runtime,device,latency_ms,flops\nmobilenet_v1,tflite,test-board,70.5,1.137e9\n<img src=x onerror=alert(1)>,tflite,test-board,12,5e8\n");
  await run(["import", "latency", csv], store);
  await seedPartition(store);
  await seedBatching(store);
  await seedOperators(store);
  // A live serving collection on this machine, older than the imported files below (the page opens on the newest trace).
  await run(["collect", "serving", "--model", "tiny_cnn", "--concurrency", "1:2:1", "--window-ms", "300", "--max-windows", "1", "--dir", await tempDir("inferscope-serving-")], store);
  // Serving stack: a Triton trace (two models, one named with markup, an ensemble, a BLS driver),
  // a perf_analyzer CSV and a bpftrace network log, written in the tools' layouts and imported.
  await seedServing(store, run);
  await seedHistory(store);
  await seedQuantization(store);
  // Two remote "devices" over a real SSH server (and one unreachable), for the pages' device comparison.
  await seedFleet(store);
}

/** History: a second real benchmark run (tiny_cnn on ort-cpu, the quick matrix's three settings), so its configurations have two runs to compare. */
async function seedHistory(store: string): Promise<void> {
  await run(["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--runs", "5"], store);
}

/**
 * Batching, for real, on tiny_cnn with short windows: a batch sweep (1 thread, batch 1-8), dynamic
 * batching on the reference server (two batchers, two request rates; it profiles batch 1-4 first)
 * and the three pipeline modes on 200 images. This machine has no power meter: power stays null.
 */
async function seedBatching(store: string): Promise<void> {
  await run(["sweep", "batch", "--model", "tiny_cnn", "--batch", "1,2,4,8", "--window", "0.3", "--threads", "1"], store);
  await run(["sweep", "dynamic", "--model", "tiny_cnn", "--batcher", "1", "--batcher", "4@2000", "--rates", "50:100:50", "--window-ms", "500", "--max-windows", "1", "--profile-window", "0.2"], store);
  await run(["sweep", "pipeline", "--model", "tiny_cnn", "--images", "200", "--workers", "2", "--image-size", "64x48"], store);
}

/**
 * Batch partitioning, for real: tiny_cnn profiled, planned and run on cpu:1 + wasm:1; squeezenet1_1
 * run on two cpu:1 units (profiled by the run itself) with cpu:2 as a baseline; and a table
 * "measured elsewhere" imported, one unit name hostile markup on purpose.
 */
async function seedPartition(store: string): Promise<void> {
  await run(["partition", "profile", "--model", "tiny_cnn", "--units", "cpu:1,wasm:1", "--max-batch", "16", "--runs", "3"], store);
  await run(["partition", "plan", "--model", "tiny_cnn", "--batch", "16"], store);
  await run(["partition", "run", "--model", "tiny_cnn", "--batch", "16", "--units", "cpu:1,wasm:1", "--planner", "all", "--runs", "3"], store);
  await run(["partition", "run", "--model", "squeezenet1_1", "--batch", "4", "--units", "cpu:1,cpu:1", "--planner", "all", "--runs", "3", "--profile-runs", "3", "--baseline", "cpu:2"], store);
  const table = join(store, "board-table.csv");
  await writeFile(table, "unit,batch,ms\ngpu,1,4.1\ngpu,4,5.9\ngpu,16,14.5\ncpu,1,12\ncpu,4,45\ncpu,16,180\n<img src=x onerror=alert(2)>,1,9\n<img src=x onerror=alert(2)>,16,95\n");
  await run(["partition", "plan", "--table", table, "--batch", "16", "--model", "test-board"], store);
}

/**
 * Operator profiles, for real: tiny_cnn and squeezenet1_1 profiled with ONNX Runtime (CPU at 'all' and
 * 'disabled', WASM at 'all'; few runs), which also measures this host's roofline ceilings; and a TFLite
 * benchmark_model op profile of tiny_cnn "from a test board", written in the tool's layout and imported.
 */
async function seedOperators(store: string): Promise<void> {
  await run(["profile", "--models", "tiny_cnn,squeezenet1_1", "--runs", "3", "--warmup", "2"], store);
  const nodes: TfNode[] = [
    {type: "CONV_2D", name: "[tiny/conv1/Relu]:0", avgUs: 120},
    {type: "CONV_2D", name: "[tiny/conv2/Relu]:1", avgUs: 90},
    {type: "CONV_2D", name: "[tiny/conv3/Relu]:2", avgUs: 70},
    {type: "MEAN", name: "[tiny/pool/Mean]:3", avgUs: 8},
    {type: "FULLY_CONNECTED", name: "[tiny/fc/MatMul]:4", avgUs: 6},
    {type: "SOFTMAX", name: "[Identity]:5", avgUs: 2}
  ];
  let start = 0;
  for (const n of nodes) {
    n.startUs = start;
    start += n.avgUs + 3;
  }
  const profile = join(store, "tiny_cnn-test-board.txt");
  await writeFile(profile, benchmarkPreamble(20) + handleOutput("", report([{nodes}], {version: "old", runs: 20})));
  await run(["import", "tflite", profile, "--model", "tiny_cnn", "--device", "test-board", "--opt-level", "fp32"], store);
}

/**
 * Quantization, for real: tiny_cnn quantized with the three calibration methods on 2 and 4 generated
 * inputs, compared with the float model on held-out inputs and timed beside it on ort-cpu.
 */
async function seedQuantization(store: string): Promise<void> {
  await run(["quantize", "study", "--models", "tiny_cnn", "--methods", "minmax,percentile,entropy", "--samples", "2,4", "--heldout", "6", "--runs", "3", "--threads", "1"], store);
}
