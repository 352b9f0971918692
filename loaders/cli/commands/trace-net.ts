import {mkdirSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {execa} from "execa";
import {defineCommand} from "../command.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {storeImport} from "../../formats/common/store-import.ts";
import {detectNetCapability} from "../../net/capability.ts";
import {startNetTrace, type NetTrace} from "../../net/collector.ts";
import {readNetLog} from "../../net/import.ts";
import {NET_SCRIPTS, type NetScript} from "../../net/scripts.ts";
import {netEvents} from "../../store/datasets.ts";

export default defineCommand({
  usage: "[--port <n>] [--out <log>] [--script auto|kprobe|tracepoint|syscall] -- <command ...>",
  description:
    "Run a command while bpftrace records the TCP sends and receives on a port (the reference's kprobe:tcp_sendmsg/tcp_recvmsg script where kprobes work, else sock tracepoints, else syscall tracepoints with the fd resolved to its socket), then parse the log into the store (net_events), counting lost events. Without root, bpftrace or kernel support it says why in one line and still runs the command.",
  options: {
    port: {type: "string", arg: "N", default: "0", description: "keep only connections with this port at either end (0: every TCP connection)"},
    out: {type: "string", arg: "LOG", default: "net.log", description: "where bpftrace's output goes"},
    script: {type: "string", arg: "S", default: "auto", description: "auto (kprobes where they work, else the sock tracepoints of Linux 6.4+, else syscall tracepoints), kprobe, tracepoint or syscall"},
    "no-store": {type: "boolean", description: "keep the log only, write no store rows"},
    json: {type: "boolean", description: "print the result (events, lost events, script, run id) as JSON"}
  },
  details: [
    "Only connections opened while tracing are seen with the tracepoint script: start the client inside the command. The kprobe and syscall scripts see every connection.",
    "Example: inferscope trace net --port 8000 --out net.log -- inferscope load --url http://127.0.0.1:8000 --model tiny_cnn --concurrency 1:4 --out perf.csv"
  ].join("\n"),
  async run({values, positionals, rest}) {
    const command = [...positionals, ...rest];
    if (command.length === 0) throw new UserError("trace net: give the command to run after --", {hint: "e.g. inferscope trace net --port 8000 -- curl http://127.0.0.1:8000/v2"});
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port: ${JSON.stringify(values.port)} is not a port`);
    const wanted = values.script;
    if (wanted !== "auto" && !NET_SCRIPTS.includes(wanted as NetScript)) throw new UserError(`--script: ${JSON.stringify(wanted)} is not auto, ${NET_SCRIPTS.join(", ")}`);
    const out = resolve(values.out ?? "net.log");
    const cap = await detectNetCapability({only: wanted === "auto" ? undefined : (wanted as NetScript)});
    const script: NetScript | null = cap.ok ? cap.script : null;
    // A script asked for that does not work here gives way to the next one that does, said so.
    if (script && wanted !== "auto" && script !== wanted) log(`trace net: --script ${wanted}, but ${wanted === "kprobe" ? cap.kprobeReason : cap.reason}; using the ${script} script`);
    let trace: NetTrace | null = null;
    if (!cap.ok || script === null) log(`trace net: no network trace: ${cap.reason}; running the command without it`);
    else {
      mkdirSync(dirname(out), {recursive: true});
      try {
        trace = await startNetTrace({port, log: out, script});
        log(`trace net: bpftrace (${script} script) recording TCP${port ? ` port ${port}` : ""} into ${out}`);
      } catch (error) {
        log(`trace net: no network trace: ${(error as Error).message}; running the command without it`);
      }
    }
    // The command gets the terminal; a Ctrl-C reaches it, and bpftrace (its own process group) is stopped below.
    const onInt = () => undefined;
    process.on("SIGINT", onInt);
    let code: number;
    try {
      const r = await execa(command[0], command.slice(1), {stdio: "inherit", reject: false});
      code = r.exitCode ?? (r.signal ? 128 + 2 : 1);
      if (r.failed && r.exitCode === undefined && !r.signal) log(`trace net: the command could not run: ${r.shortMessage}`);
    } finally {
      process.off("SIGINT", onInt);
    }
    if (!trace) return code;
    const stopped = await trace.stop();
    const {rows, lostEvents, diagnostics} = readNetLog(out);
    for (const line of diagnostics.format(out)) log(line);
    log(`trace net: ${rows.length} events${lostEvents ? `, ${lostEvents} LOST (bpftrace's buffer overflowed)` : ", none lost"}${stopped.exitCode ? ` (bpftrace exited ${stopped.exitCode}: ${stopped.stderr.split("\n").slice(-1)[0]})` : ""}`);
    let runId: string | null = null;
    if (!values["no-store"]) {
      const result = await storeImport({kind: "trace net", config: {port, script, command}, sourceFile: out, format: "bpftrace-text", writes: [{dataset: netEvents, rows}], diagnostics});
      runId = result.run_id;
    }
    if (values.json) process.stdout.write(`${JSON.stringify({log: out, script, events: rows.length, lost_events: lostEvents, run_id: runId, exit_code: code})}\n`);
    return code;
  }
});
