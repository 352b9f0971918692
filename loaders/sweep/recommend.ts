// Which batch size (and queue delay) to use at a given request rate, from a batch sweep's profile:
// at λ requests/s a batch of k requests waits about (k - 1)/λ for its last request, then runs for the
// profile's p99 at that batch; while the model is busy a fraction ρ = λ·mean/b of the time, a request
// also queues for ρ/(2(1-ρ))·mean (M/D/1). Among batch sizes whose predicted p99 meets the bound (and
// ρ < 1), the most inferences per joule wins, or with no power in the profile, the most throughput.
// The prediction leaves out what the server adds (HTTP, serialization): the measurement beside it shows that.

import type {dynamicBatching, batchRecommendations} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";

export type RecommendationRow = RowOf<typeof batchRecommendations>;
export type DynamicRow = RowOf<typeof dynamicBatching>;

export interface ProfilePoint {
  batch: number;
  p99_ms: number;
  mean_ms: number;
  throughput_infer_per_s: number;
  infer_per_joule: number | null;
}

export interface Prediction {
  batch: number;
  fill_ms: number;
  queue_ms: number;
  predicted_p99_ms: number;
  utilisation: number;
  feasible: boolean;
}

/** The prediction for one profiled batch size at `rate` requests/s of `clientBatch` inferences each. */
export function predict(p: ProfilePoint, rate: number, boundMs: number, clientBatch = 1): Prediction {
  const requests = Math.max(1, Math.ceil(p.batch / clientBatch));
  const fill_ms = ((requests - 1) / rate) * 1000;
  const utilisation = (rate * clientBatch * p.mean_ms) / 1000 / p.batch;
  const queue_ms = utilisation < 1 ? (utilisation / (2 * (1 - utilisation))) * p.mean_ms : Infinity;
  const predicted_p99_ms = fill_ms + p.p99_ms + queue_ms;
  return {batch: p.batch, fill_ms, queue_ms, predicted_p99_ms, utilisation, feasible: utilisation < 1 && predicted_p99_ms <= boundMs};
}

export interface RecommendOptions {
  model: string;
  profileRunId: string;
  rates: readonly number[];
  boundMs: number;
  clientBatch?: number;
  /** Batch sizes the server can run (its --max-batch); larger profiled sizes are left out. */
  maxBatch?: number;
  measured?: readonly DynamicRow[];
}

export function recommend(profile: readonly ProfilePoint[], o: RecommendOptions): RecommendationRow[] {
  const points = profile.filter((p) => p.batch <= (o.maxBatch ?? Infinity)).sort((a, b) => a.batch - b.batch);
  const objective = points.length > 0 && points.every((p) => p.infer_per_joule != null) ? "efficiency" : "throughput";
  const score = (p: ProfilePoint) => (objective === "efficiency" ? p.infer_per_joule! : p.throughput_infer_per_s);
  return o.rates.map((rate) => {
    const base = {model: o.model, profile_run_id: o.profileRunId, request_rate: rate, latency_bound_ms: o.boundMs, objective};
    const predictions = points.map((p) => ({p, pred: predict(p, rate, o.boundMs, o.clientBatch)}));
    const feasible = predictions.filter((x) => x.pred.feasible);
    // Best score; between equal scores the smaller batch (less waiting).
    const best = feasible.reduce<(typeof feasible)[number] | null>((a, x) => (a === null || score(x.p) > score(a.p) ? x : a), null);
    const measured = compareMeasured(o.measured ?? [], rate, o.boundMs, best?.p.batch ?? null, best ? best.pred.fill_ms * 1000 : null);
    if (!best) {
      const closest = predictions.reduce<(typeof predictions)[number] | null>((a, x) => (a === null || x.pred.predicted_p99_ms < a.pred.predicted_p99_ms ? x : a), null);
      return {
        ...base,
        feasible: false,
        batch: null,
        max_queue_delay_us: null,
        predicted_p99_ms: closest && Number.isFinite(closest.pred.predicted_p99_ms) ? closest.pred.predicted_p99_ms : null,
        utilisation: closest?.pred.utilisation ?? null,
        infer_per_joule: null,
        capacity_infer_per_s: null,
        note: closest ? `no profiled batch size meets p99 <= ${o.boundMs} ms at ${rate} requests/s (best: batch ${closest.p.batch}, load ${(100 * closest.pred.utilisation).toFixed(0)}%)` : "the profile has no batch size the server can run",
        ...measured
      };
    }
    return {
      ...base,
      feasible: true,
      batch: best.p.batch,
      max_queue_delay_us: best.pred.fill_ms * 1000,
      predicted_p99_ms: best.pred.predicted_p99_ms,
      utilisation: best.pred.utilisation,
      infer_per_joule: best.p.infer_per_joule,
      capacity_infer_per_s: best.p.throughput_infer_per_s,
      note: `${feasible.length} of ${points.length} profiled batch sizes meet the bound; chosen for ${objective === "efficiency" ? "inferences per joule" : "throughput (no power in the profile)"}`,
      ...measured
    };
  });
}

/** The measured configuration closest to the recommendation, and the best measured one within the bound, at the rate nearest `rate`. */
export function compareMeasured(rows: readonly DynamicRow[], rate: number, boundMs: number, batch: number | null, delayUs: number | null): Pick<RecommendationRow, "measured_config" | "measured_p99_ms" | "measured_throughput" | "best_measured_config" | "best_measured_p99_ms"> {
  const none = {measured_config: null, measured_p99_ms: null, measured_throughput: null, best_measured_config: null, best_measured_p99_ms: null};
  if (!rows.length) return none;
  const nearest = rows.reduce((a, r) => (Math.abs(r.request_rate - rate) < Math.abs(a - rate) ? r.request_rate : a), rows[0].request_rate);
  const at = rows.filter((r) => r.request_rate === nearest);
  const closest =
    batch === null
      ? null
      : at.reduce<DynamicRow | null>((a, r) => {
          if (a === null) return r;
          const d = Math.abs(Math.log2(r.max_batch) - Math.log2(batch)) - Math.abs(Math.log2(a.max_batch) - Math.log2(batch));
          if (d !== 0) return d < 0 ? r : a;
          return Math.abs(r.max_queue_delay_us - (delayUs ?? 0)) < Math.abs(a.max_queue_delay_us - (delayUs ?? 0)) ? r : a;
        }, null);
  const within = at.filter((r) => r.p99_us / 1000 <= boundMs);
  const best = within.reduce<DynamicRow | null>((a, r) => (a === null || r.throughput_infer_per_s > a.throughput_infer_per_s || (r.throughput_infer_per_s === a.throughput_infer_per_s && r.max_batch > a.max_batch) ? r : a), null);
  return {
    measured_config: closest?.config_label ?? null,
    measured_p99_ms: closest ? closest.p99_us / 1000 : null,
    measured_throughput: closest?.throughput_infer_per_s ?? null,
    best_measured_config: best?.config_label ?? null,
    best_measured_p99_ms: best ? best.p99_us / 1000 : null
  };
}
