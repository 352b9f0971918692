import {readInput} from "../../formats/common/read-input.ts";
import {defineCommand} from "../command.ts";
import {redactOption} from "../../history/redact.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {Diagnostics} from "../../formats/common/diagnostics.ts";
import {storeImport} from "../../formats/common/store-import.ts";
import {parseBpftraceLog} from "../../formats/bpftrace/parser.ts";
import {netEvents} from "../../store/datasets.ts";

export default defineCommand({
  usage: "<log> [--json]",
  description:
    "Import a bpftrace network log (the tcp_sendmsg/tcp_recvmsg script's output, text or -f json) into the store: one net_events row per send or receive, IPv4 and IPv6. 'Lost N events' lines are counted and reported.",
  options: {json: {type: "boolean", description: "print the import result as JSON"}, redact: redactOption},
  details: "Line format: TIME PID COMM SADDR:SPORT DADDR:DPORT [TIME_NS] <tag ending in SEND or RCV> [BYTES]\nExample: inferscope import bpftrace net.log",
  async run({values, positionals}) {
    if (positionals.length !== 1) throw new UserError("import bpftrace: give one log file", {hint: "Usage: inferscope import bpftrace <log>"});
    const file = positionals[0];
    const text = (await readInput(file)).toString("utf8");
    const diagnostics = new Diagnostics();
    const {rows, lostEvents, format} = parseBpftraceLog(text, {file, diagnostics});
    for (const line of diagnostics.format(file)) log(line);
    if (lostEvents > 0) log(`warning: ${file}: bpftrace lost ${lostEvents} events; the network timeline has gaps`);
    const result = await storeImport({
      kind: "import bpftrace",
      config: {file, format},
      sourceFile: file,
      format: `bpftrace-${format}`,
      writes: [{dataset: netEvents, rows}],
      diagnostics,
      redact: values.redact
    });
    if (values.json) process.stdout.write(`${JSON.stringify({...result, lost_events: lostEvents}, null, 2)}\n`);
    else process.stdout.write(`imported ${rows.length} network events from ${file} (${format}; ${lostEvents} lost) (run ${result.run_id})\n`);
  }
});
