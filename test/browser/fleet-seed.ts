// Fleet results for the browser test, for real: a throwaway sshd on 127.0.0.1, two "devices" that run
// inferscope from this checkout over SSH, and a third on a closed port (recorded as failed). tiny_cnn
// only, so the other pages' checks see the same models and configurations as before.
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {BIN, cli} from "../helpers/cli.ts";
import {freePort, startSshd} from "../helpers/sshd.ts";

export async function seedFleet(store: string): Promise<void> {
  const sshd = await startSshd();
  if ("skip" in sshd) throw new Error(`seeding fleet results needs an OpenSSH server (.ci/run installs openssh-server): ${sshd.skip}`);
  try {
    const target = `{host: 127.0.0.1, user: ${sshd.user}, port: ${sshd.port}, identity_file: ${sshd.userKey}}`;
    const inventory = join(store, "fleet-devices.yaml");
    await writeFile(
      inventory,
      `devices:
  - {name: board-a, ssh: ${target}, arch: x86_64, tags: [cpu], npm: {command: "node ${BIN}"}}
  - {name: board-b, ssh: ${target}, arch: x86_64, tags: [cpu], npm: {command: "node ${BIN}"}}
  - {name: offline-board, ssh: {host: 127.0.0.1, port: ${await freePort()}}, tags: [gpu], npm: {}}
`
    );
    await writeFile(join(store, "fleet-devices.known_hosts"), `${sshd.knownHostsLine}\n`);
    const run = async (args: string[], expected: number) => {
      const r = await cli(["fleet", "run", "--inventory", inventory, ...args], {env: {INFERSCOPE_STORE: store}});
      if (r.code !== expected) throw new Error(`seeding the store: inferscope fleet run ${args.join(" ")} exited ${r.code}, expected ${expected}:\n${r.stderr}`);
    };
    await run(["--devices", "board-a,board-b,offline-board", "--", "bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--runs", "5"], 1);
    await run(["--devices", "board-a,board-b", "--", "profile", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--runs", "3", "--warmup", "2", "--skip-roofline"], 0);
  } finally {
    await sshd.stop();
  }
}
