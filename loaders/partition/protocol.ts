// Messages between the parent and a unit process (IPC channel of child_process).

import type {OptLevel, RuntimeName} from "../bench/config.ts";

/** What a unit process loads, passed as JSON in argv[2]. */
export interface UnitConfig {
  runtime: RuntimeName;
  modelFile: string;
  threads: number;
  optLevel: OptLevel;
  device: number | null;
}

export type UnitRequest =
  | {id: number; op: "prepare"; batch: number}
  | {id: number; op: "run"; batch: number}
  | {id: number; op: "ping"};

export type UnitMessage =
  | {type: "ready"; session_create_ms: number}
  | {type: "failed"; error: string}
  | {type: "reply"; id: number; ok: true; ms?: number}
  | {type: "reply"; id: number; ok: false; error: string};
