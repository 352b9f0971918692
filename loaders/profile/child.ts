// One profiling job in its own process, so a model or runtime that crashes costs only that job.
// Input: a ChildJob as JSON in argv[2]. Output: one line `PROFILE_RESULT_MARK {json}` on stdout.
//
// profile: create the session with profiling on (and ORT saving the optimized graph), do the warm-up
// runs and the profiled runs, end profiling, and leave in out_dir:
//   - profile.json: onnxruntime-node writes `<prefix>_<date>.json` without saying its name, so it is
//     found by its prefix in out_dir; onnxruntime-web prints it to stdout, where it is captured
//     (stdout-capture.ts) and written out;
//   - optimized.onnx: the graph as optimized at the profiled level. onnxruntime-web cannot save it (its
//     WASM build has no file system: the attempt crashes), so for ort-wasm onnxruntime-node saves the
//     graph at the same level with the NCHWc transformer disabled (WASM has no NCHWc kernels); the
//     parent checks its node names and op types against the WASM profile before using it;
//   - base.onnx (when asked): the graph at level 'disabled', the fusion map's reference.
// roofline: measure this host's ceilings (roofline.ts).

import {readdir, rename, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {openSession} from "../bench/runtimes.ts";
import {measureRoofline} from "./roofline.ts";
import {captureFsStdout, type StdoutCapture} from "./stdout-capture.ts";
import {PROFILE_RESULT_MARK, type ChildJob, type ProfileChildResult, type ProfileJob, type RooflineChildResult} from "./protocol.ts";
import {replyToParent} from "../common/child-reply.ts";

const NCHWC_OFF = "onnxruntime-node at the same level with the NCHWc transformer disabled (onnxruntime-web cannot save its graph)";

async function saveGraph(modelFile: string, level: string, file: string, extra?: Record<string, unknown>): Promise<void> {
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(modelFile, {graphOptimizationLevel: level as "all", optimizedModelFilePath: file, intraOpNumThreads: 1, ...(extra ? {extra} : {})});
  await session.release();
}

async function profile(job: ProfileJob): Promise<ProfileChildResult> {
  const c = job.config;
  const wasm = c.runtime === "ort-wasm";
  let capture: StdoutCapture | undefined;
  if (wasm) capture = captureFsStdout();
  const prefix = join(job.out_dir, "ort");
  const optimized = join(job.out_dir, "optimized.onnx");
  const session = await openSession({
    runtime: c.runtime,
    modelFile: c.model_file,
    threads: c.threads,
    batch: c.batch,
    optLevel: c.opt_level,
    profilePrefix: prefix,
    optimizedModelFile: wasm ? undefined : optimized
  });
  const samples: number[] = [];
  let profileText = "";
  try {
    for (let i = 0; i < c.warmup; i++) await session.run();
    for (let i = 0; i < c.runs; i++) {
      const t0 = performance.now();
      await session.run();
      samples.push(performance.now() - t0);
    }
    if (capture) profileText = await capture.during(() => session.endProfiling());
    else await session.endProfiling();
  } finally {
    await session.release();
    capture?.restore();
  }
  const profileFile = join(job.out_dir, "profile.json");
  if (wasm) {
    const start = profileText.indexOf("[");
    if (start < 0) throw new Error(`onnxruntime-web printed no profile JSON at endProfiling (${profileText.length} characters captured)`);
    await writeFile(profileFile, profileText.slice(start));
  } else {
    const files = (await readdir(job.out_dir)).filter((f) => f.startsWith("ort_") && f.endsWith(".json"));
    if (files.length !== 1) throw new Error(`expected one profile file ort_<date>.json in ${job.out_dir}, found ${files.length ? files.join(", ") : "none"}`);
    await rename(join(job.out_dir, files[0]), profileFile);
  }
  let graphSource = "optimizedModelFilePath of the profiled session";
  if (wasm) {
    await saveGraph(c.model_file, c.opt_level, optimized, {optimization: {disable_specified_optimizers: "NchwcTransformer"}});
    graphSource = NCHWC_OFF;
  }
  const base = join(job.out_dir, "base.onnx");
  if (job.save_base) await saveGraph(c.model_file, "disabled", base);
  return {ok: true, profile_file: profileFile, optimized_file: optimized, graph_source: graphSource, base_file: job.save_base ? base : undefined, session_create_ms: session.session_create_ms, samples_ms: samples};
}

async function main(job: ChildJob): Promise<ProfileChildResult | RooflineChildResult> {
  if (job.kind === "roofline") {
    return {ok: true, measurements: await measureRoofline({threads: job.threads, gemmN: job.gemm_n, copyBytes: job.copy_bytes, reps: job.reps})};
  }
  return profile(job);
}

await replyToParent<ProfileChildResult | RooflineChildResult>(PROFILE_RESULT_MARK, () => main(JSON.parse(process.argv[2]) as ChildJob), (error) => ({ok: false, error}));
