// A device whose identity_file is not there fails on its own, with the file named, before ssh runs.
import assert from "node:assert/strict";
import {chmod, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, it} from "node:test";
import {parseInventory} from "../../../loaders/fleet/inventory.ts";
import {checkDevice, preflight, runOnDevice} from "../../../loaders/fleet/runner.ts";
import {tempDir} from "../../helpers/tmp.ts";

describe("fleet preflight", () => {
  it("a missing identity file is named, with its inventory line and how to make one; ssh is never started", async () => {
    const dir = await tempDir("inferscope-preflight-");
    const present = join(dir, "id_ok");
    await writeFile(present, "key\n", {mode: 0o600});
    const inv = parseInventory(
      `devices:\n  - {name: ok, ssh: {host: h, identity_file: ${present}}, npm: {}}\n  - {name: lost, ssh: {host: h, identity_file: ${join(dir, "id_lost")}}, npm: {}}\n  - {name: agent, ssh: {alias: a}, npm: {}}\n`,
      join(dir, "devices.yaml")
    );
    const [ok, lost, agent] = inv.devices;
    assert.equal(await preflight(ok), undefined);
    assert.equal(await preflight(agent), undefined, "no identity_file: the agent or ssh config decides");
    const failure = await preflight(lost);
    assert.equal(failure?.code, "identity_missing");
    assert.equal(failure?.reason, `identity file ${join(dir, "id_lost")} does not exist`);
    assert.match(failure?.hint ?? "", /line 3 of the inventory.*ssh-keygen -t ed25519 -f .*id_lost/);
    // With ssh pointed at a program that does not exist, reaching ssh would say ssh_missing instead.
    const saved = process.env.INFERSCOPE_SSH;
    process.env.INFERSCOPE_SSH = join(dir, "no-such-ssh");
    try {
      assert.equal((await checkDevice(inv, lost, {timeoutMs: 5000})).failure?.code, "identity_missing");
      const run = await runOnDevice(inv, lost, ["bench"], {fleetRunId: "R", workDir: join(dir, "work"), timeoutMs: 5000});
      assert.equal(run.status, "failed");
      assert.equal(run.failure?.code, "identity_missing");
      assert.equal((await checkDevice(inv, ok, {timeoutMs: 5000})).failure?.code, "ssh_missing", "the check does reach ssh when the key is there");
    } finally {
      if (saved === undefined) delete process.env.INFERSCOPE_SSH;
      else process.env.INFERSCOPE_SSH = saved;
    }
    if (process.getuid?.() !== 0) {
      await chmod(present, 0o000);
      assert.match((await preflight(ok))?.reason ?? "", /cannot be read/);
    }
  });
});
