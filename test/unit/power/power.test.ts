// The power reader against the real layouts, written by the test: a powercap tree (packages,
// subzones, the mmio duplicate and psys; counters that wrap past max_energy_range_uj) and a fake
// nvidia-smi on PATH printing its CSV (--format=csv,noheader,nounits) while power and clocks fall.
import assert from "node:assert/strict";
import {chmod, mkdir, writeFile} from "node:fs/promises";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, it} from "node:test";
import {detectPowerSource} from "../../../loaders/power/detect.ts";
import {parseNvidiaLine} from "../../../loaders/power/nvidia-smi.ts";
import {energyDeltaUj, listZones, probePowercap, readEnergyUj} from "../../../loaders/power/powercap.ts";
import type {PowerTrace} from "../../../loaders/power/types.ts";
import {windowPower} from "../../../loaders/power/window.ts";
import {tempDir} from "../../helpers/tmp.ts";

const MAX = 262_143_328_850;

async function zone(root: string, id: string, name: string, energy: number, max = MAX): Promise<void> {
  await mkdir(join(root, id), {recursive: true});
  await writeFile(join(root, id, "name"), `${name}\n`);
  await writeFile(join(root, id, "energy_uj"), `${energy}\n`);
  await writeFile(join(root, id, "max_energy_range_uj"), `${max}\n`);
}

/** A sysfs-like tree: two packages (one near wrap-around), a core subzone, mmio and psys. */
async function fakePowercap(): Promise<string> {
  const root = await tempDir("inferscope-powercap-");
  await zone(root, "intel-rapl:0", "package-0", MAX - 1_000_000);
  await zone(root, "intel-rapl:0:0", "core", 5);
  await zone(root, "intel-rapl:1", "package-1", 7_000_000);
  await zone(root, "intel-rapl-mmio:0", "package-0", 1);
  await zone(root, "intel-rapl:2", "psys", 1);
  await writeFile(join(root, "README"), "not a zone\n");
  return root;
}

/** Sum of watts x interval over a trace's samples, J: the energy the recorder saw. */
function joules(trace: PowerTrace): number {
  let prev = trace.started_ms;
  let j = 0;
  for (const s of trace.samples) {
    j += ((s.watts ?? 0) * (s.t_ms - prev)) / 1000;
    prev = s.t_ms;
  }
  return j;
}

describe("powercap (RAPL) energy counters", () => {
  it("takes top-level package zones only: no subzones, no mmio duplicate, no psys beside packages", async () => {
    const root = await fakePowercap();
    assert.deepEqual(listZones(root).map((z) => `${z.id}=${z.name}`), ["intel-rapl:0=package-0", "intel-rapl:1=package-1"]);
    assert.equal(listZones(root)[0].max_energy_range_uj, MAX);
    assert.deepEqual(listZones(join(root, "missing")), []);
  });

  it("corrects a counter that wrapped past max_energy_range_uj", () => {
    assert.equal(energyDeltaUj(100, 350, MAX), 250);
    assert.equal(energyDeltaUj(MAX - 1_000_000, 2_000_000, MAX), 3_000_000);
    assert.equal(energyDeltaUj(5, 5, MAX), 0);
  });

  it("records energy across a wrap-around: the samples add up to the counters' true deltas", async () => {
    const root = await fakePowercap();
    const source = await detectPowerSource({runtime: "ort-cpu", powercapRoot: root, env: {PATH: "/nonexistent"}});
    assert.equal(source.name, "powercap");
    assert.equal(source.device, "cpu:package-0+package-1");
    const recorder = await source.start({intervalMs: 5});
    // Package 0 wraps: MAX - 1 J -> 2 J is 3 J; package 1 adds 4.5 J. Both written before any await.
    writeFileSync(join(root, "intel-rapl:0", "energy_uj"), "2000000\n");
    writeFileSync(join(root, "intel-rapl:1", "energy_uj"), "11500000\n");
    const trace = await recorder.stop();
    assert.equal(trace.source, "powercap");
    assert.equal(trace.note, null);
    assert.ok(trace.samples.length >= 1 && trace.samples.every((s) => s.watts !== null && s.watts >= 0), "power samples, none negative");
    assert.ok(Math.abs(joules(trace) - 7.5) < 1e-9, `7.5 J recorded, got ${joules(trace)}`);
  });

  it("a malformed counter names the file; an empty tree means no source, with the reason", async () => {
    const root = await fakePowercap();
    await writeFile(join(root, "intel-rapl:1", "energy_uj"), "garbage\n");
    assert.throws(() => readEnergyUj(listZones(root)[1]), /intel-rapl:1\/energy_uj: expected a count of microjoules, found 'garbage'/);
    assert.match(probePowercap(root).reason ?? "", /energy_uj/);
    const empty = await tempDir("inferscope-powercap-empty-");
    const none = await detectPowerSource({runtime: "ort-cpu", powercapRoot: empty, env: {PATH: "/nonexistent"}});
    assert.equal(none.name, "none");
    assert.match(none.note ?? "", /no RAPL energy counters under/);
    const trace = await (await none.start()).stop();
    assert.deepEqual(trace.samples, []);
    await assert.rejects(detectPowerSource({choice: "powercap", powercapRoot: empty}), /--power powercap: no RAPL energy counters/);
  });

  it("counters only root may read are reported as such", {skip: process.getuid?.() === 0 ? "running as root: every file is readable" : false}, async () => {
    const root = await fakePowercap();
    await chmod(join(root, "intel-rapl:0", "energy_uj"), 0o000);
    assert.match(probePowercap(root).reason ?? "", /only root may read energy_uj/);
  });
});

describe("nvidia-smi", () => {
  it("parses its CSV lines; [N/A] fields are null, other lines are not samples", () => {
    assert.deepEqual(parseNvidiaLine("280.12, 1905, 71", 5), {t_ms: 5, watts: 280.12, sm_clock_mhz: 1905, temp_c: 71});
    assert.deepEqual(parseNvidiaLine("[N/A], 1350, [N/A]", 6), {t_ms: 6, watts: null, sm_clock_mhz: 1350, temp_c: null});
    assert.equal(parseNvidiaLine("[Not Supported], [N/A], [N/A]", 7), null);
    assert.equal(parseNvidiaLine("No devices were found", 8), null);
    assert.equal(parseNvidiaLine("1, 2", 9), null);
  });

  it("a fake nvidia-smi on PATH is detected for ort-cuda and sampled until stopped", async () => {
    const bin = await tempDir("inferscope-fake-smi-");
    const log = join(bin, "args.log");
    // The layout of `nvidia-smi --query-gpu=... --format=csv,noheader,nounits -lms 100`: power and
    // clocks falling line by line (throttling), one line with power not available.
    await writeFile(
      join(bin, "nvidia-smi"),
      `#!/bin/sh
echo "$*" >> "${log}"
case "$*" in *--query-gpu=name*) echo "NVIDIA TITAN RTX"; exit 0;; esac
case "$*" in *"--query-gpu=power.draw,clocks.sm,temperature.gpu --format=csv,noheader,nounits -lms 100"*) ;; *) echo "unexpected arguments: $*" >&2; exit 3;; esac
echo "280.50, 1950, 60"
echo "279.25, 1935, 61"
echo "[N/A], 1920, 62"
echo "250.00, 1500, 84"
exec sleep 60
`
    );
    await chmod(join(bin, "nvidia-smi"), 0o755);
    const env = {PATH: `${bin}:/usr/bin:/bin`};
    const empty = await tempDir("inferscope-powercap-empty-");
    const source = await detectPowerSource({runtime: "ort-cuda", env, powercapRoot: empty});
    assert.equal(source.name, "nvidia-smi");
    assert.equal(source.device, "gpu:NVIDIA TITAN RTX");
    const recorder = await source.start({intervalMs: 100});
    // Wait for the four lines (no timing assertion: only a generous deadline).
    const deadline = Date.now() + 20_000;
    let trace: PowerTrace | null = null;
    while (!trace) {
      await new Promise((r) => setTimeout(r, 50));
      if (Date.now() > deadline || (await import("node:fs")).readFileSync(log, "utf8").includes("-lms")) {
        await new Promise((r) => setTimeout(r, 300));
        trace = await recorder.stop();
      }
    }
    assert.deepEqual(trace.samples.map((s) => [s.watts, s.sm_clock_mhz, s.temp_c]), [
      [280.5, 1950, 60],
      [279.25, 1935, 61],
      [null, 1920, 62],
      [250, 1500, 84]
    ]);
    assert.ok(trace.samples.every((s, i) => i === 0 || s.t_ms >= trace!.samples[i - 1].t_ms), "samples in time order");
    // On a CPU runtime, auto does not measure the GPU; with no RAPL either, the source is none.
    const cpu = await detectPowerSource({runtime: "ort-cpu", env, powercapRoot: empty});
    assert.equal(cpu.name, "none");
    // A broken nvidia-smi asked for by name is a clear error.
    await assert.rejects(detectPowerSource({choice: "nvidia-smi", env: {PATH: empty}, powercapRoot: empty}), /--power nvidia-smi: nvidia-smi not found/);
  });
});

describe("power over a window", () => {
  const trace: PowerTrace = {
    source: "nvidia-smi",
    device: "gpu:x",
    started_ms: 0,
    note: null,
    samples: [100, 200, 300, 400].map((t, i) => ({t_ms: t, watts: [10, 20, 30, 40][i], sm_clock_mhz: null, temp_c: null}))
  };

  it("weights each sample by its overlap with the window", () => {
    // 150-350 ms: half of (100,200] at 20 W, all of (200,300] at 30 W, half of (300,400] at 40 W.
    const w = windowPower(trace, 150, 350);
    assert.ok(Math.abs(w.avg_power_w! - 30) < 1e-12, String(w.avg_power_w));
    assert.ok(Math.abs(w.energy_j! - 6) < 1e-12, String(w.energy_j));
    assert.equal(w.coverage, 1);
    assert.deepEqual(w.samples.map((s) => s.t_ms), [200, 300, 400]);
  });

  it("a window the samples do not reach has no power", () => {
    const w = windowPower(trace, 500, 600);
    assert.equal(w.avg_power_w, null);
    assert.equal(w.energy_j, null);
  });
});
