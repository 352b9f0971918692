// The device inventory: the documented example parses; mistakes name the file, the line and the field.
import assert from "node:assert/strict";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, it} from "node:test";
import {InputError, UserError} from "../../../loaders/common/errors.ts";
import {DEFAULT_TIMEOUT_S, destination, loadInventory, parseInventory, selectDevices} from "../../../loaders/fleet/inventory.ts";
import {PROJECT_ROOT} from "../../../loaders/store/store.ts";
import {tempDir} from "../../helpers/tmp.ts";

const MINIMAL = `devices:
  - name: a
    ssh: {host: 192.0.2.1, user: pi, port: 2222}
    npm: {}
`;

function fails(text: string, pattern: RegExp, line?: number): InputError {
  try {
    parseInventory(text, "/inv/devices.yaml");
  } catch (error) {
    assert.ok(error instanceof InputError, `an InputError, got ${error}`);
    assert.match(error.message, pattern);
    if (line !== undefined) assert.equal(error.line, line, `line of: ${error.message}`);
    return error;
  }
  assert.fail(`expected ${pattern} for:\n${text}`);
}

describe("fleet inventory", () => {
  it("reads the documented example: npm, docker and podman devices", async () => {
    const inv = await loadInventory(join(PROJECT_ROOT, "data", "devices.example.yaml"));
    assert.deepEqual(inv.devices.map((d) => d.name), ["rpi4", "nano", "gpu-box"]);
    assert.equal(inv.known_hosts, join(PROJECT_ROOT, "data", "devices.known_hosts"));
    assert.equal(inv.accept_new_host_keys, false);
    const [rpi, nano, box] = inv.devices;
    assert.deepEqual(rpi.run, {mode: "npm", command: "npx --no-install inferscope", dir: "~/inferscope"});
    assert.equal(rpi.timeout_s, 7200);
    assert.deepEqual(rpi.env, {OMP_NUM_THREADS: "4"});
    assert.ok(rpi.ssh.identity_file?.endsWith("/.ssh/inferscope_fleet_ed25519") && !rpi.ssh.identity_file.includes("~"), "~ expanded");
    assert.equal(destination(rpi), "pi@192.0.2.10:22");
    assert.equal(destination(nano), "jetson-nano-lab");
    assert.deepEqual(nano.run, {mode: "container", engine: "docker", image: "registry.example.com/inferscope-ort-cuda:jetpack5", gpus: "all", args: ["--runtime", "nvidia", "--ipc", "host"], command: ["inferscope"], models: "~/inferscope-models"});
    assert.equal(nano.timeout_s, 3600);
    assert.deepEqual(box.ssh.options, {ProxyJump: "bastion.example.com"});
    assert.equal(box.run.mode === "container" && box.run.gpus, "device=0");
  });

  it("defaults: known_hosts beside the inventory, timeouts, npx", () => {
    const inv = parseInventory(MINIMAL, "/inv/lab.yaml");
    assert.equal(inv.known_hosts, "/inv/lab.known_hosts");
    assert.equal(inv.connect_timeout_s, 10);
    assert.equal(inv.devices[0].timeout_s, DEFAULT_TIMEOUT_S);
    assert.deepEqual(inv.devices[0].run, {mode: "npm", command: "npx --no-install inferscope", dir: undefined});
    assert.deepEqual(inv.devices[0].tags, []);
  });

  it("accepts the same inventory as JSON", () => {
    const inv = parseInventory(JSON.stringify({accept_new_host_keys: true, devices: [{name: "x", ssh: {alias: "lab-x"}, container: {engine: "podman", image: "img:1", gpus: true}}]}), "/inv/d.json");
    assert.equal(inv.accept_new_host_keys, true);
    assert.deepEqual(inv.devices[0].run, {mode: "container", engine: "podman", image: "img:1", gpus: "all", args: [], command: ["inferscope"]});
  });

  it("names the line and field of each mistake", () => {
    fails(`${MINIMAL}    colour: red\n`, /devices\[0\]\.colour: unknown field 'colour'/, 5);
    fails("devices:\n  - name: a\n    npm: {}\n", /devices\[0\]\.ssh: missing/, 2);
    fails("devices:\n  - name: a\n    ssh: {host: h, alias: b}\n    npm: {}\n", /either `alias` or `host`/, 3);
    fails("devices:\n  - name: a\n    ssh: {host: h, port: 70000}\n    npm: {}\n", /ssh\.port: expected an integer from 1 to 65535, found number 70000/, 3);
    fails("devices:\n  - name: a\n    ssh: {host: h}\n", /say how inferscope runs there/, 2);
    fails("devices:\n  - name: a\n    ssh: {host: h}\n    npm: {}\n    container: {engine: docker, image: i}\n", /either `npm` or `container`/, 5);
    fails("devices:\n  - name: a\n    ssh: {host: h}\n    container: {engine: lxc, image: i}\n", /container\.engine: 'lxc' is not docker or podman/, 4);
    fails("devices:\n  - name: a\n    ssh: {host: h}\n    container: {engine: docker}\n", /container\.image: missing/, 4);
    fails("devices:\n  - name: a b\n    ssh: {host: h}\n    npm: {}\n", /name: 'a b' is not a name/, 2);
    fails(`${MINIMAL}  - name: a\n    ssh: {host: h}\n    npm: {}\n`, /'a' is used twice \(first on line 2\)/, 5);
    fails(`${MINIMAL}    arch: amd64\n`, /arch: 'amd64' is not an architecture/, 5);
    fails(`${MINIMAL}    env: {INFERSCOPE_STORE: /x}\n`, /INFERSCOPE_STORE is set by fleet run/, 5);
    fails("devices:\n  - name: a\n    ssh: {host: user@h}\n    npm: {}\n", /put the user in `user`/, 3);
    fails("devices: []\n", /expected a non-empty list of devices/, 1);
    fails("", /found an empty file/);
    fails("- a\n- b\n", /expected a mapping with a 'devices' list, found a list/);
    fails("devices:\n  - name: a\n   ssh: {host: h}\n", /not valid YAML/, 3);
    fails("known_hosts: a\nknown_hosts: b\ndevices: []\n", /not valid YAML: .*[Uu]nique/, 2);
  });

  it("says where to start when the inventory is missing", async () => {
    const dir = await tempDir();
    await assert.rejects(loadInventory(join(dir, "devices.yaml")), (e: UserError) => /no device inventory at .*devices\.yaml/.test(e.message) && /devices\.example\.yaml/.test(e.hint ?? ""));
    const file = join(dir, "bad.yaml");
    await writeFile(file, "devices: {a: 1}\n");
    await assert.rejects(loadInventory(file), (e: InputError) => e.file === file && /expected a non-empty list of devices/.test(e.message));
  });

  it("selects devices by name and by tag, in the order given", () => {
    const inv = parseInventory(
      "devices:\n" + ["a:[cpu]", "b:[gpu,cuda]", "c:[gpu]"].map((s) => {
        const [name, tags] = s.split(":");
        return `  - {name: ${name}, ssh: {host: h}, npm: {}, tags: ${tags}}\n`;
      }).join(""),
      "/inv/d.yaml"
    );
    assert.deepEqual(selectDevices(inv).map((d) => d.name), ["a", "b", "c"]);
    assert.deepEqual(selectDevices(inv, "c,a").map((d) => d.name), ["c", "a"]);
    assert.deepEqual(selectDevices(inv, "tag:gpu,b").map((d) => d.name), ["b", "c"]);
    assert.throws(() => selectDevices(inv, "a,z"), (e: UserError) => /no device named 'z'/.test(e.message) && /a, b, c/.test(e.hint ?? ""));
    assert.throws(() => selectDevices(inv, "tag:npu"), /no device .* has the tag 'npu'/);
  });
});
