// One batch size of a sweep, in its own process: a size that runs out of memory costs only itself,
// and the parent's event loop stays free to time power samples. Warm up, then requests back to back
// for the window. Input: SweepChildConfig as JSON in argv[2]; output: `RESULT_MARK {json}` on stdout.

import {measure} from "../bench/measure.ts";
import {openSession} from "../bench/runtimes.ts";
import {nowMs} from "../power/types.ts";
import {RESULT_MARK, type SweepChildConfig, type SweepChildResult} from "./protocol.ts";
import {peakRssMb, replyToParent} from "../common/child-reply.ts";


async function main(): Promise<SweepChildResult> {
  const c = JSON.parse(process.argv[2]) as SweepChildConfig;
  const session = await openSession({runtime: c.runtime, modelFile: c.model_file, threads: c.threads, batch: c.batch, optLevel: c.opt_level});
  try {
    const warm = await measure(session.run, {runs: 0, minWarmup: c.min_warmup, maxWarmup: c.max_warmup, maxWarmupMs: Math.max(2000, c.window_ms)});
    const samples_ms: number[] = [];
    const start_ms = nowMs();
    let end_ms = start_ms;
    while (end_ms - start_ms < c.window_ms || samples_ms.length < c.min_runs) {
      const t0 = nowMs();
      await session.run();
      end_ms = nowMs();
      samples_ms.push(end_ms - t0);
    }
    return {ok: true, session_create_ms: session.session_create_ms, warmup_runs: warm.warmup_runs, samples_ms, start_ms, end_ms, peak_rss_mb: peakRssMb()};
  } finally {
    await session.release();
  }
}

await replyToParent<SweepChildResult>(RESULT_MARK, main, (error) => ({ok: false, error, peak_rss_mb: peakRssMb()}));
