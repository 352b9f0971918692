import {defineCommand} from "../command.ts";
import {unattended} from "../../history/session.ts";
import {isUserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import os from "node:os";
import {sqlString} from "../../store/schema.ts";
import {queryStore} from "../../store/store.ts";
import {servingAvailable} from "../../sweep/dynamic.ts";
import sweepBatch from "./sweep-batch.ts";
import sweepDynamic from "./sweep-dynamic.ts";
import sweepPipeline from "./sweep-pipeline.ts";

// The Batching page's collection, about a minute and a half on 2 cores: a batch sweep (all cores),
// dynamic batching on the reference server (the batch sweep as its profile), and the three pipeline
// modes on 1000 images. Ctrl-C stops after the step in flight; what finished is kept.
export default defineCommand({
  usage: "[--model M] [--images N] [--log]",
  description:
    "Collect the Batching page on this machine: `sweep batch` (batch 1-32), `sweep dynamic` (three batcher settings x three request rates on the reference server, with recommendations; skipped with a note when the server is not part of this checkout) and `sweep pipeline` (sync, parallel, queue).",
  options: {
    model: {type: "string", arg: "NAME", description: "zoo model for all three experiments", default: "squeezenet1_1"},
    images: {type: "string", arg: "N", description: "images per pipeline mode", default: "1000"},
    log: {type: "boolean", description: "also write everything printed to data/logs/<run_id>.log"}
  },
  positionals: false,
  run: ({values}) =>
    unattended("collect batching", {log: values.log}, async (session) => {
      await session.begin();
      const model = values.model ?? "squeezenet1_1";
      const step = async (what: string, run: () => Promise<number | void>): Promise<boolean> => {
        log(`collect batching: ${what}`);
        const code = await run();
        return !code;
      };
      const go = async <O,>(cmd: {run(a: {values: O; positionals: string[]; rest: string[]}): Promise<number | void>}, values: Record<string, unknown>) => cmd.run({values: values as O, positionals: [], rest: []});
      const threads = String(os.availableParallelism());
      if (!(await step("batch sweep", () => go(sweepBatch, {model, batch: "1,2,4,8,16,32", threads, window: "1", "min-runs": "5", power: "auto", opt: "all", timeout: "300", "power-interval": "100", runtime: "ort-cpu"})))) return 130;
      // The sweep just measured is the dynamic batcher's profile: the server's one instance gets as many threads.
      const [latest] = await queryStore<{run_id: string}>(`SELECT run_id FROM batch_sweep WHERE model = ${sqlString(model)} AND status = 'ok' ORDER BY collected_at DESC LIMIT 1`, {root: session.root});
      if (servingAvailable()) {
        try {
          if (!(await step("dynamic batching on the reference server", () => go(sweepDynamic, {model, rates: "20:60:20", distribution: "poisson", batch: "1", instances: "1", threads, "profile-run": latest?.run_id, "bound-ms": "50", "window-ms": "1000", "max-windows": "2", "profile-window": "1", power: "auto"})))) return 130;
        } catch (error) {
          // The other experiments do not depend on the server: note why and go on.
          log(`collect batching: dynamic batching failed, going on without it: ${isUserError(error) ? error.message : (error as Error).stack}`);
        }
      } else log("collect batching: dynamic batching skipped: it needs the reference server (inferscope serve, inferscope load)");
      if (!(await step("pipeline modes", () => go(sweepPipeline, {model, images: values.images ?? "1000", threads: "1", modes: "sync,parallel,queue", "image-size": "320x240", opt: "all"})))) return 130;
      log("collect batching: done; `npm run dev` or `npm run build` shows the Batching page");
      return 0;
    })
});
