// The op_profiles row type and what every importer shares: the context fields a caller gives
// (model, runtime, device, ...), the scopes, and a check run on all rows before anything is written.

import {readInput} from "../formats/common/read-input.ts";
import type {Diagnostics} from "../formats/common/diagnostics.ts";
import {opProfiles} from "../store/datasets.ts";
import type {Column, RowOf} from "../store/schema.ts";

export type OpProfileRow = RowOf<typeof opProfiles>;

/** Where nested rows sit; only 'node' rows add up to a run's operator time (see datasets.ts). */
export type OpScope = "node" | "delegate_op" | "subgraph_op" | "gpu_kernel";

/** What the caller knows about a profile that the file itself does not say. */
export interface OpProfileMeta {
  model: string;
  runtime: string;
  device: string;
  opt_level?: string | null;
  source: "local" | "imported";
  /** The file as the user named it; stored in every row. */
  source_file: string;
}

/** The row fields a parser fills; the rest come from the meta. */
export type ParsedOpRow = Omit<OpProfileRow, "model" | "runtime" | "device" | "opt_level" | "source" | "source_file">;

export function withMeta(meta: OpProfileMeta, rows: ParsedOpRow[]): OpProfileRow[] {
  const base = {model: meta.model, runtime: meta.runtime, device: meta.device, opt_level: meta.opt_level ?? null, source: meta.source, source_file: meta.source_file};
  // Assigned in place: the parsed rows are fresh objects, and spreading 30 fields per row is slow.
  return rows.map((r) => Object.assign(r as OpProfileRow, base));
}

/**
 * Check rows against the dataset schema before any write, so that a bad value is reported as a bug
 * here and not half-way through writing a store part.
 */
export function validateOpRows(rows: readonly OpProfileRow[]): void {
  rows.forEach((row, i) => {
    const r = row as Record<string, unknown>;
    for (const c of opProfiles.columns as readonly Column[]) {
      const v = r[c.name];
      if (v === null || v === undefined) {
        if (!c.nullable) throw new Error(`op_profiles row ${i}: ${c.name} is required but missing`);
        continue;
      }
      const ok =
        c.type === "VARCHAR" ? typeof v === "string"
        : c.type === "DOUBLE" ? typeof v === "number" && Number.isFinite(v)
        : c.type === "INTEGER" ? typeof v === "number" && Number.isInteger(v)
        : c.type === "BIGINT" ? typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))
        : true;
      if (!ok) throw new Error(`op_profiles row ${i}: ${c.name} (${c.type}) got ${JSON.stringify(v)}`);
    }
  });
}

/** Shapes in one JSON layout for every runtime: [{"dtype": "float", "shape": [1, 3, 224, 224]}]. */
export interface TensorShape {
  dtype: string | null;
  shape: number[] | null;
}

export function shapesJson(shapes: readonly TensorShape[] | null | undefined): string | null {
  return shapes ? JSON.stringify(shapes) : null;
}

/** What every profile parser returns. */
export interface OpProfileParse {
  rows: OpProfileRow[];
  diagnostics: Diagnostics;
  /** Inference runs covered: per-run rows (ORT), or the runs the tool averaged over (0 if it does not say). */
  runs: number;
}

export function decodeText(input: string | Uint8Array): string {
  return typeof input === "string" ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("utf8");
}

/** Read a profile file; a missing or unreadable file is an InputError naming it as the user did. */
export async function readProfileFile(path: string, shownAs = path): Promise<Buffer> {
  return readInput(path, {shownAs});
}
