import os from "node:os";
import {defineCommand} from "../command.ts";
import {unattended} from "../../history/session.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {UserError} from "../../common/errors.ts";
import {log, Progress} from "../../common/progress.ts";
import {resolveModel} from "../../partition/model.ts";
import {optLevel, positiveInt} from "../../partition/options.ts";
import {recorded} from "../../partition/run-record.ts";
import {MODES, runMode, type PipelineMode} from "../../pipeline/modes.ts";
import {formatPipeline} from "../../pipeline/report.ts";
import {pipelineRows, type PipelineRow} from "../../pipeline/rows.ts";
import {pipelineRuns} from "../../store/datasets.ts";
import {appendRows, newRun, storeRoot} from "../../store/store.ts";

export const sweepPipelineOptions = {
  model: {type: "string", arg: "NAME|FILE.onnx", description: "zoo model or an ONNX image model with input [N, C, H, W]"},
  images: {type: "string", arg: "N", description: "images each mode processes", default: "1000"},
  workers: {type: "string", arg: "N", description: "parallel runners / inference workers (default: all cores)"},
  threads: {type: "string", arg: "N", description: "intra-op threads of each session", default: "1"},
  modes: {type: "string", arg: "M,N", description: "which modes: sync, parallel, queue", default: "sync,parallel,queue"},
  "image-size": {type: "string", arg: "WxH", description: "size of the generated source images (resized to the model's input)", default: "320x240"},
  opt: {type: "string", arg: "LEVEL", description: "ORT graph optimization level", default: "all"},
  json: {type: "boolean", description: "print the rows as JSON on stdout"},
  log: {type: "boolean", description: "also write everything printed to data/logs/<run_id>.log"}
} as const;

export function parseImageSize(value: string | undefined): {w: number; h: number} {
  const m = /^(\d+)x(\d+)$/.exec(value ?? "");
  const w = Number(m?.[1]);
  const h = Number(m?.[2]);
  if (!m || w < 1 || h < 1 || w * h > 64e6) throw new UserError(`--image-size: '${value}' is not WIDTHxHEIGHT`, {hint: "e.g. --image-size 320x240"});
  return {w, h};
}

export function parseModes(value: string | undefined): PipelineMode[] {
  const modes = (value ?? MODES.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  for (const m of modes) if (!(MODES as readonly string[]).includes(m)) throw new UserError(`--modes: unknown mode '${m}'`, {hint: `Use ${MODES.join(", ")}`});
  if (!modes.length) throw new UserError("--modes: name at least one mode", {hint: `Use ${MODES.join(", ")}`});
  return [...new Set(modes)] as PipelineMode[];
}

export default defineCommand({
  usage: "--model M [--images 1000] [--workers N] [--modes sync,parallel,queue]",
  description:
    "Run one image pipeline (generate an RGB image, resize + normalize to NCHW on the CPU, inference, softmax + top-5) three ways: synchronously in one loop, as N parallel runners (worker threads, one session each) and as a submit/receive queue (this thread pre/post-processes, N inference workers). Reports total time, throughput, latency and each worker's inference / pre+post / idle share; rows go to the store (pipeline_runs).",
  details: "Every mode processes exactly --images images and hashes their top-5 classes: the digests agree when the modes computed the same results.\nExample:\n  inferscope sweep pipeline --model mobilenet_v1 --images 1000 --workers 2",
  options: sweepPipelineOptions,
  positionals: false,
  run: ({values}) =>
    unattended("sweep pipeline", {log: values.log}, async (session) => {
      const model = await resolveModel(values.model);
      const images = positiveInt("images", values.images);
      const workers = positiveInt("workers", values.workers, os.availableParallelism());
      const threads = positiveInt("threads", values.threads);
      const modes = parseModes(values.modes);
      const {w, h} = parseImageSize(values["image-size"]);
      const opt = optLevel(values.opt);
      await session.begin();
      const run = newRun("sweep pipeline", {model: model.name, model_file: model.file, images, workers, threads, modes, image_size: `${w}x${h}`, opt_level: opt});
      log(`sweep pipeline: ${model.name}, ${images} images (${w}x${h}), modes ${modes.join(", ")}, ${workers} worker${workers > 1 ? "s" : ""} x ${threads} thread${threads > 1 ? "s" : ""}; into ${storeRoot()}`);
      const cancel = cancelOnSigint("the pipeline sweep");
      try {
        return await recorded(run, async (finish) => {
          const rows: PipelineRow[] = [];
          const progress = new Progress({total: modes.length, label: "sweep pipeline", work: modes.map((m) => (m === "sync" ? workers : 1))});
          let cancelled = false;
          for (const mode of modes) {
            if (cancel.signal.aborted) break;
            progress.start(`${mode}${mode === "sync" ? "" : ` with ${workers} worker${workers > 1 ? "s" : ""}`}`);
            const r = await runMode(mode, {modelFile: model.file, images, workers, threads, optLevel: opt, imageW: w, imageH: h, signal: cancel.signal});
            const modeRows = pipelineRows(r, {model: model.name, model_file: model.file, runtime: "ort-cpu", threads, images, image_size: `${w}x${h}`});
            rows.push(...modeRows);
            if (r.images_done < images) cancelled = true;
            progress.finish(`${r.images_done} images in ${(r.total_ms / 1000).toFixed(2)} s (${modeRows[0].throughput_img_per_s.toFixed(1)} img/s), p50 ${modeRows[0].p50_ms.toFixed(2)} ms`);
          }
          cancelled ||= cancel.signal.aborted;
          await appendRows(pipelineRuns, rows, run);
          await finish({status: cancelled ? "cancelled" : "ok", rows_written: rows.length, error: cancelled ? "cancelled: the modes run so far are kept (the one interrupted with fewer images)" : null});
          if (values.json) process.stdout.write(`${JSON.stringify({run_id: run.run_id, rows}, null, 2)}\n`);
          else process.stdout.write(`${formatPipeline(rows).join("\n")}\n`);
          log(`sweep pipeline: ${rows.length} rows, run ${run.run_id}`);
          return cancelled ? 130 : 0;
        });
      } finally {
        cancel.dispose();
      }
    })
});
