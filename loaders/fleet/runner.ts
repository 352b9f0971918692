// Runs one ssh session per device, several at once, each with its own deadline. A device's failure
// (unreachable, timed out, collector failed) is its own outcome and never stops the others.

import {execa} from "execa";
import {constants} from "node:fs";
import {access, mkdir, stat} from "node:fs/promises";
import {join} from "node:path";
import {classifySshFailure, lastLine, sshArgs, type Failure, type SshOptions} from "./ssh.ts";
import {checkScript, MARKER, parseCheckOutput, remoteShell, runScript} from "./remote.ts";
import {destination, type Device, type Inventory} from "./inventory.ts";

/** The ssh executable (tests and odd installs may point elsewhere). */
export function sshCommand(): string {
  return process.env.INFERSCOPE_SSH ?? "ssh";
}

/** Run `task` over `items` with at most `limit` at a time, keeping the input order in the result. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({length: Math.min(Math.max(1, limit), items.length)}, worker));
  return out;
}

/** Calls `onLine` with each complete line written to a stream. */
function eachLine(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  let partial = "";
  stream.on("data", (chunk: Buffer | string) => {
    const lines = (partial + chunk.toString()).split(/\r?\n/);
    partial = lines.pop() ?? "";
    for (const l of lines) onLine(l);
  });
  stream.on("end", () => {
    if (partial) onLine(partial);
  });
}

export interface RunOutcome {
  device: Device;
  status: "ok" | "failed" | "timeout" | "cancelled";
  failure?: Failure;
  /** The collector's exit code on the device, when it got that far. */
  exitCode?: number;
  arch?: string;
  /** The tar of the device's temporary store, written locally. */
  tarFile?: string;
  started: Date;
  durationMs: number;
}

export interface RunDeviceOptions {
  fleetRunId: string;
  /** Local directory for what the device sends back. */
  workDir: string;
  timeoutMs: number;
  signal?: AbortSignal;
  ssh?: SshOptions;
  /** Each line the device prints (progress), without the marker lines. */
  onLine?: (line: string) => void;
}

/**
 * What can be known to fail before connecting: an `identity_file` that is not there. ssh would only
 * warn and then fail as "permission denied", which sends the user to the device's authorized_keys.
 */
export async function preflight(device: Device): Promise<Failure | undefined> {
  const key = device.ssh.identity_file;
  if (!key) return undefined;
  try {
    await access(key, constants.R_OK);
    return undefined;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "cannot be read";
    return {
      code: "identity_missing",
      reason: `identity file ${key} ${why}`,
      hint: `Fix \`identity_file\` for ${device.name}${device.line ? ` (line ${device.line} of the inventory)` : ""}, or make a key: ssh-keygen -t ed25519 -f ${key}, then ssh-copy-id -i ${key}.pub to the device.`
    };
  }
}

/** Run inferscope with `args` on one device; its temporary store comes back as a tar file. */
export async function runOnDevice(inventory: Inventory, device: Device, args: readonly string[], {fleetRunId, workDir, timeoutMs, signal, ssh, onLine}: RunDeviceOptions): Promise<RunOutcome> {
  const started = new Date();
  const early = await preflight(device);
  if (early) return {device, started, durationMs: 0, status: "failed", failure: early};
  await mkdir(workDir, {recursive: true});
  const tarFile = join(workDir, `${device.name}.tar`);
  const child = execa(sshCommand(), [...sshArgs(inventory, device, ssh), remoteShell(runScript(device, args, fleetRunId))], {
    // stdin stays open for the whole run: the device stops its work when it closes (see remote.ts).
    stdin: "pipe",
    stdout: {file: tarFile},
    stderr: "pipe",
    reject: false,
    timeout: timeoutMs,
    cancelSignal: signal,
    forceKillAfterDelay: 5000,
    env: {LC_ALL: "C"}
  });
  let exitCode: number | undefined;
  let arch: string | undefined;
  eachLine(child.stderr, (line) => {
    const m = line.startsWith(MARKER) ? /^\S+ (\w+) (.*)$/.exec(line) : null;
    if (m?.[1] === "exit") exitCode = Number(m[2]);
    else if (m?.[1] === "arch") arch = m[2];
    else if (!m && line.trim()) onLine?.(line);
  });
  const result = await child;
  const durationMs = Date.now() - started.getTime();
  const base = {device, started, durationMs, arch, exitCode};
  if (result.isCanceled || signal?.aborted) return {...base, status: "cancelled", failure: {code: "cancelled", reason: "cancelled"}};
  if (result.timedOut) {
    return {...base, status: "timeout", failure: {code: "timeout", reason: `timed out after ${Math.round(timeoutMs / 1000)} s`, hint: "Raise the device's `timeout` in the inventory, or --timeout."}};
  }
  if ((result as {code?: string}).code === "ENOENT") {
    return {...base, status: "failed", failure: {code: "ssh_missing", reason: `${sshCommand()} not found`, hint: "Install the OpenSSH client (Debian: apt-get install openssh-client)."}};
  }
  const stderr = String(result.stderr ?? "");
  if (exitCode === undefined) {
    // The script never got to report: ssh itself failed (or the device's shell could not run it).
    return {...base, status: "failed", failure: classifySshFailure({exitCode: result.exitCode, stderr, knownHosts: inventory.known_hosts})};
  }
  const last = lastLine(stderr);
  if (exitCode !== 0) {
    const missing = exitCode === 127 || exitCode === 126;
    return {
      ...base,
      status: "failed",
      failure: {
        code: missing ? "command_missing" : "remote_failed",
        reason: `inferscope exited ${exitCode} on the device${last ? `: ${last}` : ""}`,
        ...(missing ? {hint: "Install inferscope there, or fix the device's `npm.command` / `container` in the inventory (see `inferscope fleet check`)."} : {})
      }
    };
  }
  if (result.exitCode !== 0) return {...base, status: "failed", failure: {code: "remote_failed", reason: `inferscope finished, but its results could not be sent back (exit ${result.exitCode}${last ? `: ${last}` : ""})`}};
  const size = (await stat(tarFile).catch(() => null))?.size ?? 0;
  if (size === 0) return {...base, status: "failed", failure: {code: "remote_failed", reason: "the device sent no data back"}};
  return {...base, status: "ok", tarFile};
}

export interface CheckOutcome {
  device: Device;
  ok: boolean;
  arch?: string;
  node?: string;
  npm?: string;
  engine?: string;
  image?: string;
  inferscope?: string;
  failure?: Failure;
  durationMs: number;
}

/** Reach a device and say what it has: arch, node/npm or the container engine and image, inferscope's version. */
export async function checkDevice(inventory: Inventory, device: Device, {timeoutMs, signal, ssh}: {timeoutMs: number; signal?: AbortSignal; ssh?: SshOptions}): Promise<CheckOutcome> {
  const started = Date.now();
  const early = await preflight(device);
  if (early) return {device, ok: false, durationMs: 0, failure: early};
  const result = await execa(sshCommand(), [...sshArgs(inventory, device, ssh), remoteShell(checkScript(device))], {stdin: "ignore", reject: false, timeout: timeoutMs, cancelSignal: signal, forceKillAfterDelay: 2000, env: {LC_ALL: "C"}});
  const durationMs = Date.now() - started;
  if ((result as {code?: string}).code === "ENOENT") return {device, ok: false, durationMs, failure: {code: "ssh_missing", reason: `${sshCommand()} not found`, hint: "Install the OpenSSH client (Debian: apt-get install openssh-client)."}};
  if (result.isCanceled) return {device, ok: false, durationMs, failure: {code: "cancelled", reason: "cancelled"}};
  const facts = parseCheckOutput(String(result.stdout ?? ""));
  if (result.timedOut || result.exitCode !== 0 || !facts.arch) {
    return {device, ok: false, durationMs, failure: classifySshFailure({exitCode: result.exitCode, stderr: String(result.stderr ?? ""), timedOut: result.timedOut, knownHosts: inventory.known_hosts})};
  }
  const out: CheckOutcome = {device, ok: true, durationMs, arch: facts.arch, node: facts.node, npm: facts.npm, engine: facts.engine, image: facts.image, inferscope: facts.inferscope_exit === "0" ? facts.inferscope : undefined};
  const fail = (failure: Failure): CheckOutcome => ({...out, ok: false, failure});
  if (device.arch && device.arch !== facts.arch && !(device.arch === "arm64" && facts.arch === "aarch64")) {
    return fail({code: "remote_failed", reason: `architecture is ${facts.arch}, the inventory says ${device.arch}`, hint: "Fix `arch` in the inventory (or the address, if this is the wrong machine)."});
  }
  const run = device.run;
  if (run.mode === "container") {
    if (facts.engine === "missing") return fail({code: "command_missing", reason: `${run.engine} is not installed (not on PATH)`, hint: `Install ${run.engine} on the device, or use \`npm:\` for it in the inventory.`});
    if (facts.engine_error) return fail({code: "command_missing", reason: `${run.engine} does not work there: ${facts.engine_error}`, hint: run.engine === "docker" ? "Start the docker daemon on the device (systemctl start docker) and let the ssh user use it (docker group)." : "Run `podman info` on the device to see what is wrong."});
    if (facts.image === "missing") return fail({code: "command_missing", reason: `image ${run.image} is not on the device`, hint: `Pull or load it there first: ${run.engine} pull ${run.image} (fleet never pulls during a run).`});
  }
  if (facts.inferscope_exit !== "0") {
    const code = Number(facts.inferscope_exit);
    const what = run.mode === "npm" ? `\`${run.command}\`` : `\`${[...run.command].join(" ")}\` in ${run.image}`;
    return fail({
      code: code === 127 || code === 126 ? "command_missing" : "remote_failed",
      reason: `inferscope does not run there: ${what} exited ${code}${facts.inferscope ? ` (${facts.inferscope.slice(0, 160)})` : ""}`,
      hint: run.mode === "npm" ? (facts.node ? "Install inferscope there (npm install in `npm.dir`) or fix `npm.command`." : "Node.js is not on the PATH of a non-interactive ssh session there: install it, or give its full path in `npm.command`.") : "The check runs `" + run.engine + " run` with the inventory's `gpus`, `args`, `env` and `command`, as a collection would: fix whichever the message points at (a GPU needs the NVIDIA container toolkit on the device)."
    });
  }
  return out;
}

/** One line for `fleet check`. */
export function checkLine(c: CheckOutcome, width: number): string {
  const name = c.device.name.padEnd(width);
  const where = destination(c.device);
  if (!c.ok) return `${name}  FAIL  ${where}: ${c.failure!.reason}${c.arch ? ` [${c.arch}]` : ""}`;
  const runtime = c.device.run.mode === "npm" ? `node ${c.node ?? "?"}, npm ${c.npm ?? "?"}` : `${c.engine ?? c.device.run.engine}, image ${c.device.run.image}`;
  return `${name}  ok    ${where}: ${c.arch}, ${runtime}, inferscope ${c.inferscope} (${(c.durationMs / 1000).toFixed(1)} s)`;
}
