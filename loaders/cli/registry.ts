// Every CLI command: its name (one or two words), a one-line summary for `inferscope --help`,
// and a lazy loader so that `--help` and quick commands do not import ONNX Runtime or DuckDB.

import type {CommandSpec} from "./command.ts";

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<{default: CommandSpec<any>}>;
}

export const COMMANDS: CommandEntry[] = [
  {name: "host", summary: "print this machine's profile: CPU, memory, OS, runtimes and tools found", load: () => import("./commands/host.ts")},
  {name: "store list", summary: "list the datasets in the store with their row and file counts", load: () => import("./commands/store-list.ts")},
];
