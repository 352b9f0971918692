// Runs one benchmark configuration in its own process, so that a model that fails to load, a
// runtime that crashes or a configuration that runs out of memory costs only that configuration.
// Input: the BenchConfig as JSON in argv[2]. Output: one line `RESULT_MARK {json}` on stdout.

import {measure} from "./measure.ts";
import {openSession} from "./runtimes.ts";
import {summarize} from "./stats.ts";
import type {BenchConfig} from "./config.ts";
import {RESULT_MARK, type ChildResult} from "./protocol.ts";
import {peakRssMb, replyToParent} from "../common/child-reply.ts";


async function main(): Promise<ChildResult> {
  const config = JSON.parse(process.argv[2]) as BenchConfig;
  const session = await openSession({runtime: config.runtime, modelFile: config.model_file, threads: config.threads, batch: config.batch, optLevel: config.opt_level});
  try {
    const m = await measure(session.run, {runs: config.runs, minWarmup: config.min_warmup, maxWarmup: config.max_warmup});
    summarize(m.samples_ms); // fail here, not in the parent, if something is off
    return {ok: true, session_create_ms: session.session_create_ms, warmup_runs: m.warmup_runs, samples_ms: m.samples_ms, peak_rss_mb: peakRssMb(), input_shapes: session.input_shapes};
  } finally {
    await session.release();
  }
}

await replyToParent<ChildResult>(RESULT_MARK, main, (error) => ({ok: false, error, peak_rss_mb: peakRssMb()}));
