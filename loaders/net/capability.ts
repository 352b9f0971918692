// Can this machine trace TCP with bpftrace, and with which script? Checked in the order a user would
// fix them: bpftrace installed, root, tracefs mounted (mounted here when missing and we are root),
// kprobes, then the sock tracepoints (Linux 6.4+), then syscall tracepoints with BTF (older kernels).
// Each is tried for real: a probe that fails to attach is the only reliable test (VMs without
// kprobe_events, sandboxes that cannot load BPF). Every "no" comes with its reason, one line.

import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {execa} from "execa";
import {SYSCALL_TRACEPOINTS, type NetScript} from "./scripts.ts";

export interface NetCapability {
  /** bpftrace can trace something here. */
  ok: boolean;
  /** The script to use when ok. */
  script: NetScript | null;
  /** Why not (when !ok), or why the kprobe script is not used. One line. */
  reason: string;
  bpftraceVersion: string | null;
  kprobes: boolean;
  kprobeReason: string | null;
  tracefs: string | null;
  /** True when this check mounted tracefs. */
  mountedTracefs: boolean;
}

/** The bpftrace to run: $INFERSCOPE_BPFTRACE (another build, or a path that does not exist to turn tracing off), else bpftrace on PATH. */
export function bpftraceBin(): string {
  return process.env.INFERSCOPE_BPFTRACE || "bpftrace";
}

const TRACEFS = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
const TRACEPOINTS = ["sock/sock_send_length", "sock/sock_recv_length", "sock/inet_sock_set_state"];
const BTF = "/sys/kernel/btf/vmlinux";

function findTracefs(): string | null {
  return TRACEFS.find((d) => existsSync(join(d, "events"))) ?? null;
}

async function tryMountTracefs(): Promise<boolean> {
  try {
    mkdirSync(TRACEFS[0], {recursive: true});
    const r = await execa("mount", ["-t", "tracefs", "nodev", TRACEFS[0]], {reject: false, timeout: 10_000});
    return r.exitCode === 0 && existsSync(join(TRACEFS[0], "events"));
  } catch {
    return false;
  }
}

/** Attach `probe` with an empty action and exit at once: null when it works, else bpftrace's own reason. */
async function attaches(probe: string): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), "inferscope-probe-"));
  try {
    const file = join(dir, "probe.bt");
    writeFileSync(file, `${probe} { } BEGIN { exit(); }\n`);
    const r = await execa(bpftraceBin(), [file], {reject: false, timeout: 30_000, all: true});
    if (r.exitCode === 0) return null;
    const errors = (r.all ?? "").split("\n").filter((l) => /ERROR/.test(l) && !/RLIMIT_MEMLOCK/.test(l));
    return `${probe} does not attach (${(errors.at(-1) ?? `bpftrace exited with ${r.exitCode}`).trim()})`;
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

/** Does a kprobe on tcp_sendmsg work here? Tried for real: VMs without kprobe_events fail only at attach. */
async function kprobesWork(tracefs: string): Promise<{ok: boolean; reason: string | null}> {
  if (!existsSync(join(tracefs, "kprobe_events"))) return {ok: false, reason: `the kernel has no kprobe events (${join(tracefs, "kprobe_events")} is missing)`};
  const reason = await attaches("kprobe:tcp_sendmsg");
  return {ok: reason === null, reason};
}

/**
 * `only` starts from the script `trace net --script` asks for: "tracepoint" skips the kprobe check,
 * "syscall" checks the syscall script alone (also how the fallback is tested on newer kernels).
 */
export async function detectNetCapability({mount = true, only}: {mount?: boolean; only?: NetScript} = {}): Promise<NetCapability> {
  const no = (reason: string, extra: Partial<NetCapability> = {}): NetCapability => ({ok: false, script: null, reason, bpftraceVersion: null, kprobes: false, kprobeReason: null, tracefs: null, mountedTracefs: false, ...extra});
  let version: string | null = null;
  try {
    const r = await execa(bpftraceBin(), ["--version"], {reject: false, timeout: 10_000});
    if (r.exitCode === 0) version = r.stdout.trim();
  } catch {
    version = null;
  }
  if (!version) return no(`bpftrace is not installed${process.env.INFERSCOPE_BPFTRACE ? ` at ${process.env.INFERSCOPE_BPFTRACE} ($INFERSCOPE_BPFTRACE)` : ""} (apt-get install bpftrace)`);
  if (typeof process.getuid === "function" && process.getuid() !== 0) return no("bpftrace needs root; run as root (sudo) to record network events", {bpftraceVersion: version});
  let tracefs = findTracefs();
  let mounted = false;
  if (!tracefs && mount) {
    mounted = await tryMountTracefs();
    tracefs = findTracefs();
  }
  if (!tracefs) return no("tracefs is not mounted and could not be mounted (mount -t tracefs nodev /sys/kernel/tracing)", {bpftraceVersion: version});
  const base = {bpftraceVersion: version, tracefs, mountedTracefs: mounted};
  if (only === "syscall") {
    const sc = await syscallsWork(tracefs);
    return sc.ok ? {ok: true, script: "syscall", reason: "using the syscall-tracepoint script, as asked", kprobes: false, kprobeReason: "kprobes not tried", ...base} : no(`the syscall script cannot run: ${sc.reason}`, base);
  }
  const kp = only !== "tracepoint" ? await kprobesWork(tracefs) : {ok: false, reason: "kprobes not tried"};
  if (kp.ok) return {ok: true, script: "kprobe", reason: "kprobes work: using the kprobe:tcp_sendmsg/tcp_recvmsg script", kprobes: true, kprobeReason: null, ...base};
  const missing = TRACEPOINTS.filter((t) => !existsSync(join(tracefs!, "events", t)));
  // The tracepoints can exist while BPF programs still cannot load (a container without CAP_BPF,
  // a locked-down kernel): only attaching one tells.
  const tpFails = missing.length ? `the kernel lacks the tracepoints ${missing.map((m) => m.replace("/", ":")).join(", ")} (Linux 6.4+)` : await attaches("tracepoint:sock:sock_send_length");
  if (!tpFails) return {ok: true, script: "tracepoint", reason: `using the tracepoint script: ${kp.reason}`, kprobes: false, kprobeReason: kp.reason, ...base};
  // Older kernels: syscall tracepoints, with the fd resolved to its socket through BTF.
  const sc = await syscallsWork(tracefs);
  if (sc.ok) return {ok: true, script: "syscall", reason: `using the syscall-tracepoint script: ${kp.reason}, and ${tpFails}`, kprobes: false, kprobeReason: kp.reason, ...base};
  return no(`no kprobes (${kp.reason}), ${tpFails}, and ${sc.reason}`, {...base, kprobeReason: kp.reason});
}

/** The syscall script needs the syscall tracepoints and the kernel's BTF (to walk fd -> file -> socket). */
async function syscallsWork(tracefs: string): Promise<{ok: boolean; reason: string | null}> {
  const missing = SYSCALL_TRACEPOINTS.filter((t) => !existsSync(join(tracefs, "events", t)));
  if (missing.length) return {ok: false, reason: `no syscall tracepoints (${missing.slice(0, 3).map((m) => m.replace("/", ":")).join(", ")}${missing.length > 3 ? ", ..." : ""}; CONFIG_FTRACE_SYSCALLS)`};
  if (!existsSync(BTF)) return {ok: false, reason: `no kernel BTF (${BTF}; CONFIG_DEBUG_INFO_BTF) for the syscall script`};
  const reason = await attaches("tracepoint:syscalls:sys_enter_write");
  return {ok: reason === null, reason};
}
