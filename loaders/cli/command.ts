// The shape of one CLI command. Each lives in its own file under commands/ and is loaded lazily.

import {parseArgs, type ParseArgsConfig} from "node:util";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[];
  /** Placeholder shown in help, e.g. "DIR". */
  arg?: string;
  description: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** Usage after "inferscope <name>", e.g. "<file.onnx> [--json]". */
  usage: string;
  description: string;
  options: O;
  /** Positional arguments allowed (default true). */
  positionals?: boolean;
  /** Extra help text (examples, notes). */
  details?: string;
  run(args: {values: ParsedValues<O>; positionals: string[]; rest: string[]}): Promise<number | void>;
}

export type ParsedValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K]["type"] extends "boolean"
    ? O[K]["multiple"] extends true ? boolean[] : boolean | undefined
    : O[K]["multiple"] extends true ? string[] | undefined : string | undefined;
};

export function defineCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

export function toParseArgsOptions(options: Record<string, OptionSpec>): NonNullable<ParseArgsConfig["options"]> {
  const out: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, o] of Object.entries(options)) {
    out[name] = {type: o.type, ...(o.short ? {short: o.short} : {}), ...(o.multiple ? {multiple: true} : {}), ...(o.default !== undefined ? {default: o.default as never} : {})};
  }
  return out;
}

/** Run a command from another one with a command line, so its option defaults apply as from the shell. */
export async function runCommand(spec: CommandSpec<any>, argv: string[]): Promise<number | void> {
  const {values, positionals} = parseArgs({args: argv, options: toParseArgsOptions(spec.options), allowPositionals: spec.positionals ?? true, strict: true});
  return spec.run({values: values as ParsedValues<any>, positionals, rest: []});
}
