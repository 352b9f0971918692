// GPU power from nvidia-smi: `--query-gpu=power.draw,clocks.sm,temperature.gpu --format=csv,noheader,nounits
// -lms 100` prints one line per interval until killed. Lines are timed on arrival in this process, whose
// event loop stays free because the measured work runs in a child process.

import {execa} from "execa";
import {createInterface} from "node:readline";
import {nowMs, type PowerSample, type PowerSource} from "./types.ts";

export const NVIDIA_QUERY = ["--query-gpu=power.draw,clocks.sm,temperature.gpu", "--format=csv,noheader,nounits"];

/** A number, or null for nvidia-smi's "[N/A]", "[Not Supported]" and the like. */
function value(field: string | undefined): number | null {
  if (field === undefined) return null;
  const n = Number(field.trim());
  return field.trim() !== "" && Number.isFinite(n) ? n : null;
}

/** One CSV line (power W, SM clock MHz, temperature C); null for a line that is not three fields. */
export function parseNvidiaLine(line: string, t_ms: number): PowerSample | null {
  const fields = line.split(",");
  if (fields.length !== 3) return null;
  const [watts, sm_clock_mhz, temp_c] = fields.map(value);
  if (watts === null && sm_clock_mhz === null && temp_c === null) return null;
  return {t_ms, watts, sm_clock_mhz, temp_c};
}

export interface NvidiaOptions {
  gpu?: number;
  /** PATH to find nvidia-smi on (tests point it at a fake). */
  env?: Record<string, string | undefined>;
}

/** The GPU's name when nvidia-smi answers, otherwise null with the reason. */
export async function probeNvidia({gpu = 0, env = process.env}: NvidiaOptions = {}): Promise<{name: string | null; reason: string | null}> {
  try {
    const {stdout} = await execa("nvidia-smi", ["--query-gpu=name", "--format=csv,noheader", "-i", String(gpu)], {env, extendEnv: false, timeout: 10_000});
    const name = stdout.trim().split("\n")[0]?.trim();
    return name ? {name, reason: null} : {name: null, reason: "nvidia-smi listed no GPU"};
  } catch (error) {
    const e = error as {code?: string; shortMessage?: string};
    return {name: null, reason: e.code === "ENOENT" ? "nvidia-smi not found (no NVIDIA driver)" : `nvidia-smi failed: ${(e.shortMessage ?? String(error)).split("\n")[0]}`};
  }
}

export function nvidiaSource(gpuName: string, {gpu = 0, env = process.env}: NvidiaOptions = {}): PowerSource {
  return {
    name: "nvidia-smi",
    device: `gpu:${gpuName}`,
    note: null,
    async start({intervalMs = 100} = {}) {
      const started_ms = nowMs();
      const samples: PowerSample[] = [];
      let bad = 0;
      const child = execa("nvidia-smi", [...NVIDIA_QUERY, "-lms", String(intervalMs), "-i", String(gpu)], {env, extendEnv: false, buffer: false, reject: false, stdin: "ignore"});
      const lines = createInterface({input: child.stdout!});
      lines.on("line", (line) => {
        const s = parseNvidiaLine(line, nowMs());
        if (s) samples.push(s);
        else if (line.trim()) bad++;
      });
      return {
        async stop() {
          child.kill("SIGTERM");
          const r = await child;
          lines.close();
          const problems = [bad ? `${bad} line(s) nvidia-smi printed were not power,clock,temperature` : "", samples.length === 0 ? `nvidia-smi gave no samples${r.exitCode ? ` (exit code ${r.exitCode})` : ""}` : ""].filter(Boolean);
          return {source: "nvidia-smi", device: `gpu:${gpuName}`, started_ms, samples, note: problems.join("; ") || null};
        }
      };
    }
  };
}
