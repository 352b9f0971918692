// Which batch sizes a profile measures. Like the reference study: 1, then every power of two and its
// two neighbours (2^n - 1, 2^n, 2^n + 1) up to the largest batch, where runtimes often change kernels
// or tiling. inferscope also measures the largest batch itself, so each unit's whole-batch time is
// measured rather than extrapolated. Held-out sizes sit between the grid points (1.5 x 2^n) and are
// measured only to check how far the interpolation is off; the planners never see them.

export function profileSizes(maxBatch: number): number[] {
  const sizes = new Set<number>([1, maxBatch]);
  for (let p = 2; p - 1 <= maxBatch; p *= 2) for (const b of [p - 1, p, p + 1]) if (b >= 1 && b <= maxBatch) sizes.add(b);
  return [...sizes].sort((a, b) => a - b);
}

/** Up to `count` sizes between grid points, spread over the range (largest first). */
export function holdoutSizes(maxBatch: number, count: number): number[] {
  if (count <= 0) return [];
  const grid = new Set(profileSizes(maxBatch));
  const candidates: number[] = [];
  for (let p = 4; (3 * p) / 2 < maxBatch; p *= 2) if (!grid.has((3 * p) / 2)) candidates.push((3 * p) / 2);
  if (candidates.length <= count) return candidates;
  // Evenly spaced picks over the candidates, always keeping the largest.
  const picks = new Set<number>();
  for (let i = 0; i < count; i++) picks.add(candidates[Math.round(((candidates.length - 1) * (count - 1 - i)) / Math.max(1, count - 1))]);
  return [...picks].sort((a, b) => a - b);
}
