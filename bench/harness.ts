// Does inferscope's measurement harness add overhead? Times mobilenet_v1 (ort-cpu) with the
// collector's own measure() and with a bare `await session.run()` loop, on the same session,
// interleaved in rounds so machine drift hits both alike. Target: median ratio <= 1.03.
//   npm run bench:harness [-- --model mobilenet_v1 --rounds 10 --runs 30 --threads 1]

import {parseArgs} from "node:util";
import {median} from "d3-array";
import {measure} from "../loaders/bench/measure.ts";
import {openSession} from "../loaders/bench/runtimes.ts";
import {ensureModel} from "../loaders/models/zoo.ts";

const {values} = parseArgs({options: {model: {type: "string", default: "mobilenet_v1"}, rounds: {type: "string", default: "10"}, runs: {type: "string", default: "30"}, threads: {type: "string", default: "1"}}});
const rounds = Number(values.rounds);
const runs = Number(values.runs);
const file = await ensureModel(values.model!);
const session = await openSession({runtime: "ort-cpu", modelFile: file, threads: Number(values.threads), batch: 1, optLevel: "all"});

async function bare(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await session.run();
    out.push(performance.now() - t0);
  }
  return out;
}

await bare(20); // warm the session once for both
const harness: number[] = [];
const plain: number[] = [];
for (let r = 0; r < rounds; r++) {
  // Alternate which goes first so neither always follows the other.
  const first = r % 2 === 0;
  if (first) harness.push(...(await measure(session.run, {runs, minWarmup: 1, maxWarmup: 1})).samples_ms);
  plain.push(...(await bare(runs + 1)).slice(1));
  if (!first) harness.push(...(await measure(session.run, {runs, minWarmup: 1, maxWarmup: 1})).samples_ms);
  process.stderr.write(`round ${r + 1}/${rounds}: harness ${median(harness)!.toFixed(3)} ms, bare ${median(plain)!.toFixed(3)} ms\n`);
}
await session.release();
const mh = median(harness)!;
const mb = median(plain)!;
const ratio = mh / mb;
console.log(`model ${values.model}, ort-cpu, ${values.threads} thread(s), ${harness.length} timed runs each`);
console.log(`inferscope harness median: ${mh.toFixed(3)} ms`);
console.log(`bare session.run median:   ${mb.toFixed(3)} ms`);
console.log(`ratio harness/bare:        ${ratio.toFixed(4)} (target <= 1.03: ${ratio <= 1.03 ? "met" : "NOT met"})`);
process.exitCode = ratio <= 1.03 ? 0 : 1;
