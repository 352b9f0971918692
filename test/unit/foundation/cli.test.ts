import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {COMMANDS} from "../../../loaders/cli/registry.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

describe("inferscope CLI", () => {
  it("--help lists every registered command", async () => {
    const r = await cli(["--help"]);
    assert.equal(r.code, 0);
    for (const c of COMMANDS) assert.ok(r.stdout.includes(`  ${c.name}`), `help lists ${c.name}`);
  });

  it("every command has help that loads (help x == x --help)", async () => {
    for (const c of COMMANDS) {
      const r = await cli(["help", ...c.name.split(" ")]);
      assert.equal(r.code, 0, `${c.name}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: inferscope ${c.name}`));
    }
  });

  it("a bad subcommand gives one line, a suggestion and exit 1", async () => {
    const r = await cli(["hots"]);
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /unknown command 'hots'/);
    assert.match(r.stderr, /Did you mean `inferscope host`/);
    assert.equal(r.stdout, "");
  });

  it("an unknown option is named, with a suggestion", async () => {
    const r = await cli(["host", "--jsn"]);
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /Unknown option '--jsn'/);
    assert.match(r.stderr, /Did you mean --json/);
  });

  it("host --json describes this machine", async () => {
    const r = await cli(["host", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const profile = JSON.parse(r.stdout);
    assert.ok(profile.host_cores >= 1);
    assert.ok(profile.tools.some((t: {name: string; available: boolean}) => t.name === "onnxruntime-node" && t.available));
  });

  it("store list works on an empty store", async () => {
    const store = await tempDir();
    const r = await cli(["store", "list", "--json"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.store, store);
    assert.ok(out.datasets.every((d: {rows: number}) => d.rows === 0));
  });

  it("collect --dry-run lists every step and --skip leaves steps out; an unknown step is named", async () => {
    const store = await tempDir();
    const env = {INFERSCOPE_STORE: store};
    const all = await cli(["collect", "--dry-run", "--models", "tiny_cnn"], {env});
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stderr, /step 1 of 3: bench/);
    assert.match(all.stderr, /batching: would run `inferscope collect batching`/);
    assert.match(all.stderr, /serving: would run `inferscope collect serving`/);
    assert.match(all.stderr, /step 3 of 3: quantization/);
    // The quantization step applies its own defaults (three methods, two sample counts) on mobilenet_v1.
    assert.equal(all.stdout.split("\n").filter((l) => l.startsWith("mobilenet_v1: ")).length, 6);
    const some = await cli(["collect", "--dry-run", "--models", "tiny_cnn", "--skip", "serving,quantization,batching"], {env});
    assert.equal(some.code, 0, some.stderr);
    assert.match(some.stderr, /step 2 of 2: profile/);
    assert.doesNotMatch(some.stderr, /quantization|would run/);
    const bad = await cli(["collect", "--skip", "servng"], {env});
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--skip servng: no such step/);
  });
});
