// Fleet collection against a real OpenSSH server on 127.0.0.1 started here (throwaway host and user
// keys). The "devices" run inferscope from this checkout with their own temporary stores; a closed
// port, a wrong key, an unknown host key and a missing command are reported per device.
import assert from "node:assert/strict";
import {existsSync, readdirSync} from "node:fs";
import {readFile, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, describe, it} from "node:test";
import {queryStore} from "../../../loaders/store/store.ts";
import {execa} from "execa";
import {BIN, cli} from "../../helpers/cli.ts";
import {freePort, startSshd, type Sshd} from "../../helpers/sshd.ts";
import {tempDir} from "../../helpers/tmp.ts";

const started = await startSshd();
const skip = "skip" in started ? `no sshd: ${started.skip}` : false;
if (skip) process.stderr.write(`fleet tests skipped: ${skip}\n`);

/** The devices' temporary stores (they share this machine's /tmp). */
const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith("inferscope-fleet."));

describe("fleet over SSH", {skip}, () => {
  const sshd = started as Sshd;
  let dir: string;
  let inventory: string;
  const BENCH = ["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--runs", "5"];

  before(async () => {
    dir = await tempDir("inferscope-fleet-test-");
    const wrongKey = join(dir, "wrong_key");
    await writeFile(wrongKey, await readFile(join(sshd.dir, "host_ed25519")), {mode: 0o600});
    const closed = await freePort();
    const target = (extra = "") => `{host: 127.0.0.1, user: ${sshd.user}, port: ${sshd.port}, identity_file: ${sshd.userKey}${extra}}`;
    const npm = `{command: "node ${BIN}"}`;
    inventory = join(dir, "devices.yaml");
    await writeFile(
      inventory,
      `known_hosts: known_hosts
connect_timeout: 5
devices:
  - {name: board-a, ssh: ${target()}, arch: x86_64, tags: [cpu, test], npm: ${npm}}
  - {name: board-b, ssh: ${target()}, tags: [cpu], npm: ${npm}}
  - {name: closed, ssh: {host: 127.0.0.1, port: ${closed}}, npm: ${npm}}
  - {name: wrong-key, ssh: {host: 127.0.0.1, user: ${sshd.user}, port: ${sshd.port}, identity_file: ${wrongKey}}, npm: ${npm}}
  - {name: no-inferscope, ssh: ${target()}, npm: {command: inferscope-not-installed-here}}
  - {name: docker-box, ssh: ${target()}, container: {engine: docker, image: "example.com/inferscope-ort:1", gpus: all}}
`
    );
    await writeFile(join(dir, "known_hosts"), `${sshd.knownHostsLine}\n`);
  });

  after(async () => {
    await sshd.stop();
  });

  it("fleet check: one line per device, with what it has or why not", async () => {
    const r = await cli(["fleet", "check", "--inventory", inventory]);
    assert.equal(r.code, 1, `some devices fail:\n${r.stderr}`);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 6, r.stdout);
    const line = (name: string) => lines.find((l) => l.startsWith(`${name} `)) ?? "";
    for (const name of ["board-a", "board-b"]) {
      assert.match(line(name), new RegExp(`^${name}\\s+ok\\s+${sshd.user}@127\\.0\\.0\\.1:${sshd.port}: x86_64, node v\\d+\\.\\d+\\.\\d+, npm [\\d.]+, inferscope 0\\.1\\.0 \\(`));
    }
    assert.match(line("closed"), /^closed\s+FAIL\s+127\.0\.0\.1:\d+: connection refused$/);
    assert.match(line("wrong-key"), /FAIL .*authentication failed/);
    assert.match(line("no-inferscope"), /FAIL .*inferscope does not run there: `inferscope-not-installed-here` exited 127/);
    assert.match(r.stderr, /closed: Is sshd running on the device, and is the port right\?/);
    // No container engine runs on these machines: either no docker client, or a client without a daemon.
    assert.match(line("docker-box"), /FAIL .*(docker is not installed \(not on PATH\)|docker does not work there: .+)/);
    assert.match(r.stderr, /fleet check: 2 of 6 ready/);
  });

  it("host keys: unknown ones are refused unless --accept-new-host-keys, which records them in the inventory's file", async () => {
    const inv = join(dir, "fresh.yaml");
    await writeFile(inv, `devices:\n  - {name: board-a, ssh: {host: 127.0.0.1, user: ${sshd.user}, port: ${sshd.port}, identity_file: ${sshd.userKey}}, npm: {command: "node ${BIN}"}}\n`);
    const refused = await cli(["fleet", "check", "--inventory", inv]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /board-a\s+FAIL .*host key not known/);
    assert.match(refused.stderr, /fresh\.known_hosts/);
    const accepted = await cli(["fleet", "check", "--inventory", inv, "--accept-new-host-keys"]);
    assert.equal(accepted.code, 0, accepted.stderr);
    const recorded = await readFile(join(dir, "fresh.known_hosts"), "utf8");
    assert.ok(recorded.includes(sshd.knownHostsLine.split(" ").slice(1).join(" ")), `key recorded: ${recorded}`);
    assert.equal((await cli(["fleet", "check", "--inventory", inv])).code, 0, "known from now on");
  });

  it("fleet run -- bench: results of the reachable devices come back and merge; the closed port is reported and recorded", async () => {
    const store = await tempDir("inferscope-store-");
    const r = await cli(["fleet", "run", "--inventory", inventory, "--devices", "board-a,closed,board-b", "--", ...BENCH], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 1, `one device failed:\n${r.stderr}`);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 3, r.stdout);
    assert.match(lines[0], /^board-a\s+ok\s+.*\(x86_64\): bench run (\S+): 3 rows/);
    assert.match(lines[1], /^closed\s+FAIL\s+127\.0\.0\.1:\d+: connection refused/);
    assert.match(lines[2], /^board-b\s+ok\s+.*: bench run \S+: 3 rows/);
    // Progress from each device reached stderr, prefixed with its name.
    assert.match(r.stderr, /\[board-a\] bench \[1\/3\] tiny_cnn on ort-cpu/);
    assert.match(r.stderr, /\[board-b\] bench: done: 3 configuration\(s\), 0 failed/);

    const fleet = await queryStore("SELECT device, status, error_code, remote_run_id, remote_kind, remote_host_id, rows_merged, args, tags, arch, run_id FROM fleet_devices ORDER BY device", {root: store});
    assert.deepEqual(fleet.map((f) => [f.device, f.status, f.error_code, f.rows_merged]), [["board-a", "ok", null, 3n], ["board-b", "ok", null, 3n], ["closed", "failed", "connection_refused", 0n]]);
    assert.equal(new Set(fleet.map((f) => f.run_id)).size, 1, "one fleet run");
    assert.equal(fleet[0].args, BENCH.join(" "));
    assert.equal(fleet[0].tags, "cpu,test");
    assert.equal(fleet[0].arch, "x86_64");
    assert.equal(fleet[2].remote_run_id, null);

    // The devices' rows: each remote run with its own run id and the device's host fingerprint.
    const bench = await queryStore("SELECT run_id, host_id, count(*) AS n, count(DISTINCT config_id) AS configs, bool_and(status = 'ok') AS ok FROM bench_results GROUP BY ALL ORDER BY run_id", {root: store});
    assert.equal(bench.length, 2);
    assert.deepEqual(bench.map((b) => b.run_id).sort(), [fleet[0].remote_run_id, fleet[1].remote_run_id].sort());
    for (const b of bench) {
      assert.equal(b.n, 3n);
      assert.equal(b.ok, true);
      assert.equal(b.host_id, fleet.find((f) => f.remote_run_id === b.run_id)!.remote_host_id);
    }
    // Their run records say which device and fleet run they came from.
    const runs = await queryStore("SELECT run_id, kind, status, config, error FROM runs ORDER BY kind, run_id", {root: store});
    const benchRuns = runs.filter((x) => x.kind === "bench");
    assert.equal(benchRuns.length, 2);
    for (const b of benchRuns) {
      const fleetInfo = JSON.parse(b.config).fleet;
      assert.equal(fleetInfo.fleet_run_id, fleet[0].run_id);
      assert.equal(fleetInfo.device, fleet.find((f) => f.remote_run_id === b.run_id)!.device);
      assert.equal(fleetInfo.mode, "npm");
    }
    const own = runs.find((x) => x.kind === "fleet run")!;
    assert.equal(own.status, "failed");
    assert.match(own.error, /1 of 3 devices failed: closed \(connection refused\)/);

    // Once more: new runs land beside the first ones (nothing replaced).
    const again = await cli(["fleet", "run", "--inventory", inventory, "--devices", "board-a", "--json", "--", ...BENCH], {env: {INFERSCOPE_STORE: store}});
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout);
    assert.equal(out.devices[0].status, "ok");
    assert.equal(out.devices[0].runs[0].rows, 3);
    const [{n}] = await queryStore("SELECT count(DISTINCT run_id) AS n FROM bench_results", {root: store});
    assert.equal(n, 3n);
  });

  it("a device past its timeout is stopped, recorded as timed out, and leaves nothing behind there", async () => {
    const store = await tempDir("inferscope-store-");
    const beforeRun = new Set(leftovers());
    const r = await cli(["fleet", "run", "--inventory", inventory, "--devices", "board-a", "--timeout", "3", "--", "bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--runs", "200000"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^board-a\s+TIMEOUT\s+.*timed out after 3 s/);
    const fleet = await queryStore("SELECT status, error_code, remote_run_id FROM fleet_devices", {root: store});
    assert.deepEqual(fleet, [{status: "timeout", error_code: "timeout", remote_run_id: null}]);
    const [{n}] = await queryStore("SELECT count(*) AS n FROM bench_results", {root: store});
    assert.equal(n, 0n, "nothing from the stopped device is merged");
    // The device's collector and temporary store go once the connection closes (give it a moment).
    for (let i = 0; i < 50 && leftovers().some((f) => !beforeRun.has(f)); i++) await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(leftovers().filter((f) => !beforeRun.has(f)), [], "no temporary store left on the device");
  });

  it("Ctrl-C stops the work on every device and leaves the store untouched", async () => {
    const store = await tempDir("inferscope-store-");
    const beforeRun = new Set(leftovers());
    const child = execa("node", [BIN, "fleet", "run", "--inventory", inventory, "--devices", "board-a,board-b", "--", "bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--runs", "200000"], {reject: false, env: {INFERSCOPE_STORE: store, FORCE_COLOR: "0"}});
    let seen = "";
    await new Promise<void>((resolve) => {
      child.stderr!.on("data", (c: Buffer) => {
        seen += c.toString();
        // Both devices are measuring: interrupt as a user would.
        if (/\[board-a\] bench \[1\/3\]/.test(seen) && /\[board-b\] bench \[1\/3\]/.test(seen)) resolve();
      });
    });
    child.kill("SIGINT");
    const r = await child;
    assert.equal(r.exitCode, 130, String(r.stderr));
    assert.match(String(r.stderr), /fleet run cancelled: the work on the devices was stopped and nothing was written to the store/);
    assert.deepEqual(readdirSync(store).filter((f) => !f.startsWith(".")), [], "nothing written");
    for (let i = 0; i < 50 && leftovers().some((f) => !beforeRun.has(f)); i++) await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(leftovers().filter((f) => !beforeRun.has(f)), [], "the devices' work and temporary stores are gone");
  });

  it("a device without inferscope is recorded as failed with the command missing", async () => {
    const store = await tempDir("inferscope-store-");
    const r = await cli(["fleet", "run", "--inventory", inventory, "--devices", "no-inferscope", "--", ...BENCH], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^no-inferscope\s+FAIL\s+.*inferscope exited 127 on the device: .*inferscope-not-installed-here: .*not found/);
    assert.match(r.stderr, /no-inferscope: Install inferscope there/);
    assert.deepEqual(await queryStore("SELECT device, status, error_code, exit_code FROM fleet_devices", {root: store}), [{device: "no-inferscope", status: "failed", error_code: "command_missing", exit_code: 127}]);
  });

  it("refuses a missing command after -- and unknown devices before connecting", async () => {
    const none = await cli(["fleet", "run", "--inventory", inventory]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /give the command to run on the devices after --/);
    const unknown = await cli(["fleet", "run", "--inventory", inventory, "--devices", "board-z", "--", "bench"]);
    assert.match(unknown.stderr, /no device named 'board-z'.*\n.*board-a, board-b/);
    const nested = await cli(["fleet", "run", "--inventory", inventory, "--", "fleet", "run"]);
    assert.match(nested.stderr, /cannot run fleet commands/);
    assert.ok(!existsSync(join(dir, "store")));
  });
});
