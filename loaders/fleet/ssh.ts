// The system OpenSSH client, run through execa: the argv for a device, and what a failure means.
// BatchMode: never ask for a password or passphrase (a fleet runs unattended; keys or an agent only).
// Host keys: checked against the inventory's own known_hosts file; a new device's key is accepted on
// first contact only when the user opts in (StrictHostKeyChecking=accept-new), a changed key never.

import type {Device, Inventory} from "./inventory.ts";

export interface SshOptions {
  /** Accept unknown host keys on first contact (accept-new), as --accept-new-host-keys asks. */
  acceptNew?: boolean;
}

/** ssh's options and destination for a device, without the remote command. */
export function sshArgs(inventory: Pick<Inventory, "known_hosts" | "accept_new_host_keys" | "connect_timeout_s">, device: Device, {acceptNew}: SshOptions = {}): string[] {
  const {ssh} = device;
  const knownHosts = /\s/.test(inventory.known_hosts) ? `"${inventory.known_hosts}"` : inventory.known_hosts;
  const args = [
    "-T",
    "-o", "BatchMode=yes",
    "-o", `ConnectTimeout=${inventory.connect_timeout_s}`,
    "-o", `UserKnownHostsFile=${knownHosts}`,
    "-o", `StrictHostKeyChecking=${acceptNew || inventory.accept_new_host_keys ? "accept-new" : "yes"}`,
    // A device that stops answering mid-run is noticed within a minute, not at the run's timeout.
    "-o", "ServerAliveInterval=15",
    "-o", "ServerAliveCountMax=4",
    // Keep ssh's own chatter (e.g. "Permanently added ...") out of the remote's progress lines.
    "-o", "LogLevel=ERROR"
  ];
  if (ssh.port) args.push("-p", String(ssh.port));
  if (ssh.identity_file) args.push("-i", ssh.identity_file, "-o", "IdentitiesOnly=yes");
  if (ssh.user && ssh.alias) args.push("-l", ssh.user);
  for (const [k, v] of Object.entries(ssh.options)) args.push("-o", `${k}=${v}`);
  const dest = ssh.alias ?? (ssh.user ? `${ssh.user}@${ssh.host}` : ssh.host!);
  args.push("--", dest);
  return args;
}

export type FailureCode =
  | "connection_refused"
  | "auth_failed"
  | "identity_missing"
  | "host_key_unknown"
  | "host_key_changed"
  | "timeout"
  | "unknown_host"
  | "unreachable"
  | "ssh_missing"
  | "command_missing"
  | "remote_failed"
  | "merge_failed"
  | "cancelled";

export interface Failure {
  code: FailureCode;
  /** One line: what went wrong. */
  reason: string;
  /** What to do about it. */
  hint?: string;
}

// Lines that never say what went wrong: our own markers, pointers to --help (docker's "Run 'docker run
// --help'", our "See `inferscope bench --help`"), and npm's trailer ("A complete log of this run can be found in: ...").
const NOISE = [/^inferscope-fleet:/, /^(See|Run|Try) ['`].*--help['`]/, /^npm (error|ERR!) (A complete log of this run|Log files were not written)/i, /^npm (error|ERR!)\s+\/\S+\.log$/i, /^npm (warn|WARN)/];

/**
 * The line of ssh's or the remote's stderr that says what went wrong: inferscope's own error line
 * ("inferscope: ...", which its hint follows) when there is one, else the last meaningful line.
 */
export function lastLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !NOISE.some((re) => re.test(l)));
  return lines.filter((l) => l.startsWith("inferscope: ")).at(-1) ?? lines.at(-1) ?? "";
}

/**
 * Why an ssh invocation failed, from its exit code and stderr. Exit 255 is ssh's own failure
 * (connecting, authenticating, host key); any other code is the remote command's.
 */
export function classifySshFailure({exitCode, stderr, timedOut, knownHosts}: {exitCode: number | undefined; stderr: string; timedOut?: boolean; knownHosts?: string}): Failure {
  const text = stderr;
  if (timedOut) return {code: "timeout", reason: "timed out", hint: "The device did not finish in time; raise its `timeout` in the inventory or --timeout."};
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(text)) {
    return {code: "host_key_changed", reason: "host key changed since it was recorded (possible man-in-the-middle, or the device was reinstalled)", hint: `If the device was reinstalled, remove its line from ${knownHosts ?? "the inventory's known_hosts file"} (ssh-keygen -R HOST -f FILE) and connect again.`};
  }
  if (/Host key verification failed|No \S+ host key is known/i.test(text)) {
    return {code: "host_key_unknown", reason: "host key not known", hint: `Add the device's key to ${knownHosts ?? "the inventory's known_hosts file"} (ssh-keyscan -p PORT HOST >> FILE, after checking its fingerprint), or run once with --accept-new-host-keys.`};
  }
  if (/Permission denied|Too many authentication failures|no mutual signature|Authentication failed/i.test(text)) {
    return {code: "auth_failed", reason: "authentication failed (key not accepted)", hint: "Check `user` and `identity_file` (BatchMode: no password prompts; the key must be in the device's authorized_keys, or in your ssh-agent)."};
  }
  if (/Connection refused/i.test(text)) return {code: "connection_refused", reason: "connection refused", hint: "Is sshd running on the device, and is the port right?"};
  if (/timed out|Connection timed out|Operation timed out/i.test(text)) return {code: "timeout", reason: "connection timed out", hint: "The device did not answer: is it on, on this network, and the address right? (connect_timeout in the inventory)"};
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(text)) return {code: "unknown_host", reason: "host name not found", hint: "Check the device's `host` (or the alias in ~/.ssh/config)."};
  if (/No route to host|Network is unreachable|Connection reset|Connection closed by|kex_exchange_identification|Broken pipe/i.test(text)) {
    return {code: "unreachable", reason: `cannot reach the device (${lastLine(text)})`, hint: "Check the network path to the device."};
  }
  if (exitCode === 255) return {code: "unreachable", reason: `ssh failed: ${lastLine(text) || "exit 255"}`};
  if (exitCode === 127 || /command not found|not found$/m.test(text)) {
    return {code: "command_missing", reason: `command missing on the device: ${lastLine(text) || "exit 127"}`, hint: "Install it there, or fix the device's `npm.command` / `container` in the inventory."};
  }
  return {code: "remote_failed", reason: `exit ${exitCode ?? "?"}${lastLine(text) ? `: ${lastLine(text)}` : ""}`};
}
