// The `docker run` / `podman run` command line for a device whose inferscope lives in an image. The
// collector writes into a temporary store on the device, mounted into the container, so its Parquet
// files survive the container (--rm) and are brought back like those of an npm install.

import type {ContainerRun} from "./inventory.ts";
import {remoteVar} from "./shell.ts";

/** Where the device's temporary store is mounted inside the container. */
export const CONTAINER_STORE = "/inferscope-store";
/** Where the inventory's `models` directory is mounted inside the container. */
export const CONTAINER_MODELS = "/inferscope-models";

/** The device path of the inventory's `models` directory, `~/` being the remote user's $HOME. */
export function deviceModelsDir(run: ContainerRun): string | undefined {
  return run.models?.replace(/^~\//, `${remoteVar("HOME")}/`);
}

export interface ContainerCommandOptions {
  /** The store directory on the device (a path, or a remoteVar placeholder). */
  storeDir: string;
  /** inferscope's arguments, e.g. ["bench", "--models", "tiny_cnn"]. */
  args: readonly string[];
  /** Name of the container, so that it can be stopped by name when the run is cancelled. */
  name: string;
  env?: Readonly<Record<string, string>>;
  /** docker only: run as this uid:gid so the files in the mount belong to the SSH user (podman rootless maps them already). */
  user?: string;
}

/** GPU flags: docker's --gpus; podman's CDI device (nvidia-container-toolkit's `nvidia-ctk cdi generate`). */
export function gpuArgs(engine: ContainerRun["engine"], gpus: string | undefined): string[] {
  if (!gpus) return [];
  if (engine === "docker") return ["--gpus", gpus];
  // podman has no --gpus of its own before 5.0; CDI names GPUs nvidia.com/gpu=all or =0,=1.
  if (/^\d+$/.test(gpus)) return ["--device", "nvidia.com/gpu=all"]; // CDI has no count: all of them
  const ids = gpus === "all" ? ["all"] : gpus.replace(/^device=/, "").split(",");
  return ids.flatMap((id) => ["--device", `nvidia.com/gpu=${id}`]);
}

/** The argv of `<engine> run ... <image> <command> <args>`. */
export function containerCommand(run: ContainerRun, {storeDir, args, name, env = {}, user}: ContainerCommandOptions): string[] {
  const models = deviceModelsDir(run);
  const envArgs = Object.entries({...env, INFERSCOPE_STORE: CONTAINER_STORE, ...(models ? {INFERSCOPE_MODELS: CONTAINER_MODELS} : {}), HOME: "/tmp"}).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  return [
    run.engine,
    "run",
    "--rm",
    // An init process forwards the stop signal to inferscope and reaps its benchmark children.
    "--init",
    "--name",
    name,
    ...(run.engine === "docker" && user ? ["--user", user] : []),
    ...gpuArgs(run.engine, run.gpus),
    "-v",
    // :Z relabels the mount for SELinux hosts (Fedora, RHEL) under podman; docker needs no label here.
    `${storeDir}:${CONTAINER_STORE}${run.engine === "podman" ? ":Z" : ""}`,
    ...(models ? ["-v", `${models}:${CONTAINER_MODELS}${run.engine === "podman" ? ":Z" : ""}`] : []),
    ...envArgs,
    ...run.args,
    run.image,
    ...run.command,
    ...args
  ];
}

/** The command that stops the container by name when the run is cancelled or times out. */
export function containerStopCommand(run: ContainerRun, name: string): string[] {
  return [run.engine, "kill", name];
}

/** A container name from the fleet run and device: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
export function containerName(fleetRunId: string, device: string): string {
  return `inferscope-fleet-${fleetRunId}-${device}`.replace(/[^a-zA-Z0-9_.-]/g, "-");
}
