import {defineCommand} from "../command.ts";
import {probeHost} from "../../host/probe.ts";

export default defineCommand({
  usage: "[--json]",
  description: "Print this machine's profile: CPU, cores, memory, OS, and which runtimes and tools are usable.",
  options: {json: {type: "boolean", description: "print JSON instead of text"}},
  positionals: false,
  async run({values}) {
    const profile = await probeHost();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
      return;
    }
    const lines = [
      `host      ${profile.host_name} (${profile.host_id})`,
      `cpu       ${profile.host_cpu}, ${profile.host_cores} logical cores${profile.cpu_flags ? ` [${profile.cpu_flags}]` : ""}`,
      `memory    ${profile.host_memory_gb} GiB`,
      `os        ${profile.host_os}`,
      `node      ${profile.host_node}`,
      "",
      ...profile.tools.map((t) => `${t.available ? "yes" : "no "}  ${t.name}${t.version ? ` ${t.version}` : ""}: ${t.detail}`)
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }
});
