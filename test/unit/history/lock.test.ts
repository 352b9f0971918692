// The store's lock: a second concurrent run is refused with one line naming the first; a lock left
// by a process that is gone is taken over; the lock is re-entrant and given back.
import assert from "node:assert/strict";
import {execa} from "execa";
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {readdir, writeFile} from "node:fs/promises";
import os from "node:os";
import {join} from "node:path";
import {describe, it} from "node:test";
import {acquireStoreLock, holdsStoreLock, LOCK_FILE, LOCKED_EXIT, StoreLockedError, withStoreLock} from "../../../loaders/history/lock.ts";
import {datasetFiles, queryStore} from "../../../loaders/store/store.ts";
import {assertOneLineError, BIN, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = execa("node", ["-e", "0"]);
  const pid = child.pid!;
  await child;
  return pid;
}

function lockOf(root: string) {
  return JSON.parse(readFileSync(join(root, LOCK_FILE), "utf8"));
}

describe("store lock", () => {
  it("is created with O_EXCL holding pid, host, start time and command; re-entrant; removed on release", async () => {
    const root = await tempDir("inferscope-lock-");
    const lock = acquireStoreLock({root, command: "inferscope collect"});
    const held = lockOf(root);
    assert.equal(held.pid, process.pid);
    assert.equal(held.host, os.hostname());
    assert.equal(held.command, "inferscope collect");
    assert.ok(!Number.isNaN(Date.parse(held.started_at)));
    const inner = acquireStoreLock({root});
    inner.release();
    assert.ok(existsSync(join(root, LOCK_FILE)), "still held by the outer caller");
    assert.ok(holdsStoreLock(root));
    lock.release();
    assert.ok(!existsSync(join(root, LOCK_FILE)));
    assert.ok(!holdsStoreLock(root));
    await withStoreLock(async () => assert.ok(existsSync(join(root, LOCK_FILE))), {root});
    assert.ok(!existsSync(join(root, LOCK_FILE)), "released after withStoreLock, also when the body throws");
    await assert.rejects(withStoreLock(async () => {
      throw new Error("boom");
    }, {root}), /boom/);
    assert.ok(!existsSync(join(root, LOCK_FILE)));
  });

  it("refuses a second concurrent bench with one line naming the running one, and leaves its run alone", async () => {
    const root = await tempDir("inferscope-lock-");
    const env = {INFERSCOPE_STORE: root};
    // A real collector, long enough to still be running when the second one starts.
    const first = execa("node", [BIN, "bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "1", "--batch", "1,2,3,4,5,6", "--runs", "200"], {env, reject: false});
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      first.stderr!.on("data", (chunk) => {
        stderr += chunk;
        if (/\[1\/6\]/.test(stderr)) resolve();
      });
      first.then(() => reject(new Error(`the first bench ended before it started measuring:\n${stderr}`)), reject);
    });
    const holder = lockOf(root);
    assert.equal(holder.pid, first.pid);
    const second = await cli(["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "1", "--opt", "all", "--runs", "3"], {env});
    const imported = await cli(["import", "latency", join(root, "missing.csv")], {env});
    first.kill("SIGINT");
    const done = await first;
    assert.equal(second.code, LOCKED_EXIT, second.stderr);
    assertOneLineError(second.stderr);
    assert.match(second.stderr, new RegExp(`^inferscope: the store is busy: \`inferscope bench --models tiny_cnn .*\` \\(pid ${first.pid} on ${os.hostname()}, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\) holds .*\\.lock`));
    assert.match(second.stderr, /Wait for that run to finish/);
    // An import reads its file first (this one is missing: a plain input error, no lock needed).
    assert.match(imported.stderr, /missing\.csv: no such file/);
    assert.equal(done.exitCode, 130, String(done.stderr));
    const runs = await queryStore("SELECT status FROM runs", {root});
    assert.deepEqual(runs.map((r) => r.status), ["cancelled"], "only the first run is in the store");
    assert.ok(!existsSync(join(root, LOCK_FILE)), "the first run gave the lock back");
  });

  it("refuses an import while another process holds the lock, writing nothing", async () => {
    const root = await tempDir("inferscope-lock-");
    const csv = join(root, "t.csv");
    await writeFile(csv, "model,runtime,device,latency_ms\nmobilenet_v1,tflite,pixel4,31.5\n");
    const lock = acquireStoreLock({root, command: "inferscope collect --full"});
    try {
      const r = await cli(["import", "latency", csv], {env: {INFERSCOPE_STORE: root}});
      assert.equal(r.code, LOCKED_EXIT, r.stderr);
      assertOneLineError(r.stderr);
      assert.match(r.stderr, new RegExp(`\`inferscope collect --full\` \\(pid ${process.pid} on`));
      assert.deepEqual(datasetFiles("bench_results", root), []);
      assert.deepEqual(datasetFiles("runs", root), []);
    } finally {
      lock.release();
    }
    const r = await cli(["import", "latency", csv], {env: {INFERSCOPE_STORE: root}});
    assert.equal(r.code, 0, r.stderr);
  });

  it("takes over a lock whose process is gone (or is garbage), not one held on another host", async () => {
    const root = await tempDir("inferscope-lock-");
    const path = join(root, LOCK_FILE);
    const pid = await deadPid();
    writeFileSync(path, JSON.stringify({pid, host: os.hostname(), started_at: "2025-01-01T03:30:00.000Z", command: "inferscope collect", proc_start: null}));
    const lock = acquireStoreLock({root});
    assert.equal(lockOf(root).pid, process.pid);
    lock.release();
    assert.deepEqual((await readdir(root)).filter((f) => f.startsWith(LOCK_FILE)), [], "no stale copy left behind");

    // Our own pid, but a process start time that is not ours: the pid was reused after a reboot.
    writeFileSync(path, JSON.stringify({pid: process.pid, host: os.hostname(), started_at: "2025-01-01T03:30:00.000Z", command: "inferscope collect", proc_start: "1"}));
    if (existsSync("/proc/self/stat")) acquireStoreLock({root}).release();
    else assert.throws(() => acquireStoreLock({root}), StoreLockedError);

    writeFileSync(path, "{half a lock");
    acquireStoreLock({root}).release();

    writeFileSync(path, JSON.stringify({pid, host: "build-server-3", started_at: "2025-01-01T03:30:00.000Z", command: "inferscope collect", proc_start: null}));
    assert.throws(() => acquireStoreLock({root}), (e: unknown) => e instanceof StoreLockedError && /pid \d+ on build-server-3/.test(e.message) && e.exitCode === LOCKED_EXIT);
  });
});
