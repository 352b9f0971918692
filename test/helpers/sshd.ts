// A throwaway OpenSSH server on 127.0.0.1 for fleet tests: its own host key and a user key made with
// ssh-keygen in a temp dir, a free port, key login only. Needs Debian's openssh-server (.ci/run
// installs it); `startSshd` says why when it cannot start one, and the test skips with that reason.

import {execa, type ResultPromise} from "execa";
import {existsSync, mkdirSync} from "node:fs";
import {readFile, rm, writeFile} from "node:fs/promises";
import {createServer} from "node:net";
import {userInfo} from "node:os";
import {join} from "node:path";
import {tempDir} from "./tmp.ts";

export const SSHD = "/usr/sbin/sshd";

export interface Sshd {
  port: number;
  user: string;
  /** Private key accepted by the server. */
  userKey: string;
  /** A known_hosts line for the server's host key. */
  knownHostsLine: string;
  dir: string;
  /** Everything sshd logged so far (-e). */
  log(): string;
  stop(): Promise<void>;
}

/** A port that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const {port} = server.address() as {port: number};
      server.close(() => resolve(port));
    });
  });
}

/** Start sshd, or return the reason it cannot run here. */
export async function startSshd(): Promise<Sshd | {skip: string}> {
  if (!existsSync(SSHD)) return {skip: `${SSHD} not found (Debian: apt-get install openssh-server)`};
  const dir = await tempDir("inferscope-sshd-");
  try {
    // sshd refuses to start without its privilege separation directory.
    if (!existsSync("/run/sshd")) mkdirSync("/run/sshd", {recursive: true, mode: 0o755});
  } catch (error) {
    return {skip: `cannot create /run/sshd (${(error as Error).message})`};
  }
  const hostKey = join(dir, "host_ed25519");
  const userKey = join(dir, "user_ed25519");
  for (const key of [hostKey, userKey]) {
    const r = await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "inferscope-test", "-f", key], {reject: false});
    if (r.exitCode !== 0) return {skip: `ssh-keygen failed: ${String(r.stderr).trim()}`};
  }
  await writeFile(join(dir, "authorized_keys"), await readFile(`${userKey}.pub`));
  const port = await freePort();
  const config = join(dir, "sshd_config");
  await writeFile(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PermitRootLogin prohibit-password",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "StrictModes no",
      "UsePAM no",
      "PidFile none",
      "MaxStartups 50:30:100",
      "Subsystem sftp internal-sftp",
      ""
    ].join("\n")
  );
  let output = "";
  const child: ResultPromise = execa(SSHD, ["-D", "-e", "-f", config], {reject: false, stdin: "ignore", buffer: false});
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  const ready = await new Promise<boolean>((resolve) => {
    const deadline = setTimeout(() => resolve(false), 15_000);
    const poll = setInterval(() => {
      if (/Server listening on 127\.0\.0\.1/.test(output)) {
        clearTimeout(deadline);
        clearInterval(poll);
        resolve(true);
      }
    }, 50);
    void child.then(() => {
      clearTimeout(deadline);
      clearInterval(poll);
      resolve(false);
    });
  });
  if (!ready) {
    child.kill("SIGTERM");
    await child;
    return {skip: `sshd did not start: ${output.trim().split("\n").slice(-3).join(" | ") || "no output"}`};
  }
  const pub = (await readFile(`${hostKey}.pub`, "utf8")).trim().split(/\s+/).slice(0, 2).join(" ");
  return {
    port,
    user: userInfo().username,
    userKey,
    knownHostsLine: `[127.0.0.1]:${port} ${pub}`,
    dir,
    log: () => output,
    async stop() {
      child.kill("SIGTERM");
      await child;
      // The keys go with the server (the exit-time cleanup does not run when a test process is killed).
      await rm(dir, {recursive: true, force: true});
    }
  };
}
