// Shared by the serving tests: the test model (tiny_cnn, built into a temp dir in milliseconds),
// requests in the KServe v2 layouts, and the trace file read back with the existing importer.

import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ensureModel} from "../../../loaders/models/zoo.ts";
import {mulberry32} from "../../../loaders/common/random.ts";
import {Diagnostics} from "../../../loaders/formats/common/diagnostics.ts";
import {readTritonTraces} from "../../../loaders/formats/triton-trace/reader.ts";
import {Clock} from "../../../loaders/formats/triton-trace/parser.ts";
import type {TritonRequest} from "../../../loaders/formats/triton-trace/requests.ts";

export const MODEL = "tiny_cnn";
export const SAMPLE = 3 * 32 * 32;

let modelFile: Promise<string> | null = null;
export function testModel(): Promise<string> {
  modelFile ??= ensureModel(MODEL, {dir: mkdtempSync(join(tmpdir(), "inferscope-serve-model-"))});
  return modelFile;
}

export function inputData(batch: number, seed = 1): number[] {
  const r = mulberry32(seed);
  return Array.from({length: batch * SAMPLE}, () => Math.round(r() * 1000) / 1000);
}

/** A JSON-tensor inference request body. */
export function jsonBody(batch = 1, {id, seed = 1}: {id?: string; seed?: number} = {}): string {
  return JSON.stringify({...(id ? {id} : {}), inputs: [{name: "input", shape: [batch, 3, 32, 32], datatype: "FP32", data: inputData(batch, seed)}]});
}

/** A binary-tensor request (binary data extension): JSON header, then the raw float32 bytes. */
export function binaryBody(batch = 1, seed = 1): {body: Buffer; headers: Record<string, string>} {
  const data = Float32Array.from(inputData(batch, seed));
  const bytes = Buffer.from(data.buffer);
  const header = Buffer.from(JSON.stringify({inputs: [{name: "input", shape: [batch, 3, 32, 32], datatype: "FP32", parameters: {binary_data_size: bytes.length}}], outputs: [{name: "output", parameters: {binary_data: true}}]}));
  return {body: Buffer.concat([header, bytes]), headers: {"content-type": "application/octet-stream", "inference-header-content-length": String(header.length)}};
}

export async function infer(url: string, body: string | Buffer, headers: Record<string, string> = {"content-type": "application/json"}, model = MODEL): Promise<{status: number; json: any; raw: Buffer; headers: Headers}> {
  const r = await fetch(`${url}/v2/models/${model}/infer`, {method: "POST", body: typeof body === "string" ? body : new Uint8Array(body), headers});
  const raw = Buffer.from(await r.arrayBuffer());
  const len = r.headers.get("inference-header-content-length");
  const text = len ? raw.subarray(0, Number(len)).toString() : raw.toString();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return {status: r.status, json, raw, headers: r.headers};
}

/** The trace files read by `inferscope import triton`'s reader. */
export async function readTrace(files: string[]): Promise<{requests: TritonRequest[]; diagnostics: Diagnostics; clock: Clock}> {
  const diagnostics = new Diagnostics();
  const clock = new Clock();
  const requests: TritonRequest[] = [];
  await readTritonTraces(files, {diagnostics, clock, onRequest: (r) => requests.push(r)});
  return {requests, diagnostics, clock};
}
