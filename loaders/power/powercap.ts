// CPU power from Linux powercap (Intel RAPL, AMD RAPL): each zone's energy_uj counts microjoules and
// wraps to 0 after max_energy_range_uj. A recorder reads every zone at start, every interval and at
// stop; power over an interval is the counter delta (wrap-around corrected) over the elapsed time.
// The root is a parameter so tests can point it at a tree they wrote.

import {readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {nowMs, type PowerSample, type PowerSource} from "./types.ts";

export const POWERCAP_ROOT = "/sys/class/powercap";

export interface Zone {
  /** Directory name, e.g. intel-rapl:0. */
  id: string;
  /** The zone's own name file, e.g. package-0. */
  name: string;
  dir: string;
  max_energy_range_uj: number;
}

/**
 * Top-level zones only (intel-rapl:0, not its subzone intel-rapl:0:0, which the package already
 * counts); psys (the whole platform, which includes the packages) only when it is the only zone;
 * the mmio duplicate of the package counter never.
 */
export function listZones(root = POWERCAP_ROOT): Zone[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const zones: Zone[] = [];
  for (const id of entries.sort()) {
    if (!/^[a-z-]+:\d+$/.test(id) || id.includes("mmio")) continue;
    const dir = join(root, id);
    let max: number;
    try {
      max = Number(readFileSync(join(dir, "max_energy_range_uj"), "utf8").trim());
    } catch {
      continue; // no counter here (or not a zone)
    }
    let name = id;
    try {
      name = readFileSync(join(dir, "name"), "utf8").trim() || id;
    } catch {}
    zones.push({id, name, dir, max_energy_range_uj: Number.isFinite(max) && max > 0 ? max : 0});
  }
  const packages = zones.filter((z) => z.name !== "psys");
  return packages.length ? packages : zones;
}

export function readEnergyUj(zone: Zone): number {
  const text = readFileSync(join(zone.dir, "energy_uj"), "utf8").trim();
  const n = Number(text);
  if (text === "" || !Number.isFinite(n) || n < 0) throw new Error(`${join(zone.dir, "energy_uj")}: expected a count of microjoules, found '${text.slice(0, 40)}'`);
  return n;
}

/** Microjoules between two readings of one counter; a smaller second reading means it wrapped once. */
export function energyDeltaUj(previous: number, current: number, maxEnergyRangeUj: number): number {
  return current >= previous ? current - previous : current + maxEnergyRangeUj - previous;
}

/** Whether the counters can be read (recent kernels make energy_uj readable by root only). */
export function probePowercap(root = POWERCAP_ROOT): {zones: Zone[]; reason: string | null} {
  const zones = listZones(root);
  if (zones.length === 0) return {zones, reason: `no RAPL energy counters under ${root} (not Linux, a VM that hides them, or no RAPL on this CPU)`};
  try {
    for (const z of zones) readEnergyUj(z);
  } catch (error) {
    const code = (error as {code?: string}).code;
    return {
      zones: [],
      reason: code === "EACCES" ? `RAPL counters exist under ${root} but only root may read energy_uj (e.g. sudo chmod o+r ${root}/*/energy_uj)` : (error as Error).message
    };
  }
  return {zones, reason: null};
}

export function powercapSource(zones: Zone[]): PowerSource {
  const device = `cpu:${zones.map((z) => z.name).join("+")}`;
  return {
    name: "powercap",
    device,
    note: null,
    async start({intervalMs = 100} = {}) {
      const samples: PowerSample[] = [];
      let last = zones.map(readEnergyUj);
      let lastT = nowMs();
      const started_ms = lastT;
      // A failed read (a counter briefly unreadable) skips one tick; the next delta spans both.
      let failures = 0;
      let lastError = "";
      const read = () => {
        try {
          const now = zones.map(readEnergyUj);
          const t = nowMs();
          const uj = now.reduce((sum, v, i) => sum + energyDeltaUj(last[i], v, zones[i].max_energy_range_uj), 0);
          if (t > lastT) samples.push({t_ms: t, watts: uj / 1e6 / ((t - lastT) / 1000), sm_clock_mhz: null, temp_c: null});
          last = now;
          lastT = t;
        } catch (error) {
          failures++;
          lastError = (error as Error).message;
        }
      };
      const timer = setInterval(read, intervalMs);
      return {
        async stop() {
          clearInterval(timer);
          read();
          return {source: "powercap", device, started_ms, samples, note: failures ? `${failures} counter read(s) failed and were skipped (last: ${lastError})` : null};
        }
      };
    }
  };
}
