// Option parsing shared by `inferscope quantize` and `inferscope quantize study`.

import {join} from "node:path";
import {UserError} from "../common/errors.ts";
import {modelDir} from "../models/zoo.ts";

export function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${flag}: '${value}' is not a positive whole number`, {hint: `e.g. --${flag} 8`});
  return n;
}

export function positiveInts(flag: string, value: string): number[] {
  return [...new Set(value.split(",").map((s) => positiveInt(flag, s.trim())))];
}

/** --symmetric / --asymmetric as the list of schemes to run (true = symmetric); asymmetric by default. */
export function schemesOf(values: {symmetric?: boolean; asymmetric?: boolean}, {both = false}: {both?: boolean} = {}): boolean[] {
  if (values.symmetric && values.asymmetric) {
    if (both) return [false, true];
    throw new UserError("--symmetric and --asymmetric exclude each other", {hint: "Give one (uint8 asymmetric activations are the default)"});
  }
  return [!!values.symmetric];
}

/** Where quantized models go by default: data/models/quantized (git-ignored, beside the zoo). */
export function quantizedDir(): string {
  return join(modelDir(), "quantized");
}
