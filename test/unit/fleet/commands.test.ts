// The command lines fleet builds: docker/podman run (no engine here, so checked as argv and by a real
// sh that expands them), shell quoting, ssh options, and what ssh's failures mean.
import assert from "node:assert/strict";
import {execa} from "execa";
import {describe, it} from "node:test";
import {containerCommand, containerName, containerStopCommand, gpuArgs} from "../../../loaders/fleet/container.ts";
import {parseInventory, type ContainerRun} from "../../../loaders/fleet/inventory.ts";
import {checkContainerCommand, checkScript, collectorCommand, parseCheckOutput, runScript} from "../../../loaders/fleet/remote.ts";
import {remoteVar, shellCommand, shellQuote} from "../../../loaders/fleet/shell.ts";
import {classifySshFailure, sshArgs} from "../../../loaders/fleet/ssh.ts";

const docker: ContainerRun = {mode: "container", engine: "docker", image: "ghcr.io/acme/inferscope-ort-cuda:1.30", gpus: "all", args: ["--runtime", "nvidia"], command: ["inferscope"]};
const podman: ContainerRun = {...docker, engine: "podman", gpus: "device=0,1", args: []};

/** What a POSIX sh makes of a command line: one argument per line, as a program would receive them. */
async function shWords(command: string, vars: Record<string, string> = {}): Promise<string[]> {
  const script = `${Object.entries(vars).map(([k, v]) => `${k}=${shellQuote(v)}; `).join("")}set -- ${command}; for a do printf '%s\\0' "$a"; done`;
  const r = await execa("sh", ["-c", script]);
  return r.stdout.split("\0").slice(0, -1);
}

describe("container command lines", () => {
  it("docker: --gpus, the store mounted out, env, the user's ids, extra args, then image and command", () => {
    const argv = containerCommand(docker, {storeDir: "/tmp/x/store", args: ["bench", "--models", "tiny_cnn"], name: "inferscope-fleet-r1-nano", env: {OMP_NUM_THREADS: "4"}, user: "1000:1000"});
    assert.deepEqual(argv, [
      "docker", "run", "--rm", "--init", "--name", "inferscope-fleet-r1-nano", "--user", "1000:1000",
      "--gpus", "all",
      "-v", "/tmp/x/store:/inferscope-store",
      "-e", "OMP_NUM_THREADS=4", "-e", "INFERSCOPE_STORE=/inferscope-store", "-e", "HOME=/tmp",
      "--runtime", "nvidia",
      "ghcr.io/acme/inferscope-ort-cuda:1.30", "inferscope", "bench", "--models", "tiny_cnn"
    ]);
    assert.deepEqual(containerStopCommand(docker, "inferscope-fleet-r1-nano"), ["docker", "kill", "inferscope-fleet-r1-nano"]);
  });

  it("podman: GPUs through CDI devices, an SELinux label on the mount, no --user (rootless maps ids)", () => {
    const argv = containerCommand(podman, {storeDir: "/s", args: ["profile"], name: "n", user: "1000:1000"});
    assert.deepEqual(argv, ["podman", "run", "--rm", "--init", "--name", "n", "--device", "nvidia.com/gpu=0", "--device", "nvidia.com/gpu=1", "-v", "/s:/inferscope-store:Z", "-e", "INFERSCOPE_STORE=/inferscope-store", "-e", "HOME=/tmp", "ghcr.io/acme/inferscope-ort-cuda:1.30", "inferscope", "profile"]);
  });

  it("GPU flags per engine; none without gpus", () => {
    assert.deepEqual(gpuArgs("docker", "device=0,1"), ["--gpus", "device=0,1"]);
    assert.deepEqual(gpuArgs("docker", "2"), ["--gpus", "2"]);
    assert.deepEqual(gpuArgs("podman", "all"), ["--device", "nvidia.com/gpu=all"]);
    assert.deepEqual(gpuArgs("podman", "2"), ["--device", "nvidia.com/gpu=all"]);
    assert.deepEqual(gpuArgs("docker", undefined), []);
    const cpuOnly = containerCommand({...docker, gpus: undefined, args: []}, {storeDir: "/s", args: [], name: "n"});
    assert.ok(!cpuOnly.includes("--gpus") && !cpuOnly.includes("--user"), cpuOnly.join(" "));
  });

  it("container names are what docker accepts", () => {
    assert.equal(containerName("20261123T180809Z-ea94d2-6bdd", "jetson nano/1"), "inferscope-fleet-20261123T180809Z-ea94d2-6bdd-jetson-nano-1");
  });

  it("the device's shell gets exactly these words, with the temporary store and ids expanded there", async () => {
    const argv = containerCommand(docker, {storeDir: remoteVar("store"), args: ["bench", "--models", "it's mine", "$(reboot)", "a b"], name: "n", env: {NOTE: "x;y"}, user: `${remoteVar("uid")}:${remoteVar("gid")}`});
    const words = await shWords(shellCommand(argv), {store: "/tmp/inferscope-fleet.Ab12/store", uid: "1001", gid: "1002"});
    assert.deepEqual(words, argv.map((w) => w.replace(remoteVar("store"), "/tmp/inferscope-fleet.Ab12/store").replace(remoteVar("uid"), "1001").replace(remoteVar("gid"), "1002")));
    assert.ok(words.includes("/tmp/inferscope-fleet.Ab12/store:/inferscope-store") && words.includes("1001:1002") && words.includes("$(reboot)"));
  });

  it("shell quoting keeps every word whole", async () => {
    const words = ["plain", "", "a b", "it's", `"dq"`, "$HOME", "`x`", "*", "new\nline", "-e", "k=v"];
    assert.deepEqual(await shWords(shellCommand(words)), words);
    assert.equal(shellQuote("tiny_cnn"), "tiny_cnn");
  });

  it("the run script for a container device stops the container by name when the run is cancelled", () => {
    const inv = parseInventory("devices:\n  - {name: nano, ssh: {alias: n}, container: {engine: docker, image: 'img:1', gpus: true}}\n", "/i/d.yaml");
    const {command, stop} = collectorCommand(inv.devices[0], ["bench"], "R1");
    assert.match(command, /^exec docker run --rm --init --name inferscope-fleet-R1-nano --user "\$uid"':'"\$gid" --gpus all -v "\$store"':\/inferscope-store' /);
    assert.equal(stop, "docker kill inferscope-fleet-R1-nano >/dev/null 2>&1");
    const script = runScript(inv.devices[0], ["bench"], "R1");
    assert.ok(script.includes("docker kill inferscope-fleet-R1-nano"), "stop() kills the container");
    assert.match(checkScript(inv.devices[0]), /docker image inspect img:1 [\s\S]*docker run --rm --init --name inferscope-fleet-check-[0-9a-f]{8}-nano /);
  });

  it("fleet check runs --version in the container as a collection would: GPUs, args, env, user and a mounted store", async () => {
    const inv = parseInventory("devices:\n  - {name: nano, ssh: {alias: n}, env: {OMP_NUM_THREADS: '4'}, container: {engine: docker, image: 'img:1', gpus: all, args: [--runtime, nvidia], models: ~/m}}\n", "/i/d.yaml");
    const words = await shWords(checkContainerCommand(inv.devices[0]), {cdir: "/tmp/c d", uid: "1000", gid: "100"});
    const name = words[words.indexOf("--name") + 1];
    assert.match(name, /^inferscope-fleet-check-[0-9a-f]{8}-nano$/);
    assert.deepEqual(words, [
      "docker", "run", "--rm", "--init", "--name", name, "--user", "1000:100", "--gpus", "all", "-v", "/tmp/c d:/inferscope-store",
      "-e", "OMP_NUM_THREADS=4", "-e", "INFERSCOPE_STORE=/inferscope-store", "-e", "HOME=/tmp", "--runtime", "nvidia", "img:1", "inferscope", "--version"
    ]);
    assert.ok(!words.some((w) => w.includes("inferscope-models")), "a check mounts no models folder (it would create it)");
    const script = checkScript(inv.devices[0]);
    assert.equal((await execa("sh", ["-n", "-c", script], {reject: false})).exitCode, 0, script);
    assert.match(script, /image=missing; exit 0; fi/, "no run without the image (it would pull it)");
  });

  it("a models directory on the device is mounted as the container's INFERSCOPE_MODELS, made first by the SSH user", async () => {
    const inv = parseInventory("devices:\n  - {name: nano, ssh: {alias: n}, container: {engine: podman, image: 'img:1', models: ~/inferscope models}}\n", "/i/d.yaml");
    const {command} = collectorCommand(inv.devices[0], ["bench", "--model", "/inferscope-models/mine.onnx"], "R1");
    const mkdir = /^mkdir -p (.*?) && exec (podman run .*)$/.exec(command);
    assert.ok(mkdir, command);
    assert.deepEqual(await shWords(mkdir[1], {HOME: "/home/pi"}), ["/home/pi/inferscope models"]);
    const words = await shWords(mkdir[2], {HOME: "/home/pi", store: "/tmp/s", uid: "1", gid: "1"});
    assert.ok(words.includes("/home/pi/inferscope models:/inferscope-models:Z"), words.join(" | "));
    assert.ok(words.includes("INFERSCOPE_MODELS=/inferscope-models"));
    assert.equal((await execa("sh", ["-n", "-c", runScript(inv.devices[0], ["bench"], "R1")], {reject: false})).exitCode, 0);
    assert.throws(() => parseInventory("devices:\n  - {name: x, ssh: {alias: n}, container: {engine: docker, image: i, models: models}}\n", "/i/d.yaml"), /models.*absolute path or ~\//);
    const none = containerCommand(docker, {storeDir: "/s", args: [], name: "n"});
    assert.ok(!none.some((w) => w.includes("inferscope-models")), "no models mount unless asked for");
  });

  it("the run script is valid sh", async () => {
    const inv = parseInventory("devices:\n  - {name: a, ssh: {host: h}, npm: {dir: ~/inferscope, command: node bin/inferscope.js}, env: {A: \"it's\"}}\n", "/i/d.yaml");
    for (const script of [runScript(inv.devices[0], ["bench", "--models", "a b"], "R"), checkScript(inv.devices[0])]) {
      const r = await execa("sh", ["-n", "-c", script], {reject: false});
      assert.equal(r.exitCode, 0, `${r.stderr}\n${script}`);
    }
    assert.match(collectorCommand(inv.devices[0], ["bench"], "R").command, /^cd "\$HOME"'\/inferscope' && export A='it'\\''s'; export INFERSCOPE_STORE="\$store"; exec node bin\/inferscope.js bench$/);
  });

  it("reads the check script's answers", () => {
    assert.deepEqual(parseCheckOutput("arch=aarch64\nnode=v20.11.0\nnoise\ninferscope_exit=0\ninferscope=0.1.0\n"), {arch: "aarch64", node: "v20.11.0", inferscope_exit: "0", inferscope: "0.1.0"});
  });
});

describe("ssh", () => {
  const inv = parseInventory(
    `known_hosts: /fleet/known hosts
connect_timeout: 7
devices:
  - {name: a, ssh: {host: 192.0.2.1, user: pi, port: 2222, identity_file: /k/id, options: {ProxyJump: bastion}}, npm: {}}
  - {name: b, ssh: {alias: lab-b, user: ops}, npm: {}}
`,
    "/fleet/d.yaml"
  );

  it("batch mode, the inventory's known_hosts, strict host keys unless asked", () => {
    const a = sshArgs(inv, inv.devices[0]);
    assert.deepEqual(a.slice(0, 11), ["-T", "-o", "BatchMode=yes", "-o", "ConnectTimeout=7", "-o", `UserKnownHostsFile="/fleet/known hosts"`, "-o", "StrictHostKeyChecking=yes", "-o", "ServerAliveInterval=15"]);
    assert.deepEqual(a.slice(-10), ["-p", "2222", "-i", "/k/id", "-o", "IdentitiesOnly=yes", "-o", "ProxyJump=bastion", "--", "pi@192.0.2.1"]);
    assert.ok(a.includes("LogLevel=ERROR") && a.includes("ServerAliveCountMax=4"));
    assert.ok(sshArgs(inv, inv.devices[0], {acceptNew: true}).includes("StrictHostKeyChecking=accept-new"));
    assert.ok(sshArgs({...inv, accept_new_host_keys: true}, inv.devices[0]).includes("StrictHostKeyChecking=accept-new"));
    assert.deepEqual(sshArgs(inv, inv.devices[1]).slice(-4), ["-l", "ops", "--", "lab-b"]);
  });

  it("names the reason of each failure from ssh's own messages", () => {
    const cases: [string, number, string][] = [
      ["ssh: connect to host 127.0.0.1 port 1: Connection refused", 255, "connection_refused"],
      ["root@127.0.0.1: Permission denied (publickey).", 255, "auth_failed"],
      ["No ED25519 host key is known for [127.0.0.1]:22022 and you have requested strict checking.\nHost key verification failed.", 255, "host_key_unknown"],
      ["@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.", 255, "host_key_changed"],
      ["Connection timed out during banner exchange", 255, "timeout"],
      ["ssh: connect to host 10.255.255.1 port 22: Connection timed out", 255, "timeout"],
      ["ssh: Could not resolve hostname nosuch.invalid: Name or service not known", 255, "unknown_host"],
      ["ssh: connect to host 192.0.2.1 port 22: No route to host", 255, "unreachable"],
      ["sh: 1: npx: not found", 127, "command_missing"],
      ["bench: no runtime available", 1, "remote_failed"]
    ];
    for (const [stderr, exitCode, code] of cases) assert.equal(classifySshFailure({exitCode, stderr}).code, code, stderr);
    assert.equal(classifySshFailure({exitCode: undefined, stderr: "", timedOut: true}).code, "timeout");
    assert.match(classifySshFailure({exitCode: 255, stderr: "Host key verification failed.", knownHosts: "/f/kh"}).hint ?? "", /\/f\/kh.*--accept-new-host-keys/);
    assert.equal(classifySshFailure({exitCode: 1, stderr: "x\nbench: no runtime available\n"}).reason, "exit 1: bench: no runtime available");
    // inferscope's error line, not the hint after it; npm's log trailer and --help pointers are not reasons.
    assert.equal(classifySshFailure({exitCode: 1, stderr: "inferscope: unknown zoo model 'nope'\n  Known: mobilenet_v1, tiny_cnn. For your own file use --model path.onnx\nSee `inferscope bench --help`\n"}).reason, "exit 1: inferscope: unknown zoo model 'nope'");
    // Node there, inferscope not installed: what `npx --no-install inferscope` prints.
    const npx = "npm error could not determine executable to run\nnpm error A complete log of this run can be found in: /home/pi/.npm/_logs/2026-12-06T10_00_00_000Z-debug-0.log\n";
    assert.equal(classifySshFailure({exitCode: 1, stderr: npx}).reason, "exit 1: npm error could not determine executable to run");
    const npm10 = "npm ERR! could not determine executable to run\n\nnpm ERR! A complete log of this run can be found in:\nnpm ERR!     /root/.npm/_logs/x-debug-0.log\n";
    assert.equal(classifySshFailure({exitCode: 1, stderr: npm10}).reason, "exit 1: npm ERR! could not determine executable to run");
  });
});
