// Fill a temporary store with real runs of inferscope's own collectors and importers, the way a
// user would, so the browser test sees pages with data measured on this machine.
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {cli} from "../helpers/cli.ts";

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
}
