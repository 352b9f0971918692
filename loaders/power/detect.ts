// Which power source a run uses, decided at run time. `auto` measures the device the runtime runs on:
// nvidia-smi for ort-cuda, the CPU package's RAPL counters otherwise; with neither, "none" and why.

import {UserError} from "../common/errors.ts";
import {noPower} from "./none.ts";
import {nvidiaSource, probeNvidia} from "./nvidia-smi.ts";
import {POWERCAP_ROOT, powercapSource, probePowercap} from "./powercap.ts";
import type {PowerSource} from "./types.ts";

export const POWER_CHOICES = ["auto", "nvidia-smi", "powercap", "none"] as const;
export type PowerChoice = (typeof POWER_CHOICES)[number];

export interface DetectOptions {
  choice?: PowerChoice;
  /** The runtime measured: ort-cuda prefers the GPU's power, anything else the CPU's. */
  runtime?: string;
  powercapRoot?: string;
  env?: Record<string, string | undefined>;
  gpu?: number;
}

export function parsePowerChoice(value: string | undefined): PowerChoice {
  const v = value ?? "auto";
  if (!(POWER_CHOICES as readonly string[]).includes(v)) throw new UserError(`--power: unknown source '${v}'`, {hint: `Use one of ${POWER_CHOICES.join(", ")}`});
  return v as PowerChoice;
}

export async function detectPowerSource({choice = "auto", runtime = "ort-cpu", powercapRoot = process.env.INFERSCOPE_POWERCAP_ROOT ?? POWERCAP_ROOT, env = process.env, gpu = 0}: DetectOptions = {}): Promise<PowerSource> {
  if (choice === "none") return noPower("power not measured (--power none)");
  const tryNvidia = async () => {
    const probe = await probeNvidia({gpu, env});
    return {source: probe.name ? nvidiaSource(probe.name, {gpu, env}) : null, reason: probe.reason};
  };
  const tryPowercap = () => {
    const probe = probePowercap(powercapRoot);
    return {source: probe.reason === null ? powercapSource(probe.zones) : null, reason: probe.reason};
  };
  if (choice === "nvidia-smi" || choice === "powercap") {
    const r = choice === "nvidia-smi" ? await tryNvidia() : tryPowercap();
    if (!r.source) throw new UserError(`--power ${choice}: ${r.reason}`, {hint: "Use --power auto to fall back to whatever this machine has (or none)"});
    return r.source;
  }
  const order = runtime === "ort-cuda" ? [tryNvidia, tryPowercap] : [tryPowercap];
  const reasons: string[] = [];
  for (const attempt of order) {
    const r = await attempt();
    if (r.source) return r.source;
    reasons.push(r.reason!);
  }
  return noPower(`no power source on this machine: ${reasons.join("; ")}`);
}
