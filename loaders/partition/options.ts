// Option parsing shared by the partition commands.

import {UserError} from "../common/errors.ts";
import {OPT_LEVELS, type OptLevel} from "../bench/config.ts";
import {cudaDevice} from "../bench/plan.ts";
import {autoPin, parseUnits, type UnitSpec} from "./units.ts";

export function positiveInt(flag: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UserError(`--${flag} is required`, {hint: `Give a positive whole number, e.g. --${flag} 32`});
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${flag}: '${value}' is not a positive whole number`, {hint: `e.g. --${flag} 32`});
  return n;
}

export function nonNegativeInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`--${flag}: '${value}' is not a whole number >= 0`, {hint: `e.g. --${flag} 3`});
  return n;
}

export function optLevel(value: string | undefined): OptLevel {
  const v = (value ?? "all") as OptLevel;
  if (!OPT_LEVELS.includes(v)) throw new UserError(`--opt: unknown optimization level '${value}'`, {hint: `Use ${OPT_LEVELS.join(", ")}`});
  return v;
}

/** --units (and --pin), checked against this machine: CUDA units need an NVIDIA GPU. */
export async function unitsOption(text: string | undefined, {pin = false}: {pin?: boolean} = {}): Promise<UnitSpec[]> {
  let units = parseUnits(text);
  if (pin) units = autoPin(units);
  if (units.some((u) => u.kind === "cuda") && !(await cudaDevice())) {
    throw new UserError("--units: a cuda unit was asked for, but this machine has no NVIDIA GPU (nvidia-smi is missing or lists none)", {hint: "Use cpu and wasm units here"});
  }
  return units;
}

export const MAX_BATCH_LIMIT = 65_536;

export function batchOption(flag: string, value: string | undefined, fallback?: number): number {
  const n = positiveInt(flag, value, fallback);
  if (n > MAX_BATCH_LIMIT) throw new UserError(`--${flag}: ${n} is more than ${MAX_BATCH_LIMIT}`, {hint: "Split batches up to 65536 items"});
  return n;
}
