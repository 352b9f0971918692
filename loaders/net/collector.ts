// Runs bpftrace with one of the `trace net` scripts in the background, writing its output to a log
// file, until stopped (SIGINT, as a user would press Ctrl-C: bpftrace then runs END and exits).
// The log is the text the bpftrace importer reads.

import {createWriteStream, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {execa, type ResultPromise} from "execa";
import {bpftraceBin} from "./capability.ts";
import {scriptText, type NetScript} from "./scripts.ts";

export interface NetTrace {
  log: string;
  pid: number;
  /** Stop bpftrace and wait until the log is complete. */
  stop(): Promise<{exitCode: number | undefined; stderr: string}>;
}

export async function startNetTrace({port, log, script, readyTimeoutMs = 60_000}: {port: number; log: string; script: NetScript; readyTimeoutMs?: number}): Promise<NetTrace> {
  const dir = mkdtempSync(join(tmpdir(), "inferscope-net-"));
  const file = join(dir, `${script}.bt`);
  writeFileSync(file, scriptText(script));
  const out = createWriteStream(log);
  // Its own process group: a Ctrl-C in the terminal reaches inferscope, which stops bpftrace itself.
  const child: ResultPromise = execa(bpftraceBin(), [file, String(port)], {reject: false, buffer: {stdout: false, stderr: true}, stdin: "ignore", detached: true});
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  let seen = "";
  let started = false;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bpftrace did not start within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);
    child.stdout?.on("data", (c: Buffer) => {
      out.write(c);
      if (!started) {
        seen += c.toString();
        if (/^Tracing TCP port/m.test(seen)) {
          started = true;
          clearTimeout(timer);
          seen = "";
          resolve();
        }
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      const why = (stderr || String(r.stderr ?? "")).split("\n").filter((l) => l.trim() && !/RLIMIT_MEMLOCK/.test(l)).slice(-2).join(" ").trim();
      reject(new Error(`bpftrace exited (${r.exitCode ?? r.signal}) before tracing: ${why || "no message"}`));
    });
  });
  const cleanup = () => rmSync(dir, {recursive: true, force: true});
  const killNow = () => {
    try {
      child.kill("SIGKILL");
    } catch {}
  };
  process.once("exit", killNow);
  try {
    await ready;
  } catch (error) {
    killNow();
    await child.catch(() => undefined);
    out.end();
    cleanup();
    process.off("exit", killNow);
    throw error;
  }
  let stopping: Promise<{exitCode: number | undefined; stderr: string}> | null = null;
  return {
    log,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        // bpftrace polls its perf buffers about every 100 ms and does not drain them on SIGINT:
        // give it time to print the events already captured.
        await new Promise((r) => setTimeout(r, 300));
        // SIGINT as Ctrl-C would; SIGTERM (handled the same way) if it is ignored; SIGKILL last.
        child.kill("SIGINT");
        const term = setTimeout(() => child.kill("SIGTERM"), 3_000);
        const timer = setTimeout(killNow, 15_000);
        const r = await child;
        clearTimeout(term);
        clearTimeout(timer);
        await new Promise<void>((resolve) => out.end(() => resolve()));
        cleanup();
        process.off("exit", killNow);
        return {exitCode: r.exitCode, stderr: stderr.split("\n").filter((l) => !/RLIMIT_MEMLOCK/.test(l)).join("\n").trim()};
      })();
      return stopping;
    }
  };
}
