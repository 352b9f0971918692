// Power measurement behind one interface. A source is detected at run time (nvidia-smi for a GPU,
// Linux powercap/RAPL energy counters for the CPU package, or none); a recorder started on it keeps
// every sample, so a long run shows power or clocks falling (thermal throttling) instead of one mean.

export type PowerSourceName = "nvidia-smi" | "powercap" | "none";

/** One sample: the average power over (previous sample's t_ms, t_ms]. Times are epoch milliseconds. */
export interface PowerSample {
  t_ms: number;
  watts: number | null;
  /** SM clock (nvidia-smi); null where the source has none. */
  sm_clock_mhz: number | null;
  /** GPU temperature (nvidia-smi); null where the source has none. */
  temp_c: number | null;
}

export interface PowerTrace {
  source: PowerSourceName;
  device: string | null;
  /** When recording started (epoch ms): the first sample's interval begins here. */
  started_ms: number;
  samples: PowerSample[];
  /** Why there are no samples, or what to keep in mind about them. */
  note: string | null;
}

export interface PowerRecorder {
  /** Stop sampling and return everything recorded. */
  stop(): Promise<PowerTrace>;
}

export interface PowerSource {
  name: PowerSourceName;
  /** What is measured, e.g. "gpu:NVIDIA TITAN RTX" or "cpu:package-0". */
  device: string | null;
  note: string | null;
  start(options?: {intervalMs?: number}): Promise<PowerRecorder>;
}

/** Epoch milliseconds with sub-millisecond resolution; comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
