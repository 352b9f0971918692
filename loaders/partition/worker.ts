// A unit process: loads its session once, then serves "prepare batch b" and "run batch b once"
// requests from the parent over IPC until the parent disconnects. Timing the requests in the parent
// covers what a split really costs (dispatch included); each reply also carries the run's own time.
// Input: a UnitConfig as JSON in argv[2].

import {openUnitSession, type UnitSession} from "./session.ts";
import type {UnitConfig, UnitMessage, UnitRequest} from "./protocol.ts";

const send = (m: UnitMessage) => process.send!(m);
const short = (e: unknown) => ((e as Error)?.message ?? String(e)).split("\n").slice(0, 3).join(" ");

let session: UnitSession;
try {
  const config = JSON.parse(process.argv[2]) as UnitConfig;
  session = await openUnitSession(config);
  send({type: "ready", session_create_ms: session.session_create_ms});
} catch (error) {
  send({type: "failed", error: short(error)});
  process.disconnect?.();
  process.exit(2);
}

process.on("message", async (req: UnitRequest) => {
  try {
    if (req.op === "ping") send({type: "reply", id: req.id, ok: true});
    else if (req.op === "prepare") {
      session.prepare(req.batch);
      send({type: "reply", id: req.id, ok: true});
    } else send({type: "reply", id: req.id, ok: true, ms: await session.run(req.batch)});
  } catch (error) {
    send({type: "reply", id: req.id, ok: false, error: short(error)});
  }
});

// The parent closes the channel when it is done (or dies): release and leave. ORT-web keeps worker
// handles open, so exit explicitly.
process.on("disconnect", () => {
  session.release().finally(() => process.exit(0));
});
