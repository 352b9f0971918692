// Benchmark: `inferscope summary triton` on a ~300 MB Triton trace (300k requests, 2.x layout).
// Prints MB/s end to end (process start to exit, as a user sees it) and peak RSS of the process.
// Targets (issue 5): >= 100 MB/s and peak RSS < 512 MB.
//
//   npm run bench:trace                 # 300k requests, 3 runs
//   npm run bench:trace -- 50000 5      # requests, runs

import {spawn} from "node:child_process";
import {existsSync, mkdirSync, readFileSync, statSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {writeBenchTrace} from "./trace-gen.ts";

const requests = Number(process.argv[2] ?? 300_000);
const runs = Number(process.argv[3] ?? 3);
const root = fileURLToPath(new URL("..", import.meta.url));
const dir = join(tmpdir(), "inferscope-bench");
mkdirSync(dir, {recursive: true});
const file = join(dir, `trace-2x-${requests}.json`);

if (!existsSync(file)) {
  process.stderr.write(`writing ${file} (${requests} requests)...\n`);
  const t = performance.now();
  const {bytes} = await writeBenchTrace(file, {requests});
  process.stderr.write(`  ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}
const bytes = statSync(file).size;

/** Peak RSS of a running process from /proc (VmHWM), in kB; 0 where /proc is missing. */
function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

async function once(): Promise<{seconds: number; peakMb: number; models: number}> {
  const t = performance.now();
  const child = spawn(process.execPath, [join(root, "bin", "inferscope.js"), "summary", "triton", file, "--json"], {stdio: ["ignore", "pipe", "inherit"]});
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, vmHwm(child.pid!))), 20);
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  clearInterval(timer);
  const seconds = (performance.now() - t) / 1000;
  if (code !== 0) throw new Error(`summary triton exited with ${code}`);
  return {seconds, peakMb: peak / 1024, models: JSON.parse(out).models.length};
}

const results = [];
for (let i = 0; i < runs; i++) {
  const r = await once();
  results.push(r);
  process.stdout.write(`run ${i + 1}: ${r.seconds.toFixed(2)} s, ${(bytes / 1e6 / r.seconds).toFixed(1)} MB/s, peak RSS ${r.peakMb.toFixed(0)} MB (${r.models} model groups)\n`);
}
const secs = results.map((r) => r.seconds).sort((a, b) => a - b);
const median = secs[Math.floor(secs.length / 2)];
const peak = Math.max(...results.map((r) => r.peakMb));
process.stdout.write(
  `\nfile: ${(bytes / 1e6).toFixed(1)} MB, ${requests} requests (2.x layout, interleaved)\n` +
    `median: ${median.toFixed(2)} s = ${(bytes / 1e6 / median).toFixed(1)} MB/s end to end (target >= 100); best ${(bytes / 1e6 / secs[0]).toFixed(1)} MB/s\n` +
    `peak RSS: ${peak.toFixed(0)} MB (target < 512)\n`
);
