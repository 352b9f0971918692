// The device inventory (data/devices.yaml): which machines `inferscope fleet` reaches over SSH and how
// inferscope runs on each (installed with npm, or inside a docker/podman image). Parsed and checked in
// full before anything connects: a mistake names the file, the line and the field, and how to fix it.
// data/devices.example.yaml documents every field.

import {readFile} from "node:fs/promises";
import {homedir} from "node:os";
import {basename, dirname, extname, join, resolve} from "node:path";
import {isMap, isSeq, LineCounter, parseDocument, type Node} from "yaml";
import {InputError, UserError} from "../common/errors.ts";
import {PROJECT_ROOT} from "../store/store.ts";

export interface SshTarget {
  /** An entry of the user's ~/.ssh/config: its HostName, User, Port, IdentityFile apply. */
  alias?: string;
  host?: string;
  user?: string;
  port?: number;
  identity_file?: string;
  /** Extra `-o Key=Value` options (ProxyJump, ...). */
  options: Record<string, string>;
}

export interface NpmRun {
  mode: "npm";
  /** Shell command that starts inferscope there, e.g. `npx --no-install inferscope` or `node ~/inferscope/bin/inferscope.js`. */
  command: string;
  /** Directory to run it in (an npm project with inferscope installed), if any. */
  dir?: string;
}

export interface ContainerRun {
  mode: "container";
  engine: "docker" | "podman";
  image: string;
  /** GPUs to pass in: "all", "device=0", ... (docker --gpus; podman --device nvidia.com/gpu=...). */
  gpus?: string;
  /** Extra arguments for `<engine> run`, e.g. ["--runtime", "nvidia"] on a Jetson. */
  args: string[];
  /** The command inside the image that starts inferscope (default `inferscope`). */
  command: string[];
  /**
   * A directory on the device mounted as the container's model folder (INFERSCOPE_MODELS), so zoo models
   * built there outlive the --rm container, and the device's own ONNX files can be benchmarked. A leading
   * `~/` is the SSH user's home.
   */
  models?: string;
}

export interface Device {
  name: string;
  ssh: SshTarget;
  /** Architecture as `uname -m` prints it (x86_64, aarch64, armv7l); `fleet check` compares. */
  arch?: string;
  run: NpmRun | ContainerRun;
  env: Record<string, string>;
  tags: string[];
  /** Seconds one `fleet run` may take on this device. */
  timeout_s: number;
  /** Line of the device's entry in the inventory, for messages. */
  line?: number;
}

export interface Inventory {
  file: string;
  /** Known-hosts file for this inventory (new keys are written here, never to ~/.ssh/known_hosts). */
  known_hosts: string;
  /** Accept a device's host key on first contact (StrictHostKeyChecking=accept-new); off unless asked. */
  accept_new_host_keys: boolean;
  connect_timeout_s: number;
  devices: Device[];
}

export const DEFAULT_INVENTORY = join(PROJECT_ROOT, "data", "devices.yaml");
export const DEFAULT_TIMEOUT_S = 3600;
export const DEFAULT_CONNECT_TIMEOUT_S = 10;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ARCHES = ["x86_64", "aarch64", "arm64", "armv7l", "armv6l", "riscv64", "ppc64le", "s390x", "i686"];

/** The inventory to use: --inventory, $INFERSCOPE_DEVICES, or data/devices.yaml. */
export function inventoryPath(option?: string): string {
  return resolve(option ?? process.env.INFERSCOPE_DEVICES ?? DEFAULT_INVENTORY);
}

function expandHome(p: string): string {
  return p === "~" ? homedir() : p.startsWith("~/") ? join(homedir(), p.slice(2)) : p;
}

/** Reads one field of a YAML mapping, reporting mistakes at the field's line. */
class Fields {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly node: Node | null,
    readonly value: Record<string, unknown>,
    readonly where: string
  ) {}

  line(key?: string): number | undefined {
    let n: Node | null | undefined = this.node;
    if (key !== undefined && isMap(this.node)) {
      const pair = this.node.items.find((p) => (p.key as {value?: unknown})?.value === key);
      n = (pair?.value as Node | null) ?? (pair?.key as Node | null) ?? this.node;
    }
    const offset = n?.range?.[0];
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  fail(key: string | undefined, detail: string, hint?: string): never {
    throw new InputError(this.file, `${this.where}${key ? `${this.where ? "." : ""}${key}` : ""}: ${detail}`, {line: this.line(key), hint: hint ?? "See data/devices.example.yaml for every field."});
  }

  only(allowed: readonly string[]): void {
    for (const key of Object.keys(this.value)) {
      if (!allowed.includes(key)) this.fail(key, `unknown field '${key}'; expected one of ${allowed.join(", ")}`);
    }
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  string(key: string, {required = false, pattern, what}: {required?: boolean; pattern?: RegExp; what?: string} = {}): string | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) {
      if (required) this.fail(key, `missing; give ${what ?? "a value"}`);
      return undefined;
    }
    if (typeof v !== "string" && typeof v !== "number") this.fail(key, `expected ${what ?? "a string"}, found ${describe(v)}`);
    const s = String(v);
    if (s.trim() === "") this.fail(key, `is empty; give ${what ?? "a value"}`);
    if (pattern && !pattern.test(s)) this.fail(key, `'${s}' is not ${what ?? `of the form ${pattern}`}`);
    return s;
  }

  number(key: string, {min, max, integer = true}: {min: number; max: number; integer?: boolean}): number | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
      this.fail(key, `expected ${integer ? "an integer" : "a number"} from ${min} to ${max}, found ${describe(v)}`);
    }
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "boolean") this.fail(key, `expected true or false, found ${describe(v)}`);
    return v;
  }

  strings(key: string): string[] {
    const v = this.value[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" && typeof x !== "number")) this.fail(key, `expected a list of strings, found ${describe(v)}`);
    return (v as unknown[]).map(String);
  }

  map(key: string): Record<string, string> {
    const v = this.value[key];
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v)) this.fail(key, `expected a mapping of names to values, found ${describe(v)}`);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x !== "string" && typeof x !== "number" && typeof x !== "boolean") this.fail(key, `${k}: expected a string, found ${describe(x)}`);
      out[k] = String(x);
    }
    return out;
  }

  child(key: string): Fields | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (!isPlainObject(v)) this.fail(key, `expected a mapping, found ${describe(v)}`);
    const node = isMap(this.node) ? ((this.node.items.find((p) => (p.key as {value?: unknown})?.value === key)?.value as Node | null) ?? null) : null;
    return new Fields(this.file, this.lines, node, v as Record<string, unknown>, `${this.where}${this.where ? "." : ""}${key}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (isPlainObject(v)) return "a mapping";
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

/** Parse and check an inventory's text. `file` names it in messages and anchors relative paths. */
export function parseInventory(text: string, file: string): Inventory {
  const lines = new LineCounter();
  // YAML is a superset of JSON, so a JSON inventory reads the same way.
  const doc = parseDocument(text, {lineCounter: lines, uniqueKeys: true});
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new InputError(file, `not valid YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`, {line: e.linePos?.[0]?.line, hint: "Fix the syntax; data/devices.example.yaml shows the layout."});
  }
  const value = doc.toJS() as unknown;
  if (!isPlainObject(value)) throw new InputError(file, `expected a mapping with a 'devices' list, found ${value === null || value === undefined ? "an empty file" : describe(value)}`, {hint: "Start from data/devices.example.yaml."});
  const top = new Fields(file, lines, doc.contents, value, "");
  top.only(["known_hosts", "accept_new_host_keys", "connect_timeout", "timeout", "devices"]);
  const base = dirname(file);
  const knownHosts = top.string("known_hosts", {what: "a file path"});
  const defaultTimeout = top.number("timeout", {min: 1, max: 7 * 86400}) ?? DEFAULT_TIMEOUT_S;
  const inventory: Inventory = {
    file,
    known_hosts: knownHosts ? resolve(base, expandHome(knownHosts)) : join(base, `${basename(file, extname(file))}.known_hosts`),
    accept_new_host_keys: top.boolean("accept_new_host_keys") ?? false,
    connect_timeout_s: top.number("connect_timeout", {min: 1, max: 600}) ?? DEFAULT_CONNECT_TIMEOUT_S,
    devices: []
  };
  const list = value.devices;
  if (!Array.isArray(list) || list.length === 0) top.fail("devices", list === undefined ? "missing; give a list of devices" : "expected a non-empty list of devices");
  const seq = isMap(doc.contents) ? doc.contents.items.find((p) => (p.key as {value?: unknown})?.value === "devices")?.value : null;
  const seen = new Map<string, number | undefined>();
  (list as unknown[]).forEach((entry, i) => {
    const node = isSeq(seq) ? ((seq.items[i] as Node) ?? null) : null;
    if (!isPlainObject(entry)) new Fields(file, lines, node, {}, `devices[${i}]`).fail(undefined, `expected a mapping (name, ssh, npm or container, ...), found ${describe(entry)}`);
    const device = parseDevice(new Fields(file, lines, node, entry as Record<string, unknown>, `devices[${i}]`), base, defaultTimeout);
    if (seen.has(device.name)) throw new InputError(file, `devices[${i}].name: '${device.name}' is used twice (first on line ${seen.get(device.name)})`, {line: device.line, hint: "Give every device its own name."});
    seen.set(device.name, device.line);
    inventory.devices.push(device);
  });
  return inventory;
}

function parseDevice(f: Fields, base: string, defaultTimeout: number): Device {
  f.only(["name", "ssh", "arch", "npm", "container", "env", "tags", "timeout"]);
  const name = f.string("name", {required: true, pattern: NAME, what: "a name of letters, digits, '.', '_' and '-' (it names the device's rows in the store)"})!;
  const ssh = f.child("ssh") ?? f.fail("ssh", "missing; give either `ssh: {alias: NAME}` (an entry of ~/.ssh/config) or `ssh: {host: ADDRESS, user: USER, port: 22, identity_file: PATH}`");
  ssh.only(["alias", "host", "user", "port", "identity_file", "options"]);
  const alias = ssh.string("alias", {pattern: /^[^\s-][^\s]*$/, what: "a Host name from ~/.ssh/config"});
  const host = ssh.string("host", {pattern: /^[^\s@-][^\s@]*$/, what: "a host name or address (put the user in `user`)"});
  if (!alias && !host) ssh.fail(undefined, "give `alias` (an entry of ~/.ssh/config) or `host`");
  if (alias && host) ssh.fail("host", "give either `alias` or `host`, not both (the alias's own HostName applies)");
  const identity = ssh.string("identity_file", {what: "a key file path"});
  const options = ssh.map("options");
  for (const k of Object.keys(options)) if (!/^[A-Za-z]+$/.test(k)) ssh.fail("options", `'${k}' is not an ssh option name (see man ssh_config)`);
  const target: SshTarget = {
    alias,
    host,
    user: ssh.string("user", {pattern: /^[A-Za-z0-9._][A-Za-z0-9._-]*$/, what: "a user name"}),
    port: ssh.number("port", {min: 1, max: 65535}),
    identity_file: identity ? resolve(base, expandHome(identity)) : undefined,
    options
  };
  const arch = f.string("arch", {what: `an architecture as uname -m prints it (${ARCHES.slice(0, 4).join(", ")}, ...)`});
  if (arch && !ARCHES.includes(arch)) f.fail("arch", `'${arch}' is not an architecture uname -m prints; expected one of ${ARCHES.join(", ")}`);
  const npm = f.child("npm");
  const container = f.child("container");
  if (npm && container) f.fail("container", "give either `npm` or `container`, not both");
  if (!npm && !container) f.fail(undefined, "say how inferscope runs there: `npm: {command: ..., dir: ...}` or `container: {engine: docker, image: ...}`");
  let run: NpmRun | ContainerRun;
  if (npm) {
    npm.only(["command", "dir"]);
    run = {mode: "npm", command: npm.string("command", {what: "a shell command that starts inferscope"}) ?? "npx --no-install inferscope", dir: npm.string("dir", {what: "a directory on the device"})};
  } else {
    const c = container!;
    c.only(["engine", "image", "gpus", "args", "command", "models"]);
    const engine = c.string("engine", {required: true, pattern: /^(docker|podman)$/, what: "docker or podman"}) as "docker" | "podman";
    // gpus: true means all of them; a string is passed on (all, 2, device=0,1).
    const gpus = c.value.gpus === true ? "all" : c.value.gpus === false ? undefined : c.string("gpus", {pattern: /^[A-Za-z0-9=,:._-]+$/, what: "true, all, a count, or device=0,1"});
    run = {
      mode: "container",
      engine,
      image: c.string("image", {required: true, pattern: /^[^\s-][^\s]*$/, what: "an image reference such as ghcr.io/you/inferscope-ort:1.30"})!,
      gpus,
      args: c.strings("args"),
      command: c.has("command") ? c.strings("command") : ["inferscope"]
    };
    const models = c.string("models", {pattern: /^(\/|~\/)[^\u0000]*$/, what: "a directory on the device: an absolute path or ~/..."});
    if (models) run.models = models;
    if (run.command.length === 0) c.fail("command", "is empty; give the command that starts inferscope in the image, e.g. [inferscope]");
  }
  const env = f.map("env");
  for (const k of Object.keys(env)) if (!ENV_NAME.test(k)) f.fail("env", `'${k}' is not an environment variable name`);
  if ("INFERSCOPE_STORE" in env) f.fail("env", "INFERSCOPE_STORE is set by fleet run (a temporary store on the device); leave it out");
  const tags = f.strings("tags");
  return {name, ssh: target, arch, run, env, tags, timeout_s: f.number("timeout", {min: 1, max: 7 * 86400}) ?? defaultTimeout, line: f.line()};
}

/** Read and check an inventory file. */
export async function loadInventory(path: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new UserError(`no device inventory at ${path}`, {hint: "Copy data/devices.example.yaml to data/devices.yaml and list your devices, or point --inventory (or INFERSCOPE_DEVICES) at one."});
    }
    throw new InputError(path, `cannot read the inventory (${code ?? (error as Error).message})`);
  }
  return parseInventory(text, path);
}

/** The devices named by --devices (all when none given); an unknown name is an error with a suggestion. */
export function selectDevices(inventory: Inventory, names?: string): Device[] {
  if (!names) return inventory.devices;
  const wanted = names.split(",").map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) throw new UserError("--devices is empty", {hint: `Name devices from ${inventory.file}: ${inventory.devices.map((d) => d.name).join(", ")}`});
  const out: Device[] = [];
  for (const w of wanted) {
    const byTag = w.startsWith("tag:") ? inventory.devices.filter((d) => d.tags.includes(w.slice(4))) : null;
    if (byTag) {
      if (byTag.length === 0) throw new UserError(`no device in ${inventory.file} has the tag '${w.slice(4)}'`, {hint: `Tags there: ${[...new Set(inventory.devices.flatMap((d) => d.tags))].join(", ") || "(none)"}`});
      for (const d of byTag) if (!out.includes(d)) out.push(d);
      continue;
    }
    const d = inventory.devices.find((x) => x.name === w);
    if (!d) throw new UserError(`no device named '${w}' in ${inventory.file}`, {hint: `Devices there: ${inventory.devices.map((x) => x.name).join(", ")} (or tag:<tag>)`});
    if (!out.includes(d)) out.push(d);
  }
  return out;
}

/** How the device is reached, for messages and provenance: alias, or user@host:port. */
export function destination(d: Device): string {
  if (d.ssh.alias) return d.ssh.alias;
  const host = d.ssh.host!.includes(":") ? `[${d.ssh.host}]` : d.ssh.host!;
  return `${d.ssh.user ? `${d.ssh.user}@` : ""}${host}${d.ssh.port ? `:${d.ssh.port}` : ""}`;
}
