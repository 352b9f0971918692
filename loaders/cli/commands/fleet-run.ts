import {defineCommand} from "../command.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {unattended} from "../../history/session.ts";
import {runFleet, resultLine} from "../../fleet/collect.ts";
import {destination, inventoryPath, loadInventory, selectDevices} from "../../fleet/inventory.ts";
import {collectorCommand} from "../../fleet/remote.ts";
import {sshArgs} from "../../fleet/ssh.ts";
import {shellCommand} from "../../fleet/shell.ts";
import {storeRoot} from "../../store/store.ts";
import {COMMANDS} from "../registry.ts";
import {closest} from "../suggest.ts";
import {fleetCommonOptions, positiveInt} from "./fleet-check.ts";

/** The inferscope command given after `--`: a known command that writes to the store, never fleet itself. */
function checkArgs(rest: string[]): void {
  if (rest.length === 0) throw new UserError("give the command to run on the devices after --", {hint: "e.g. inferscope fleet run --devices a,b -- bench --models tiny_cnn --runtimes ort-cpu"});
  const words = rest.slice(0, 2).filter((w) => !w.startsWith("-"));
  const known = COMMANDS.find((c) => c.name === words.join(" ")) ?? COMMANDS.find((c) => c.name === words[0]);
  if (!known) {
    const guess = closest(rest[0], [...new Set(COMMANDS.map((c) => c.name.split(" ")[0]))]);
    throw new UserError(`'${rest[0]}' is not an inferscope command`, {hint: `${guess ? `Did you mean \`-- ${guess}\`? ` : ""}Run a collector there, e.g. \`-- bench ...\` or \`-- profile ...\` (see inferscope --help).`});
  }
  if (known.name.startsWith("fleet")) throw new UserError("fleet run cannot run fleet commands on the devices");
}

export default defineCommand({
  usage: "[--devices A,B] [--inventory FILE] [--timeout SECONDS] -- <inferscope command and options>",
  description: "Run an inferscope collector on every device of the inventory at once over SSH (inferscope installed there with npm, or inside a docker/podman image), each into a temporary store on the device; bring the stores back and merge them here, each run keeping the device's host fingerprint and recorded with the device's name (dataset fleet_devices). A device that fails or times out is recorded as failed; the others' results land.",
  details: [
    "Examples:",
    "  inferscope fleet run --devices nano,rpi4 -- bench --models mobilenet_v1 --runtimes ort-cpu",
    "  inferscope fleet run --devices tag:gpu -- profile --models resnet50",
    "Progress from each device is shown on stderr, prefixed with its name; one line per device on stdout at the end.",
    "Exit code 0 when every device succeeded, 1 when any failed. Ctrl-C stops the work on every device and writes nothing.",
    "--dry-run prints the ssh command and the command line each device would run (for containers, the full docker/podman run)."
  ].join("\n"),
  options: {
    ...fleetCommonOptions,
    timeout: {type: "string", arg: "SECONDS", description: "give up on a device after this long (default: the device's `timeout` in the inventory, else 3600)"},
    "dry-run": {type: "boolean", description: "print what would run on each device and stop"},
    log: {type: "boolean", description: "also write everything printed to data/logs/<run_id>.log (as INFERSCOPE_LOG=1 does)"}
  },
  positionals: false,
  async run({values, rest}) {
    checkArgs(rest);
    const inventory = await loadInventory(inventoryPath(values.inventory));
    const devices = selectDevices(inventory, values.devices);
    const timeoutS = values.timeout === undefined ? undefined : positiveInt(values.timeout, "timeout", 3600);
    const parallel = positiveInt(values.parallel, "parallel", 8);
    if (values["dry-run"]) {
      for (const d of devices) {
        const {command} = collectorCommand(d, rest, "DRYRUN");
        process.stdout.write(`${d.name}: ${shellCommand(["ssh", ...sshArgs(inventory, d, {acceptNew: values["accept-new-host-keys"]})])} ...\n  on the device, in a temporary store "$store": ${command.replace(/^exec /, "")}\n`);
      }
      return 0;
    }
    return unattended("fleet run", {log: values.log}, async (session) => {
      await session.begin();
      log(`fleet run: inferscope ${rest.join(" ")} on ${devices.length} device${devices.length > 1 ? "s" : ""} (${devices.map((d) => d.name).join(", ")}), at most ${parallel} at once, into ${storeRoot()}`);
      const cancel = cancelOnSigint("the fleet run");
      try {
        const {run, results} = await runFleet({inventory, devices, args: rest, timeoutS, parallel, acceptNew: values["accept-new-host-keys"], signal: cancel.signal});
        const width = Math.max(...results.map((r) => r.device.name.length));
        if (values.json) {
          const out = {
            run_id: run.run_id,
            devices: results.map((r) => ({device: r.device.name, destination: destination(r.device), status: r.status, arch: r.arch ?? null, exit_code: r.exitCode ?? null, error_code: r.failure?.code ?? null, error: r.failure?.reason ?? null, runs: r.merged, duration_s: r.durationMs / 1000}))
          };
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        } else {
          for (const r of results) process.stdout.write(`${resultLine(r, width)}\n`);
        }
        for (const r of results) if (r.failure?.hint) log(`  ${r.device.name}: ${r.failure.hint}`);
        const failed = results.filter((r) => r.status !== "ok").length;
        const rows = results.reduce((a, r) => a + r.merged.reduce((b, m) => b + m.rows, 0), 0);
        log(`fleet run: ${results.length - failed} of ${results.length} devices ok, ${rows} rows merged, run ${run.run_id}`);
        return failed ? 1 : 0;
      } finally {
        cancel.dispose();
      }
    });
  }
});
