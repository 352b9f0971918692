// When request-rate mode sends each request (perf_analyzer --request-rate-range with
// --request-distribution constant|poisson): offsets in ns from the start of the step. Seeded, so two
// runs of one configuration send on the same schedule.

import {mulberry32} from "../common/random.ts";

export type Distribution = "constant" | "poisson";

/** An endless generator of send offsets (ns) for `rate` requests per second. */
export function* sendSchedule(rate: number, distribution: Distribution, seed = 1): Generator<number> {
  const mean = 1e9 / rate;
  const random = mulberry32(seed);
  let t = 0;
  for (;;) {
    yield t;
    // Poisson arrivals: exponential gaps with the same mean.
    t += distribution === "constant" ? mean : -Math.log(1 - random()) * mean;
  }
}
