// inferscope's command line: `inferscope <command> [options]`.
// Data goes to stdout, progress and logs to stderr; user errors are one line and a non-zero exit.

import {parseArgs} from "node:util";
import {formatUserError, isUserError, UserError} from "../common/errors.ts";
import {toParseArgsOptions, type CommandSpec, type OptionSpec} from "./command.ts";
import {COMMANDS, type CommandEntry} from "./registry.ts";
import {closest} from "./suggest.ts";

const VERSION = "0.1.0";

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "inferscope: profile deep-learning inference across the stack, then look at it in the browser.",
    "",
    "Usage: inferscope <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `inferscope <command> --help` (or `inferscope help <command>`) for a command's options.",
    "Pages: `npm run dev` to explore, `npm run build` for a static report in dist/."
  ].join("\n");
}

function optionLine(name: string, o: OptionSpec): [string, string] {
  const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` ${o.arg ?? "VALUE"}` : ""}`;
  const def = o.default !== undefined && o.default !== false ? ` (default: ${Array.isArray(o.default) ? o.default.join(",") : o.default})` : "";
  return [flag, `${o.description}${def}`];
}

export function commandHelp(name: string, spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([n, o]) => optionLine(n, o));
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([f]) => f.length));
  return [
    `Usage: inferscope ${name}${spec.usage ? ` ${spec.usage}` : ""}`,
    "",
    spec.description,
    "",
    "Options:",
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    ...(spec.details ? ["", spec.details] : [])
  ].join("\n");
}

/** Find the command named by the leading words of argv (two-word names first). */
function resolve(argv: string[]): {entry?: CommandEntry; rest: string[]; group?: CommandEntry[]} {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith("-")) break;
    words.push(a);
    if (words.length === 2) break;
  }
  for (let n = words.length; n > 0; n--) {
    const name = words.slice(0, n).join(" ");
    const entry = COMMANDS.find((c) => c.name === name);
    if (entry) return {entry, rest: argv.slice(n)};
  }
  if (words.length > 0) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `));
    if (group.length) return {rest: argv.slice(1), group};
  }
  return {rest: argv};
}

function unknownCommand(argv: string[]): never {
  const word = argv.filter((a) => !a.startsWith("-")).slice(0, 2).join(" ") || argv[0];
  const names = [...new Set(COMMANDS.flatMap((c) => [c.name, c.name.split(" ")[0]]))];
  const guess = closest(word, names);
  throw new UserError(`unknown command '${word}'`, {
    hint: guess ? `Did you mean \`inferscope ${guess}\`? See \`inferscope --help\`.` : "See `inferscope --help` for the commands."
  });
}

export async function run(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write(`${mainHelp()}\n`);
    return 0;
  }
  if (argv[0] === "--version" || argv[0] === "-v") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  // `help x` is `x --help`.
  if (argv[0] === "help") return run(argv.length > 1 ? [...argv.slice(1), "--help"] : ["--help"]);

  const {entry, rest, group} = resolve(argv);
  if (group) {
    if (rest.length === 0 || rest.includes("--help") || rest.includes("-h")) {
      const width = Math.max(...group.map((c) => c.name.length));
      process.stdout.write(`Usage: inferscope ${argv[0]} <subcommand> [options]\n\n${group.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}\n`);
      return rest.length === 0 ? 1 : 0;
    }
    unknownCommand(argv);
  }
  if (!entry) unknownCommand(argv);

  const spec = (await entry.load()).default;
  const dashdash = rest.indexOf("--");
  const args = dashdash >= 0 ? rest.slice(0, dashdash) : rest;
  const after = dashdash >= 0 ? rest.slice(dashdash + 1) : [];
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${commandHelp(entry.name, spec)}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({args, options: toParseArgsOptions(spec.options), allowPositionals: spec.positionals ?? true, strict: true});
  } catch (error) {
    const message = (error as Error).message;
    const m = /Unknown option '--?([^']+)'/.exec(message);
    const guess = m ? closest(m[1], Object.keys(spec.options)) : undefined;
    throw new UserError(`${entry.name}: ${message.replace(/\. To specify.*$/s, "")}`, {
      hint: guess ? `Did you mean --${guess}? See \`inferscope ${entry.name} --help\`.` : `See \`inferscope ${entry.name} --help\`.`
    });
  }
  const code = await spec.run({values: parsed.values as never, positionals: parsed.positionals, rest: after});
  return typeof code === "number" ? code : 0;
}

async function main(): Promise<void> {
  try {
    process.exitCode = await run(process.argv.slice(2));
  } catch (error) {
    if (isUserError(error)) {
      process.stderr.write(`${formatUserError(error)}\n`);
      process.exitCode = error.exitCode;
    } else {
      process.stderr.write(`inferscope: internal error (please report it with the command you ran)\n${(error as Error)?.stack ?? error}\n`);
      process.exitCode = 70;
    }
  }
}

// Only run when this file is the CLI entry (bin/inferscope.js imports it); tests import run() directly.
if (process.argv[1] && /inferscope(\.js)?$|cli[\\/]main\.ts$/.test(process.argv[1])) await main();
