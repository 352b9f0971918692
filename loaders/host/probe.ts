// What this machine can run: CPU and memory (the fingerprint), ONNX Runtime backends, bpftrace
// (and whether kprobes or only tracepoints are usable), and NVIDIA GPUs through nvidia-smi.
// Every check is quick and never throws: a missing tool is reported with the reason.

import {execa} from "execa";
import {access, readFile} from "node:fs/promises";
import {constants} from "node:fs";
import {hostFingerprint, packageVersion, type HostFingerprint} from "./fingerprint.ts";

export interface ToolStatus {
  name: string;
  available: boolean;
  version: string | null;
  /** What was found, or why it is unavailable and what to do. */
  detail: string;
}

export interface HostProfile extends HostFingerprint {
  probed_at: string;
  cpu_flags: string;
  tools: ToolStatus[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

async function probeOrtNode(): Promise<ToolStatus> {
  const version = packageVersion("onnxruntime-node");
  try {
    const ort = await import("onnxruntime-node");
    const backends = (ort as unknown as {listSupportedBackends?: () => {name: string; bundled: boolean}[]}).listSupportedBackends?.() ?? [];
    const usable = backends.filter((b) => b.bundled).map((b) => b.name);
    return {name: "onnxruntime-node", available: true, version, detail: `execution providers bundled: ${usable.join(", ") || "cpu"}`};
  } catch (error) {
    return {name: "onnxruntime-node", available: false, version, detail: `cannot load: ${(error as Error).message.split("\n")[0]}; run npm install`};
  }
}

function probeOrtWeb(): ToolStatus {
  const version = packageVersion("onnxruntime-web");
  return version
    ? {name: "onnxruntime-web", available: true, version, detail: "WASM backend, runs inside Node"}
    : {name: "onnxruntime-web", available: false, version: null, detail: "not installed; run npm install"};
}

async function probeBpftrace(): Promise<ToolStatus> {
  try {
    const {stdout} = await execa("bpftrace", ["--version"], {timeout: 5000});
    const version = stdout.trim().replace(/^bpftrace\s+/, "");
    const root = process.getuid?.() === 0;
    const tracefs = (await exists("/sys/kernel/tracing/events")) ? "/sys/kernel/tracing" : (await exists("/sys/kernel/debug/tracing/events")) ? "/sys/kernel/debug/tracing" : null;
    const tracepoints = tracefs !== null && (await exists(`${tracefs}/events/sock`));
    // kprobes need the kernel's function list; in some VMs it exists but reading it is not permitted.
    const kprobes = tracefs !== null && (await readFile(`${tracefs}/available_filter_functions`, "utf8").then((s) => s.length > 0, () => false));
    const parts = [
      root ? "running as root" : "not root (bpftrace needs root or CAP_BPF)",
      tracefs === null ? "tracefs not mounted (as root: mount -t tracefs nodev /sys/kernel/tracing)" : tracepoints ? "sock tracepoints available" : "no sock tracepoints",
      kprobes ? "kprobes available" : "no kprobes (tracepoint scripts only)"
    ];
    return {name: "bpftrace", available: root && (tracepoints || kprobes), version, detail: parts.join("; ")};
  } catch (error) {
    const missing = (error as {code?: string}).code === "ENOENT";
    return {name: "bpftrace", available: false, version: null, detail: missing ? "not installed (apt-get install bpftrace)" : `failed: ${(error as Error).message.split("\n")[0]}`};
  }
}

async function probeNvidiaSmi(): Promise<ToolStatus> {
  try {
    const {stdout} = await execa("nvidia-smi", ["--query-gpu=name,driver_version,memory.total,power.limit", "--format=csv,noheader"], {timeout: 10000});
    const gpus = stdout.trim().split("\n").filter(Boolean);
    return {name: "nvidia-smi", available: gpus.length > 0, version: gpus[0]?.split(",")[1]?.trim() ?? null, detail: gpus.length ? gpus.join("; ") : "no GPU listed"};
  } catch (error) {
    const missing = (error as {code?: string}).code === "ENOENT";
    return {name: "nvidia-smi", available: false, version: null, detail: missing ? "not found: no NVIDIA GPU driver on this machine (GPU runtimes are skipped)" : `failed: ${(error as Error).message.split("\n")[0]}`};
  }
}

async function probeRapl(): Promise<ToolStatus> {
  const path = "/sys/class/powercap/intel-rapl:0/energy_uj";
  try {
    await readFile(path, "utf8");
    return {name: "powercap (RAPL)", available: true, version: null, detail: `energy counter readable at ${path}`};
  } catch (error) {
    const code = (error as {code?: string}).code;
    return {name: "powercap (RAPL)", available: false, version: null, detail: code === "EACCES" ? `${path} exists but is not readable (run as root)` : "no RAPL energy counters on this machine (power columns stay empty)"};
  }
}

async function cpuFlags(): Promise<string> {
  try {
    const info = await readFile("/proc/cpuinfo", "utf8");
    const flags = new Set(/^flags\s*:\s*(.*)$/m.exec(info)?.[1].split(/\s+/) ?? []);
    return ["avx", "avx2", "avx512f", "avx512_vnni", "avx_vnni", "fma", "amx_tile", "neon", "asimd"].filter((f) => flags.has(f)).join(" ");
  } catch {
    return "";
  }
}

export async function probeHost(): Promise<HostProfile> {
  const tools = await Promise.all([probeOrtNode(), Promise.resolve(probeOrtWeb()), probeBpftrace(), probeNvidiaSmi(), probeRapl()]);
  return {...hostFingerprint(), probed_at: new Date().toISOString(), cpu_flags: await cpuFlags(), tools};
}
