// trtexec profile entries (+ optional layer info) -> op_profiles rows, one per layer, averaged over
// the profiled iterations ("count"). trtexec reports each layer once per iteration, so executions is 1,
// or 0 for layers that recorded no time at all (constants and shape layers that run no kernel).

import type {Diagnostics} from "../common/diagnostics.ts";
import {shapesJson, type ParsedOpRow} from "../../ops/profile-rows.ts";
import type {TrtLayerInfo} from "./layer-info.ts";
import {trailingActivation, trtOpType} from "./layer-names.ts";
import type {TrtProfileTokens} from "./tokenizer.ts";

export function parseTrtProfile(tokens: TrtProfileTokens, diagnostics: Diagnostics, layerInfo?: Map<string, TrtLayerInfo>): ParsedOpRow[] {
  const rows: ParsedOpRow[] = [];
  tokens.layers.forEach((l, i) => {
    const info = layerInfo?.get(l.name);
    if (layerInfo && !info) diagnostics.add("layer_not_in_layer_info", "warning", "a profiled layer is missing from the layer info file (were both exported from the same engine?)", {line: l.line ?? undefined});
    const avgMs = l.averageMs ?? (l.timeMs !== null && tokens.count > 0 ? l.timeMs / tokens.count : null);
    if (avgMs === null) diagnostics.add("no_layer_time", "warning", "a layer has no usable time (nan or missing); it was counted as 0", {line: l.line ?? undefined});
    const idle = (l.timeMs ?? 0) === 0 && (avgMs ?? 0) === 0;
    const opType = trtOpType(l.name);
    rows.push({
      format: "trtexec-profile",
      run_index: null,
      runs_averaged: tokens.count,
      scope: "node",
      parent_node: null,
      node_index: i,
      node_name: l.name,
      op_type: opType,
      kernel: info?.layerType ?? l.name,
      provider: null,
      fused_domain: null,
      fused_activation: info?.activation ?? trailingActivation(opType),
      duration_us: (avgMs ?? 0) * 1000,
      host_duration_us: null,
      median_us: l.medianMs === null ? null : l.medianMs * 1000,
      executions: idle ? 0 : 1,
      share_pct: l.percentage,
      input_shapes: shapesJson(info?.inputs),
      output_shapes: shapesJson(info?.outputs),
      activation_bytes: null,
      parameter_bytes: info?.parameterBytes ?? null,
      output_bytes: null,
      start_us: null
    });
  });
  const idle = rows.filter((r) => r.executions === 0).length;
  if (idle > 0) diagnostics.add("idle_layers", "info", "layers with zero recorded time were kept with executions = 0", {count: idle});
  return rows;
}
