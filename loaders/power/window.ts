// Power over a measurement window cut from a longer trace: each sample is the mean power over the
// interval since the previous one, so the window's energy is the sum of overlaps x power.

import type {PowerSample, PowerTrace} from "./types.ts";

export interface WindowPower {
  /** Mean power over the part of the window the samples cover, W; null with no samples. */
  avg_power_w: number | null;
  /** avg_power_w x window length, J. */
  energy_j: number | null;
  /** Share of the window the samples cover (0-1). */
  coverage: number;
  /** The samples whose interval overlaps the window. */
  samples: PowerSample[];
}

export function windowPower(trace: PowerTrace, startMs: number, endMs: number): WindowPower {
  const span = endMs - startMs;
  let joules = 0;
  let covered = 0;
  const inside: PowerSample[] = [];
  let prev = trace.started_ms;
  for (const s of trace.samples) {
    const a = Math.max(prev, startMs);
    const b = Math.min(s.t_ms, endMs);
    if (s.t_ms >= startMs && prev <= endMs) inside.push(s);
    if (b > a && s.watts !== null) {
      joules += (s.watts * (b - a)) / 1000;
      covered += b - a;
    }
    prev = s.t_ms;
  }
  if (covered <= 0 || span <= 0) return {avg_power_w: null, energy_j: null, coverage: 0, samples: inside};
  const avg = joules / (covered / 1000);
  return {avg_power_w: avg, energy_j: (avg * span) / 1000, coverage: Math.min(1, covered / span), samples: inside};
}
