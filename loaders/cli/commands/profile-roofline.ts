import {unattended} from "../../history/session.ts";
import {defineCommand} from "../command.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {positiveInts} from "../../bench/plan.ts";
import {ensureRoofline, rooflineThreads} from "../../profile/host-roofline.ts";
import {ridgePoint} from "../../profile/roofline.ts";

export default defineCommand({
  usage: "[--force] [--threads N,M] [--json]",
  description:
    "Measure this host's roofline ceilings once and store them: peak compute (best GFLOP/s of a 1024x1024x1024 fp32 MatMul in onnxruntime-node) and memory bandwidth (best GB/s of 256 MiB copies split over worker threads), for 1 thread and every core. Stored ceilings are reused unless --force.",
  options: {
    force: {type: "boolean", description: "measure again even if the store has this host's ceilings"},
    threads: {type: "string", arg: "N,M", description: "thread counts to measure besides 1 and every core"},
    json: {type: "boolean", description: "print the ceilings as JSON"}
  },
  positionals: false,
  details: "`inferscope profile` measures them on its first run on a host. The Operators page places each operator under them.",
  // The store's lock while writing, and a failure recorded as a failed run (history/session.ts).
  run: ({values}) => unattended("profile roofline", {}, async (session) => {
    await session.begin();

    const cancel = cancelOnSigint("the roofline measurement");
    try {
      const {rows, measured} = await ensureRoofline({force: values.force, threads: rooflineThreads(positiveInts("threads", values.threads) ?? [])});
      if (values.json) {
        process.stdout.write(`${JSON.stringify({measured, rows}, null, 2)}\n`);
        return;
      }
      if (!measured) process.stderr.write("roofline: this host's ceilings are already in the store (use --force to measure again)\n");
      const threads = [...new Set(rows.map((r) => r.threads))];
      for (const t of threads) {
        const best = (metric: string) => Math.max(...rows.filter((r) => r.threads <= t && r.metric === metric).map((r) => r.best));
        const c = {peak_gflops: best("compute"), bandwidth_gbs: best("memory")};
        process.stdout.write(`${t} thread${t > 1 ? "s" : ""}: peak ${c.peak_gflops.toFixed(1)} GFLOP/s, bandwidth ${c.bandwidth_gbs.toFixed(1)} GB/s, ridge point ${ridgePoint(c).toFixed(1)} FLOP/byte\n`);
      }
    } finally {
      cancel.dispose();
    }
  })
});
