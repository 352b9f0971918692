// `npm run bench:queue-delay`: how closely the reference server's dynamic batcher keeps --max-queue-delay-us.
// A lone request (no other request to batch with) waits the whole delay before it runs; the server's
// statistics give its average queue time. Side by side, in the same run: a plain setTimeout of the same
// delay, which is what the batcher used before (Node's timers have millisecond granularity).
// Target: sub-millisecond delays kept to within ~150 us (setTimeout alone waits >= ~1.1 ms).
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ensureModel} from "../loaders/models/zoo.ts";
import type {ModelStats} from "../loaders/serve/protocol.ts";
import {startServer} from "../loaders/serve/server.ts";

const DELAYS_US = [100, 300, 700, 2000];
const REQUESTS = 60;
const dir = mkdtempSync(join(tmpdir(), "inferscope-bench-delay-"));
const modelFile = await ensureModel("tiny_cnn", {dir});
const body = JSON.stringify({inputs: [{name: "input", shape: [1, 3, 32, 32], datatype: "FP32", data: new Array(3 * 32 * 32).fill(0.5)}]});

async function timerOnly(us: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, us / 1000));
    total += Number(process.hrtime.bigint() - t0) / 1000;
  }
  return total / REQUESTS;
}

console.log("delay_us  batcher_queue_us  ratio  setTimeout_us  ratio");
try {
  for (const us of DELAYS_US) {
    const server = await startServer({model: "tiny_cnn", modelFile, port: 0, maxBatch: 8, maxQueueDelayUs: us});
    try {
      for (let i = 0; i < REQUESTS; i++) {
        const r = await fetch(`${server.url}/v2/models/tiny_cnn/infer`, {method: "POST", body});
        if (r.status !== 200) throw new Error(`request failed: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      }
      const s = ((await (await fetch(`${server.url}/v2/models/tiny_cnn/stats`)).json()) as {model_stats: ModelStats[]}).model_stats[0];
      const queue = s.inference_stats.queue.ns / s.inference_stats.success.count / 1000;
      const timer = await timerOnly(us);
      console.log(`${String(us).padStart(8)}  ${queue.toFixed(0).padStart(16)}  ${(queue / us).toFixed(2).padStart(5)}  ${timer.toFixed(0).padStart(13)}  ${(timer / us).toFixed(2).padStart(5)}`);
    } finally {
      await server.close();
    }
  }
} finally {
  rmSync(dir, {recursive: true, force: true});
}
