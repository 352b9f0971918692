// The host fingerprint stamped on every stored row, so data from many machines can sit side by side.

import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import os from "node:os";

export interface HostFingerprint {
  host_id: string;
  host_name: string;
  host_cpu: string;
  host_cores: number;
  host_memory_gb: number;
  host_os: string;
  host_node: string;
  host_libs: string;
}

const require = createRequire(import.meta.url);

/** Version of an installed package, or null when it is not installed. */
export function packageVersion(name: string): string | null {
  try {
    // Resolving package.json directly fails for packages with an exports map; walk from the main entry.
    const main = require.resolve(name);
    let dir = main;
    for (let i = 0; i < 6; i++) {
      dir = dir.slice(0, dir.lastIndexOf("/"));
      try {
        const pkg = JSON.parse(readFileSync(`${dir}/package.json`, "utf8"));
        if (pkg.name === name) return pkg.version ?? null;
      } catch {
        // keep walking up
      }
    }
  } catch {
    // not installed
  }
  return null;
}

export function osDescription(): string {
  let pretty = "";
  try {
    pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "";
  } catch {
    // not Linux, or no os-release
  }
  const kernel = `${os.type()} ${os.release()} ${os.arch()}`;
  return pretty ? `${pretty} (${kernel})` : kernel;
}

let cached: HostFingerprint | undefined;

export function hostFingerprint(): HostFingerprint {
  if (cached) return cached;
  const cpus = os.cpus();
  const host_cpu = (cpus[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim();
  const host_cores = os.availableParallelism?.() ?? cpus.length;
  const host_memory_gb = Math.round((os.totalmem() / 2 ** 30) * 10) / 10;
  const host_os = osDescription();
  const host_name = os.hostname();
  const libs = {
    inferscope: packageVersion("inferscope") ?? readOwnVersion(),
    "onnxruntime-node": packageVersion("onnxruntime-node"),
    "onnxruntime-web": packageVersion("onnxruntime-web"),
    "@duckdb/node-api": packageVersion("@duckdb/node-api")
  };
  const host_id = createHash("sha256").update([host_name, host_cpu, host_cores, host_memory_gb, host_os].join("|")).digest("hex").slice(0, 12);
  cached = {host_id, host_name, host_cpu, host_cores, host_memory_gb, host_os, host_node: process.versions.node, host_libs: JSON.stringify(libs)};
  return cached;
}

function readOwnVersion(): string | null {
  try {
    return JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
  } catch {
    return null;
  }
}
