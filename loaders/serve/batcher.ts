// The dynamic batcher's decision, as Triton's dynamic batcher makes it (docs/user_guide/model_configuration.md
// "Dynamic Batcher"; src/dynamic_batch_scheduler.cc): requests are taken in arrival order while their
// batch rows fit max_batch_size; the batch goes at once when it cannot grow (max_batch_size reached or
// the next request does not fit), when it reaches the largest preferred batch size, or when no queue
// delay is configured; otherwise it waits until the oldest request has waited max_queue_delay, then
// sends the largest preferred batch it can form, or else everything that fits.
// Pure function of the queue and the clock, so it is tested without a server.

export interface BatchPolicy {
  /** false: every request executes alone (Triton without dynamic_batching). */
  dynamic: boolean;
  maxBatchSize: number;
  preferred: readonly number[];
  maxQueueDelayNs: bigint;
}

export interface Queued {
  /** Rows this request adds to the batch. */
  batch: number;
  queuedAt: bigint;
}

export type Decision = {take: number} | {waitNs: bigint} | null;

export function decideBatch(queue: readonly Queued[], now: bigint, policy: BatchPolicy): Decision {
  if (queue.length === 0) return null;
  if (!policy.dynamic || policy.maxBatchSize <= 1) return {take: 1};
  let total = 0;
  let n = 0;
  let bestPreferred = 0;
  for (const q of queue) {
    if (total + q.batch > policy.maxBatchSize) break;
    total += q.batch;
    n++;
    if (policy.preferred.includes(total)) bestPreferred = n;
  }
  if (n === 0) return {take: 1};
  const full = total === policy.maxBatchSize || n < queue.length;
  const maxPreferred = policy.preferred.length ? Math.max(...policy.preferred.filter((p) => p <= policy.maxBatchSize)) : Infinity;
  if (full || total >= maxPreferred || policy.maxQueueDelayNs <= 0n) return {take: n};
  const waited = now - queue[0].queuedAt;
  if (waited >= policy.maxQueueDelayNs) return {take: bestPreferred > 0 ? bestPreferred : n};
  return {waitNs: policy.maxQueueDelayNs - waited};
}
