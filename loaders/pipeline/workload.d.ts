// Types of workload.js (plain JavaScript so worker threads can load it).
export interface TopK {
  cls: number;
  p: number;
}
export interface PipelineSession {
  channels: number;
  height: number;
  width: number;
  run(data: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}
export function makeImage(index: number, width: number, height: number): Uint8Array;
export function preprocess(rgb: Uint8Array, width: number, height: number, channels: number, outH: number, outW: number): Float32Array;
export function postprocess(scores: ArrayLike<number>, k?: number): TopK[];
export function openPipelineSession(o: {modelFile: string; threads?: number; optLevel?: string; provider?: string}): Promise<PipelineSession>;
