// A pipeline worker thread (plain JavaScript: worker threads cannot load .ts under tsx).
//   role "runner": its own session; takes image indices from a shared counter and does the whole
//     pipeline for each (generate, preprocess, infer, postprocess) until none are left.
//   role "inference": its own session; runs the preprocessed tensors the main thread submits and
//     sends back the scores (the submit/receive queue's worker).
// Both load their session first, say "ready", and count their own busy time.

import {parentPort, workerData} from "node:worker_threads";
import {makeImage, openPipelineSession, postprocess, preprocess} from "./workload.js";

const {role, modelFile, threads, optLevel, imageW, imageH, shared, images} = workerData;
const now = () => performance.now();

let session;
try {
  session = await openPipelineSession({modelFile, threads, optLevel});
  parentPort.postMessage({type: "ready"});
} catch (error) {
  parentPort.postMessage({type: "failed", error: String(error?.message ?? error).split("\n")[0]});
  process.exit(2);
}

if (role === "runner") {
  // shared: Int32Array [next image, stop flag]
  const state = new Int32Array(shared);
  parentPort.once("message", async () => {
    const results = [];
    let infer_ms = 0;
    let prepost_ms = 0;
    for (;;) {
      if (Atomics.load(state, 1) !== 0) break;
      const index = Atomics.add(state, 0, 1);
      if (index >= images) break;
      const t0 = now();
      const input = preprocess(makeImage(index, imageW, imageH), imageW, imageH, session.channels, session.height, session.width);
      const t1 = now();
      const scores = await session.run(input);
      const t2 = now();
      const top = postprocess(scores, 5);
      const t3 = now();
      prepost_ms += t1 - t0 + (t3 - t2);
      infer_ms += t2 - t1;
      results.push({index, top5: top.map((t) => t.cls), latency_ms: t3 - t0});
    }
    await session.release();
    parentPort.postMessage({type: "done", results, infer_ms, prepost_ms});
  });
} else {
  let infer_ms = 0;
  let count = 0;
  parentPort.on("message", async (m) => {
    if (m.type === "job") {
      const t0 = now();
      const scores = await session.run(m.data);
      const dt = now() - t0;
      infer_ms += dt;
      count++;
      const copy = Float32Array.from(scores);
      parentPort.postMessage({type: "result", id: m.id, scores: copy, infer_ms: dt}, [copy.buffer]);
    } else if (m.type === "stop") {
      await session.release();
      parentPort.postMessage({type: "done", infer_ms, images: count});
      parentPort.close();
    }
  });
}
