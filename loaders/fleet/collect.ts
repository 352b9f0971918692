// `inferscope fleet run`: the collector on every device at once, each into a temporary store there;
// the stores come back and are merged here with the device's name and provenance. A device that fails
// or times out is recorded as such and the others land. Ctrl-C stops the work on every device and
// leaves the local store as it was.

import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {CancelledError, UserError} from "../common/errors.ts";
import {log} from "../common/progress.ts";
import {fleetDevices} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";
import {appendRows, finishRun, newRun, type Run} from "../store/store.ts";
import {destination, type Device, type Inventory} from "./inventory.ts";
import {mergeFetched, readFetchedStore, unpackStore, type MergedRun} from "./merge.ts";
import {mapLimit, runOnDevice, type RunOutcome} from "./runner.ts";
import type {Failure} from "./ssh.ts";

export interface DeviceResult {
  device: Device;
  status: "ok" | "failed" | "timeout";
  failure?: Failure;
  exitCode?: number;
  arch?: string;
  merged: MergedRun[];
  notes: string[];
  durationMs: number;
}

export interface FleetRunResult {
  run: Run;
  results: DeviceResult[];
}

export interface FleetRunOptions {
  inventory: Inventory;
  devices: Device[];
  /** inferscope's arguments on each device, e.g. ["bench", "--models", "tiny_cnn"]. */
  args: string[];
  /** Overrides every device's own timeout. */
  timeoutS?: number;
  parallel: number;
  acceptNew?: boolean;
  signal?: AbortSignal;
  root?: string;
}

function imageOf(d: Device): string | null {
  return d.run.mode === "container" ? `${d.run.engine} ${d.run.image}` : null;
}

export async function runFleet({inventory, devices, args, timeoutS, parallel, acceptNew, signal, root}: FleetRunOptions): Promise<FleetRunResult> {
  const run = newRun("fleet run", {inventory: inventory.file, devices: devices.map((d) => d.name), args, timeout_s: timeoutS ?? null});
  const workDir = await mkdtemp(join(tmpdir(), "inferscope-fleet-"));
  const width = Math.max(...devices.map((d) => d.name.length));
  try {
    let done = 0;
    const outcomes = await mapLimit(devices, parallel, async (device): Promise<RunOutcome> => {
      const prefix = `[${device.name.padEnd(width)}]`;
      const timeoutMs = (timeoutS ?? device.timeout_s) * 1000;
      log(`${prefix} ${destination(device)}: inferscope ${args.join(" ")}`);
      const o = await runOnDevice(inventory, device, args, {fleetRunId: run.run_id, workDir: join(workDir, device.name), timeoutMs, signal, ssh: {acceptNew}, onLine: (line) => log(`${prefix} ${line}`)});
      if (o.status !== "cancelled") log(`fleet run: [${++done}/${devices.length}] ${device.name} ${o.status === "ok" ? "finished" : `${o.status}: ${o.failure!.reason}`} (${(o.durationMs / 1000).toFixed(1)} s)`);
      return o;
    });
    if (signal?.aborted || outcomes.some((o) => o.status === "cancelled")) {
      throw new CancelledError("fleet run cancelled: the work on the devices was stopped and nothing was written to the store");
    }
    // Merge one device at a time, in inventory order; a device whose data cannot be merged fails alone.
    const results: DeviceResult[] = [];
    for (const o of outcomes) {
      const base = {device: o.device, exitCode: o.exitCode, arch: o.arch, durationMs: o.durationMs, merged: [] as MergedRun[], notes: [] as string[]};
      if (o.status !== "ok") {
        results.push({...base, status: o.status as "failed" | "timeout", failure: o.failure});
        continue;
      }
      try {
        const store = await unpackStore(o.tarFile!, join(workDir, o.device.name, "unpacked"));
        const fetched = await readFetchedStore(store);
        const merged = await mergeFetched(fetched, {device: o.device.name, destination: destination(o.device), fleet_run_id: run.run_id, mode: o.device.run.mode, ...(imageOf(o.device) ? {image: imageOf(o.device)!} : {}), args: args.join(" ")}, {root});
        for (const n of fetched.notes) log(`[${o.device.name}] note: ${n}`);
        if (merged.length === 0) {
          results.push({...base, notes: fetched.notes, status: "failed", failure: {code: "remote_failed", reason: "inferscope ran there but recorded no run (was it a collector command?)"}});
        } else {
          results.push({...base, merged, notes: fetched.notes, status: "ok"});
        }
      } catch (error) {
        // Nothing of this device was written (merges are all or nothing); the others still land.
        const why = error instanceof UserError ? error.message : `${(error as Error).name}: ${(error as Error).message}`.split("\n")[0];
        results.push({...base, status: "failed", failure: {code: "merge_failed", reason: `its data could not be merged: ${why}`}});
      }
    }
    await record(run, results, args, {root});
    return {run, results};
  } finally {
    await rm(workDir, {recursive: true, force: true});
  }
}

/** The fleet run's own rows: one per device and remote run, and the run record. */
async function record(run: Run, results: DeviceResult[], args: string[], {root}: {root?: string}): Promise<void> {
  const rows: RowOf<typeof fleetDevices>[] = [];
  for (const r of results) {
    const d = r.device;
    const base = {
      device: d.name,
      destination: destination(d),
      mode: d.run.mode,
      image: imageOf(d),
      tags: d.tags.join(","),
      arch: r.arch ?? null,
      args: args.join(" "),
      status: r.status,
      error_code: r.failure?.code ?? null,
      error: r.failure ? `${r.failure.reason}${r.failure.hint ? ` (${r.failure.hint})` : ""}` : null,
      exit_code: r.exitCode ?? null,
      duration_s: r.durationMs / 1000
    };
    if (r.merged.length === 0) rows.push({...base, remote_run_id: null, remote_kind: null, remote_host_id: null, remote_host_name: null, rows_merged: 0});
    for (const m of r.merged) rows.push({...base, remote_run_id: m.run_id, remote_kind: m.kind, remote_host_id: m.host_id, remote_host_name: m.host_name, rows_merged: m.rows});
  }
  await appendRows(fleetDevices, rows, run, {root});
  const failed = results.filter((r) => r.status !== "ok");
  const merged = results.reduce((a, r) => a + r.merged.reduce((b, m) => b + m.rows, 0), 0);
  await finishRun(run, {status: failed.length ? "failed" : "ok", rows_written: merged + rows.length, error: failed.length ? `${failed.length} of ${results.length} devices failed: ${failed.map((r) => `${r.device.name} (${r.failure?.reason})`).join("; ")}` : null}, {root});
}

/** One line per device for stdout. */
export function resultLine(r: DeviceResult, width: number): string {
  const name = r.device.name.padEnd(width);
  const secs = `${(r.durationMs / 1000).toFixed(1)} s`;
  if (r.status !== "ok") return `${name}  ${r.status === "timeout" ? "TIMEOUT" : "FAIL"}  ${destination(r.device)}: ${r.failure?.reason} (${secs})`;
  const runs = r.merged.map((m) => `${m.kind} run ${m.run_id}${m.skipped ? " already in the store" : `: ${m.rows} rows`}`).join("; ");
  return `${name}  ok    ${destination(r.device)}${r.arch ? ` (${r.arch})` : ""}: ${runs} (${secs})`;
}
