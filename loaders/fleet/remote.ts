// The POSIX sh scripts fleet runs on a device, sent as `sh -c '<script>'` over one SSH session.
//
// Run: make a temporary store (mktemp -d), run inferscope into it with its stdout sent to stderr (so
// progress reaches the user), then write the store as a tar stream on stdout and remove it. Stopping:
// the script keeps the SSH channel's stdin open; when the local side goes (Ctrl-C, timeout, a lost
// connection) the channel closes, a watchdog reading that stdin sees end-of-file and kills the
// collector's process group (or the container), so no work is left running on the device.

import {randomBytes} from "node:crypto";
import {containerCommand, containerName, containerStopCommand, deviceModelsDir} from "./container.ts";
import type {ContainerRun, Device} from "./inventory.ts";
import {remoteVar, shellCommand, shellQuote} from "./shell.ts";

/** Marker lines the run script writes on stderr; not shown to the user as progress. */
export const MARKER = "inferscope-fleet:";

function envExports(env: Readonly<Record<string, string>>): string {
  return Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}; `).join("");
}

/** The shell text that runs inferscope with `args` on the device, writing into "$store". */
export function collectorCommand(device: Device, args: readonly string[], fleetRunId: string): {command: string; stop: string} {
  const run = device.run;
  if (run.mode === "npm") {
    const cd = run.dir ? `cd ${shellQuote(run.dir).replace(/^'~\//, `"$HOME"'/`).replace(/^~\//, `"$HOME"/`)} && ` : "";
    return {command: `${cd}${envExports(device.env)}export INFERSCOPE_STORE="$store"; exec ${run.command} ${shellCommand(args)}`, stop: ""};
  }
  const name = containerName(fleetRunId, device.name);
  const argv = containerCommand(run, {storeDir: remoteVar("store"), args, name, env: device.env, user: `${remoteVar("uid")}:${remoteVar("gid")}`});
  // Made by the SSH user before the engine sees it: docker would create a missing mount source as root.
  const models = deviceModelsDir(run);
  const mkdir = models ? `mkdir -p ${shellQuote(models)} && ` : "";
  return {command: `${mkdir}exec ${shellCommand(argv)}`, stop: `${shellCommand(containerStopCommand(run, name))} >/dev/null 2>&1`};
}

/** The run script for one device. */
export function runScript(device: Device, args: readonly string[], fleetRunId: string): string {
  const {command, stop} = collectorCommand(device, args, fleetRunId);
  return `set -u
exec 3<&0
umask 077
dir=$(mktemp -d "\${TMPDIR:-/tmp}/inferscope-fleet.XXXXXX") || { echo "${MARKER} cannot create a temporary directory" >&2; exit 96; }
store="$dir/store"; uid=$(id -u); gid=$(id -g); pid=
mkdir "$store" || exit 96
echo "${MARKER} arch $(uname -m)" >&2
stop() { if [ -n "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; fi; ${stop || ":"}; }
trap 'rm -rf "$dir"' EXIT
trap 'stop; exit 130' INT TERM HUP PIPE
cmd=${shellQuote(command)}
export store uid gid
# Its own process group (setsid), so stopping it also stops the benchmark processes it starts.
if command -v setsid >/dev/null 2>&1; then setsid sh -c "$cmd" </dev/null >&2 & else sh -c "$cmd" </dev/null >&2 & fi
pid=$!
{ cat <&3 >/dev/null; stop; } >/dev/null 2>&1 &
watch=$!
wait "$pid"; rc=$?
kill "$watch" 2>/dev/null
echo "${MARKER} exit $rc" >&2
tar -C "$dir" -cf - store || exit 95
exit "$rc"
`;
}

/** The check script: key=value lines on stdout describing what the device has. */
export function checkScript(device: Device): string {
  const lines = [
    `printf 'arch=%s\\n' "$(uname -m)"`,
    `if command -v node >/dev/null 2>&1; then printf 'node=%s\\n' "$(node --version 2>&1 | head -n 1)"; fi`,
    `if command -v npm >/dev/null 2>&1; then printf 'npm=%s\\n' "$(npm --version 2>/dev/null | head -n 1)"; fi`
  ];
  const run = device.run;
  // The version line is the last line printed: npx and containers may print notes before it.
  const version = (cmd: string) => `v=$(${cmd} 2>&1 </dev/null); printf 'inferscope_exit=%s\\n' "$?"; printf 'inferscope=%s\\n' "$(printf '%s\\n' "$v" | tail -n 1)"`;
  if (run.mode === "npm") {
    const cd = run.dir ? `cd ${shellQuote(run.dir).replace(/^'~\//, `"$HOME"'/`).replace(/^~\//, `"$HOME"/`)} && ` : "";
    lines.push(version(`${cd}${envExports(device.env)}${run.command} --version`));
  } else {
    const engine = run.engine;
    lines.push(
      `if command -v ${engine} >/dev/null 2>&1; then`,
      `  printf 'engine=%s\\n' "$(${engine} --version 2>&1 | head -n 1)"`,
      // The client alone is not enough: docker needs its daemon, and the ssh user the right to use it.
      `  if ! e=$(${engine} info --format ${shellQuote(engine === "docker" ? "{{.ServerVersion}}" : "{{.Version.Version}}")} 2>&1 </dev/null); then printf 'engine_error=%s\\n' "$(printf '%s\\n' "$e" | grep -v '^ *$' | head -n 1)"; exit 0; fi`,
      `  if ${engine} image inspect ${shellQuote(run.image)} >/dev/null 2>&1; then echo image=present; else echo image=missing; exit 0; fi`,
      // --version runs as a collection would (GPUs, extra args, env, user, a mounted store), so a
      // missing GPU runtime or a bad `args` shows here rather than in the first real run.
      `  cdir=$(mktemp -d "\${TMPDIR:-/tmp}/inferscope-fleet.XXXXXX") || { echo 'engine_error=cannot create a temporary directory'; exit 0; }`,
      `  trap 'rm -rf "$cdir"' EXIT; uid=$(id -u); gid=$(id -g)`,
      `  ${version(checkContainerCommand(device))}`,
      `else echo engine=missing; fi`
    );
  }
  return lines.join("\n");
}

/** The `<engine> run ... --version` line the check script runs, built like a collection's. */
export function checkContainerCommand(device: Device): string {
  const run = device.run as ContainerRun;
  // No models mount: a check must not create directories on the device.
  const argv = containerCommand({...run, models: undefined}, {storeDir: remoteVar("cdir"), args: ["--version"], name: containerName(`check-${randomBytes(4).toString("hex")}`, device.name), env: device.env, user: `${remoteVar("uid")}:${remoteVar("gid")}`});
  return shellCommand(argv);
}

/** Parse the check script's key=value lines. */
export function parseCheckOutput(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const m = /^([a-z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** ssh's remote command: the script run by sh whatever the login shell is. */
export function remoteShell(script: string): string {
  return `sh -c ${shellQuote(script)}`;
}
