// Start `inferscope serve` as a child process and wait for its listening line; used by
// `collect serving` and by tests that need the real command. The child gets its own process group,
// so a Ctrl-C in the terminal reaches the parent only, which then stops the server (SIGTERM) itself.

import {join} from "node:path";
import {execa, type ResultPromise} from "execa";
import {UserError} from "../common/errors.ts";
import {PROJECT_ROOT} from "../store/store.ts";

export const CLI = join(PROJECT_ROOT, "bin", "inferscope.js");

export interface ServerProcess {
  url: string;
  port: number;
  model: string;
  pid: number;
  /** SIGTERM and wait: the trace file is complete when this resolves. */
  stop(): Promise<{exitCode: number | undefined; stderr: string}>;
}

export async function spawnServer(args: string[], {env = {}, timeoutMs = 180_000}: {env?: Record<string, string>; timeoutMs?: number} = {}): Promise<ServerProcess> {
  const child: ResultPromise = execa(process.execPath, [CLI, "serve", ...args], {reject: false, detached: true, env: {...env, FORCE_COLOR: "0"}, stdin: "ignore", buffer: {stdout: false, stderr: true}});
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {}
  };
  process.once("exit", kill);
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const line = await new Promise<{url: string; model: string}>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`inferscope serve did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          const msg = JSON.parse(out.slice(0, nl)) as {event: string; url: string; model: string};
          if (msg.event === "listening") resolve(msg);
          else reject(new Error(`unexpected first line from inferscope serve: ${out.slice(0, nl)}`));
        } catch {
          reject(new Error(`unexpected first line from inferscope serve: ${out.slice(0, nl)}`));
        }
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      reject(new UserError(`inferscope serve exited (${r.exitCode ?? r.signal}) before listening: ${stderr.trim().split("\n").slice(-2).join(" ")}`));
    });
  }).catch((error) => {
    kill();
    process.off("exit", kill);
    throw error;
  });
  let stopping: Promise<{exitCode: number | undefined; stderr: string}> | null = null;
  return {
    url: line.url,
    port: Number(new URL(line.url).port),
    model: line.model,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(kill, 20_000);
        const r = await child;
        clearTimeout(timer);
        process.off("exit", kill);
        return {exitCode: r.exitCode, stderr};
      })();
      return stopping;
    }
  };
}
