// Triton's statistics extension (GET /v2/models[/<m>[/versions/<v>]]/stats), counted the way Triton's
// InferenceStatsAggregator counts: per request, success = REQUEST_START -> REQUEST_END, queue =
// QUEUE_START -> COMPUTE_START, compute input / infer / output between the compute timestamps (every
// request of a batch is charged the whole batch's compute, as Triton does); per execution, batch_stats
// under the executed batch size. Durations are the same nanosecond readings the trace writes, so the
// two agree exactly over the same requests.

import {STAT_KEYS, type BatchStats, type InferStats, type ModelStats, type StatDuration} from "./protocol.ts";

const zero = (): StatDuration => ({count: 0, ns: 0});

export interface RequestTimes {
  requestStart: bigint;
  queueStart: bigint;
  computeStart: bigint;
  computeInputEnd: bigint;
  computeOutputStart: bigint;
  computeEnd: bigint;
  requestEnd: bigint;
}

export class ModelStatistics {
  private readonly stats: InferStats = Object.fromEntries(STAT_KEYS.map((k) => [k, zero()])) as unknown as InferStats;
  private readonly batches = new Map<number, BatchStats>();
  private inferenceCount = 0;
  private executionCount = 0;
  private lastInference = 0;

  constructor(
    readonly name: string,
    readonly version: string
  ) {}

  private static add(d: StatDuration, ns: bigint): void {
    d.count++;
    d.ns += Number(ns);
  }

  success(t: RequestTimes, batch: number): void {
    const s = this.stats;
    ModelStatistics.add(s.success, t.requestEnd - t.requestStart);
    ModelStatistics.add(s.queue, t.computeStart - t.queueStart);
    ModelStatistics.add(s.compute_input, t.computeInputEnd - t.computeStart);
    ModelStatistics.add(s.compute_infer, t.computeOutputStart - t.computeInputEnd);
    ModelStatistics.add(s.compute_output, t.computeEnd - t.computeOutputStart);
    this.inferenceCount += batch;
    this.lastInference = Date.now();
  }

  /** A request that reached the model and failed (bad inputs, a failed execution). */
  failure(requestStart: bigint, end: bigint): void {
    ModelStatistics.add(this.stats.fail, end - requestStart);
  }

  execution(batchSize: number, computeStart: bigint, inputEnd: bigint, outputStart: bigint, computeEnd: bigint): void {
    this.executionCount++;
    let b = this.batches.get(batchSize);
    if (!b) this.batches.set(batchSize, (b = {batch_size: batchSize, compute_input: zero(), compute_infer: zero(), compute_output: zero()}));
    ModelStatistics.add(b.compute_input, inputEnd - computeStart);
    ModelStatistics.add(b.compute_infer, outputStart - inputEnd);
    ModelStatistics.add(b.compute_output, computeEnd - outputStart);
  }

  snapshot(): ModelStats {
    return {
      name: this.name,
      version: this.version,
      last_inference: this.lastInference,
      inference_count: this.inferenceCount,
      execution_count: this.executionCount,
      inference_stats: structuredClone(this.stats),
      batch_stats: [...this.batches.values()].sort((a, b) => a.batch_size - b.batch_size).map((b) => structuredClone(b))
    };
  }
}
