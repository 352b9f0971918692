// What `inferscope import tflite|trtexec|ort-profile` share: their options, the all-or-nothing
// write of a parsed profile into the store, and the summary they print.

import {basename} from "node:path";
import {UserError} from "../common/errors.ts";
import {storeImport, type ImportResult, type ImportWrite} from "../formats/common/store-import.ts";
import {opProfiles} from "../store/datasets.ts";
import {storeRoot} from "../store/store.ts";
import type {OptionSpec} from "../cli/command.ts";
import {redactOption} from "../history/redact.ts";
import {validateOpRows, type OpProfileMeta, type OpProfileParse} from "./profile-rows.ts";

export function importOptions(defaultRuntime: string) {
  return {
    model: {type: "string", arg: "M", description: "model name to file the profile under (required)"},
    device: {type: "string", arg: "D", description: "device the profile was taken on, e.g. jetson-nano, pixel4 (required)"},
    runtime: {type: "string", arg: "R", default: defaultRuntime, description: "runtime that produced the profile"},
    "opt-level": {type: "string", arg: "L", description: "optimization level or precision the profile was taken with (e.g. all, fp16)"},
    json: {type: "boolean", description: "print the import result as JSON"},
    redact: redactOption
  } satisfies Record<string, OptionSpec>;
}

/** Check the command line of an import and build the row context from it. */
export function importMeta(command: string, positionals: string[], values: {model?: string; device?: string; runtime?: string; "opt-level"?: string}): OpProfileMeta {
  const usage = `See \`inferscope ${command} --help\`.`;
  if (positionals.length === 0) throw new UserError(`${command}: give the profile file to import`, {hint: usage});
  if (positionals.length > 1) throw new UserError(`${command}: one file at a time, got ${positionals.length}: ${positionals.join(" ")}`, {hint: usage});
  for (const flag of ["model", "device"] as const) {
    const v = values[flag];
    if (v === undefined || v.trim() === "") throw new UserError(`${command}: --${flag} is required`, {hint: `e.g. \`inferscope ${command} ${positionals[0]} --model mobilenet_v1 --device jetson-nano\``});
  }
  return {
    model: values.model!.trim(),
    device: values.device!.trim(),
    runtime: (values.runtime ?? "").trim() || "unknown",
    opt_level: values["opt-level"]?.trim() || null,
    source: "imported",
    source_file: positionals[0]
  };
}

/** Write a parsed profile (rows + diagnostics) as one import: everything or nothing. */
export async function importOpProfile({
  kind,
  format,
  parsed,
  meta,
  config = {},
  root,
  redact = false
}: {
  kind: string;
  format: string;
  parsed: OpProfileParse;
  meta: OpProfileMeta;
  config?: Record<string, unknown>;
  root?: string;
  redact?: boolean;
}): Promise<ImportResult> {
  validateOpRows(parsed.rows);
  return storeImport({
    kind,
    config: {...config, ...meta},
    sourceFile: meta.source_file,
    format,
    writes: [{dataset: opProfiles, rows: parsed.rows} satisfies ImportWrite<typeof opProfiles> as ImportWrite<any>],
    diagnostics: parsed.diagnostics,
    root,
    redact
  });
}

/** Diagnostics to stderr, then the summary (or JSON) to stdout. */
export function printImport(result: ImportResult, parsed: OpProfileParse, meta: OpProfileMeta, format: string, json: boolean | undefined): void {
  for (const line of parsed.diagnostics.format(meta.source_file)) process.stderr.write(`${line}\n`);
  const nodes = parsed.rows.filter((r) => r.scope === "node").length;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({run_id: result.run_id, store: storeRoot(), format, source_file: meta.source_file, rows: parsed.rows.length, node_rows: nodes, runs: parsed.runs, diagnostics: parsed.diagnostics.list()}, null, 2)}\n`
    );
    return;
  }
  const other = parsed.rows.length - nodes;
  process.stdout.write(
    `imported ${basename(meta.source_file)} (${format}): ${nodes} node rows${other ? ` + ${other} nested rows` : ""}` +
      `${parsed.runs ? `, ${parsed.runs} run${parsed.runs === 1 ? "" : "s"}` : ""} for ${meta.model} / ${meta.runtime} / ${meta.device}\n` +
      `run ${result.run_id} in ${storeRoot()}\n` +
      `next: inferscope ops top --model ${shellWord(meta.model)} --runtime ${shellWord(meta.runtime)} --device ${shellWord(meta.device)}\n`
  );
}

function shellWord(s: string): string {
  return /^[\w.,:/@%+=-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}
