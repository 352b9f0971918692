// Run the real CLI (bin/inferscope.js) in a child process, as a user would.
import {execa} from "execa";
import {fileURLToPath} from "node:url";

export const BIN = fileURLToPath(new URL("../../bin/inferscope.js", import.meta.url));

export async function cli(args: string[], {env = {}, cwd, input}: {env?: Record<string, string>; cwd?: string; input?: string} = {}) {
  const r = await execa("node", [BIN, ...args], {reject: false, env: {...env, FORCE_COLOR: "0"}, cwd, input, timeout: 300_000});
  return {code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr)};
}

/** A user-facing error: short, names the problem, no stack trace. */
export function assertOneLineError(stderr: string): void {
  const lines = stderr.trim().split("\n").filter((l) => !/^npm warn/.test(l));
  if (lines.length === 0 || lines.length > 2) throw new Error(`expected a one-line error (plus an optional hint), got:\n${stderr}`);
  if (!lines[0].startsWith("inferscope: ")) throw new Error(`error line should start with "inferscope: ", got: ${lines[0]}`);
  if (/\n\s+at /.test(stderr)) throw new Error(`stack trace printed:\n${stderr}`);
}
