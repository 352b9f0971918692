// The batch sweep end to end on the tiny test model: through the CLI into a temporary store with no
// power source, and with a fake powercap tree whose counters the test advances (wrapping) while the
// sweep runs; and runBatchSweep with a synthetic constant-power source, where every number is known.
import assert from "node:assert/strict";
import {mkdir, writeFile} from "node:fs/promises";
import {renameSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {before, describe, it} from "node:test";
import {ensureModel} from "../../../loaders/models/zoo.ts";
import {runBatchSweep} from "../../../loaders/sweep/batch.ts";
import {linearFit} from "../../../loaders/sweep/fit.ts";
import {efficiencyFit} from "../../../loaders/sweep/report.ts";
import {nowMs, type PowerSample, type PowerSource} from "../../../loaders/power/types.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

/** A source that reports `watts` every few ms, like a meter on a steady load. */
function constantPower(watts: number): PowerSource {
  return {
    name: "nvidia-smi",
    device: "gpu:synthetic",
    note: null,
    async start() {
      const started_ms = nowMs();
      const samples: PowerSample[] = [];
      const timer = setInterval(() => samples.push({t_ms: nowMs(), watts, sm_clock_mhz: 1500, temp_c: 50}), 10);
      return {
        async stop() {
          clearInterval(timer);
          samples.push({t_ms: nowMs(), watts, sm_clock_mhz: 1500, temp_c: 50});
          return {source: "nvidia-smi", device: "gpu:synthetic", started_ms, samples, note: null};
        }
      };
    }
  };
}

describe("inferscope sweep batch", () => {
  let models: string;
  before(async () => {
    models = await tempDir("inferscope-models-");
  });

  it("sweeps batch sizes into the store; without a power source the power columns are null", async () => {
    const store = await tempDir("inferscope-store-");
    const empty = await tempDir("inferscope-powercap-");
    const r = await cli(["sweep", "batch", "--model", "tiny_cnn", "--batch", "1,2,4", "--window", "0.2", "--threads", "1", "--json"], {env: {INFERSCOPE_STORE: store, INFERSCOPE_MODELS: models, INFERSCOPE_POWERCAP_ROOT: empty}});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.power_source, "none");
    assert.match(out.power_note, /no RAPL energy counters/);
    assert.equal(out.efficiency_fit, null);
    const rows = await queryStore("SELECT batch, status, runs, window_s, requests_per_s, throughput_infer_per_s, p50_ms, p90_ms, p95_ms, p99_ms, min_ms, max_ms, len(samples_ms) AS n, power_source, avg_power_w, energy_j, infer_per_joule, power_w, threads FROM batch_sweep ORDER BY batch", {root: store});
    assert.deepEqual(rows.map((x) => x.batch), [1, 2, 4]);
    for (const x of rows) {
      assert.equal(x.status, "ok");
      assert.equal(x.threads, 1);
      assert.ok((x.runs as number) >= 5 && Number(x.n) === x.runs, "every request's latency kept");
      assert.ok(Math.abs((x.throughput_infer_per_s as number) - (x.requests_per_s as number) * (x.batch as number)) < 1e-6, "throughput = requests/s x batch");
      assert.ok(Math.abs((x.requests_per_s as number) - (x.runs as number) / (x.window_s as number)) < 1e-6);
      assert.ok((x.min_ms as number) <= (x.p50_ms as number) && (x.p50_ms as number) <= (x.p90_ms as number) && (x.p90_ms as number) <= (x.p95_ms as number) && (x.p95_ms as number) <= (x.p99_ms as number) && (x.p99_ms as number) <= (x.max_ms as number));
      assert.equal(x.power_source, "none");
      assert.equal(x.avg_power_w, null);
      assert.equal(x.energy_j, null);
      assert.equal(x.infer_per_joule, null);
      assert.equal(x.power_w, null);
    }
    const runs = await queryStore("SELECT status FROM runs WHERE kind = 'sweep batch'", {root: store});
    assert.deepEqual(runs.map((x) => x.status), ["ok"]);
  });

  it("with RAPL counters (a fake tree advanced and wrapped by the test while it runs) every row has power and inferences per joule", async () => {
    const store = await tempDir("inferscope-store-");
    const root = await tempDir("inferscope-powercap-");
    const MAX = 50_000_000;
    await mkdir(join(root, "intel-rapl:0"), {recursive: true});
    await writeFile(join(root, "intel-rapl:0", "name"), "package-0\n");
    await writeFile(join(root, "intel-rapl:0", "max_energy_range_uj"), `${MAX}\n`);
    let energy = MAX - 3_000_000;
    await writeFile(join(root, "intel-rapl:0", "energy_uj"), `${energy}\n`);
    // +1 J every 20 ms (~50 W): the counter wraps within the first few tenths of a second.
    const ticker = setInterval(() => {
      energy = (energy + 1_000_000) % MAX;
      // Replaced whole, as sysfs shows a counter: never a half-written file.
      writeFileSync(join(root, "tmp-energy"), `${energy}\n`);
      renameSync(join(root, "tmp-energy"), join(root, "intel-rapl:0", "energy_uj"));
    }, 20);
    let r;
    try {
      r = await cli(["sweep", "batch", "--model", "tiny_cnn", "--batch", "1,8", "--window", "0.5", "--power", "powercap", "--power-interval", "50"], {env: {INFERSCOPE_STORE: store, INFERSCOPE_MODELS: models, INFERSCOPE_POWERCAP_ROOT: root}});
    } finally {
      clearInterval(ticker);
    }
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /power: powercap \(cpu:package-0\)/);
    const rows = await queryStore("SELECT batch, power_source, power_device, avg_power_w, energy_j, window_s, throughput_infer_per_s, infer_per_joule, power_w, power_t_s, window_start_s FROM batch_sweep ORDER BY batch", {root: store});
    assert.equal(rows.length, 2);
    for (const x of rows) {
      assert.equal(x.power_source, "powercap");
      assert.equal(x.power_device, "cpu:package-0");
      const w = x.power_w as number[];
      assert.ok(w.length >= 2 && w.every((v) => v >= 0), `samples kept and never negative across the wrap: ${w}`);
      assert.ok((x.avg_power_w as number) > 0);
      assert.ok(Math.abs((x.energy_j as number) - (x.avg_power_w as number) * (x.window_s as number)) < 1e-9);
      assert.ok(Math.abs((x.infer_per_joule as number) - (x.throughput_infer_per_s as number) / (x.avg_power_w as number)) < 1e-9);
      const t = x.power_t_s as number[];
      assert.ok(t.every((v, i) => i === 0 || v >= t[i - 1]), "sample times in order");
    }
    assert.ok((rows[1].window_start_s as number) > (rows[0].window_start_s as number), "windows share the sweep's clock");
  });

  it("with a constant 40 W source, efficiency is throughput / 40 and the series is kept", async () => {
    const modelFile = await ensureModel("tiny_cnn", {dir: models});
    const out = await runBatchSweep({model: "tiny_cnn", modelFile, runtime: "ort-cpu", device: "cpu", threads: 1, optLevel: "all", batches: [1, 4], windowMs: 300, minRuns: 5, power: constantPower(40), progress: false});
    assert.equal(out.cancelled, false);
    for (const row of out.rows) {
      assert.equal(row.status, "ok");
      assert.ok(Math.abs(row.avg_power_w! - 40) < 1e-9);
      assert.ok(Math.abs(row.infer_per_joule! - row.throughput_infer_per_s! / 40) < 1e-9);
      assert.ok(row.power_w!.length >= 5 && row.power_w!.every((w) => w === 40));
      assert.deepEqual([...new Set(row.sm_clock_mhz)], [1500]);
      assert.equal(row.power_coverage, 1);
    }
    const fit = efficiencyFit(out.rows);
    assert.ok(fit && Math.abs(fit.slope - 1 / 40) < 1e-9 && Math.abs(fit.r2 - 1) < 1e-9, `efficiency = throughput / 40 exactly: ${JSON.stringify(fit)}`);
  });

  it("bad options are one-line errors", async () => {
    const env = {INFERSCOPE_STORE: await tempDir("inferscope-store-"), INFERSCOPE_MODELS: models, INFERSCOPE_POWERCAP_ROOT: await tempDir("inferscope-powercap-")};
    for (const [args, message] of [
      [["--runtime", "ort-tpu"], /--runtime: unknown runtime 'ort-tpu'/],
      [["--batch", "1,two"], /--batch: 'two' is not a positive whole number/],
      [["--power", "wattmeter"], /--power: unknown source 'wattmeter'/],
      [["--power", "powercap"], /--power powercap: no RAPL energy counters/],
      [["--window", "0"], /--window: .0. is not a positive number/]
    ] as const) {
      const r = await cli(["sweep", "batch", "--model", "tiny_cnn", ...args], {env});
      assert.equal(r.code, 1, r.stderr);
      assertOneLineError(r.stderr);
      assert.match(r.stderr, message);
    }
  });
});

describe("line fit", () => {
  it("fits y = 2x + 1 exactly and scores noise below 1", () => {
    const fit = linearFit([1, 2, 3, 4], [3, 5, 7, 9])!;
    assert.ok(Math.abs(fit.slope - 2) < 1e-12 && Math.abs(fit.intercept - 1) < 1e-12 && Math.abs(fit.r2 - 1) < 1e-12);
    const noisy = linearFit([1, 2, 3, 4], [1, 3, 2, 4])!;
    assert.ok(Math.abs(noisy.r2 - 0.64) < 1e-12, String(noisy.r2));
    assert.equal(linearFit([1], [2]), null);
    assert.equal(linearFit([2, 2], [1, 3]), null);
  });
});
