import {defineCommand} from "../command.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {CancelledError, UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {inventoryPath, loadInventory, selectDevices} from "../../fleet/inventory.ts";
import {checkDevice, checkLine, mapLimit} from "../../fleet/runner.ts";

export const fleetCommonOptions = {
  inventory: {type: "string", arg: "FILE", description: "the device inventory (default: $INFERSCOPE_DEVICES or data/devices.yaml; see data/devices.example.yaml)"},
  devices: {type: "string", arg: "A,B", description: "devices to use, by name or tag:<tag> (default: every device in the inventory)"},
  "accept-new-host-keys": {type: "boolean", description: "accept a device's host key on first contact and record it in the inventory's known_hosts file (StrictHostKeyChecking=accept-new); a changed key is still refused"},
  parallel: {type: "string", arg: "N", description: "devices worked on at once", default: "8"},
  json: {type: "boolean", description: "print the result as JSON on stdout"}
} as const;

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${flag} must be a positive whole number, got '${value}'`);
  return n;
}

export default defineCommand({
  usage: "[--inventory FILE] [--devices A,B]",
  description: "Reach every device of the inventory over SSH and say, one line per device, what it has: architecture (uname -m), Node.js and npm or the container engine and image, and inferscope's version there; or why it failed (connection refused, authentication, host key, timeout, command missing).",
  details: "Exit code 0 when every device is ready, 1 otherwise.\nSSH runs with BatchMode=yes (keys or an agent; never a password prompt) and the inventory's own known_hosts file.",
  options: {
    ...fleetCommonOptions,
    timeout: {type: "string", arg: "SECONDS", description: "give up on one device after this long", default: "120"}
  },
  positionals: false,
  async run({values}) {
    const inventory = await loadInventory(inventoryPath(values.inventory));
    const devices = selectDevices(inventory, values.devices);
    const timeoutMs = positiveInt(values.timeout, "timeout", 120) * 1000;
    const width = Math.max(...devices.map((d) => d.name.length));
    log(`fleet check: ${devices.length} device${devices.length > 1 ? "s" : ""} from ${inventory.file}`);
    const cancel = cancelOnSigint("the check");
    let done = 0;
    try {
      const results = await mapLimit(devices, positiveInt(values.parallel, "parallel", 8), async (device) => {
        const r = await checkDevice(inventory, device, {timeoutMs, signal: cancel.signal, ssh: {acceptNew: values["accept-new-host-keys"]}});
        log(`fleet check: [${++done}/${devices.length}] ${device.name} ${r.ok ? "ok" : `failed: ${r.failure!.reason}`}`);
        return r;
      });
      if (cancel.signal.aborted) throw new CancelledError("fleet check cancelled");
      if (values.json) {
        const out = results.map((r) => ({device: r.device.name, ok: r.ok, arch: r.arch ?? null, node: r.node ?? null, npm: r.npm ?? null, engine: r.engine ?? null, inferscope: r.inferscope ?? null, error_code: r.failure?.code ?? null, error: r.failure?.reason ?? null, hint: r.failure?.hint ?? null, duration_s: r.durationMs / 1000}));
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        for (const r of results) process.stdout.write(`${checkLine(r, width)}\n`);
        for (const r of results) if (r.failure?.hint) log(`  ${r.device.name}: ${r.failure.hint}`);
      }
      const failed = results.filter((r) => !r.ok).length;
      log(`fleet check: ${results.length - failed} of ${results.length} ready`);
      return failed ? 1 : 0;
    } finally {
      cancel.dispose();
    }
  }
});
