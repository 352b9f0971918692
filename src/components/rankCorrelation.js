// Spearman's rank correlation: Pearson's correlation of the ranks (ties get their average rank).
import {mean, sum} from "d3-array";

export function ranks(values) {
  const order = values.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
  const r = new Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's rho of paired values; NaN with fewer than 3 pairs or no variation. */
export function spearman(x, y) {
  if (x.length !== y.length || x.length < 3) return NaN;
  const rx = ranks(x);
  const ry = ranks(y);
  const mx = mean(rx);
  const my = mean(ry);
  const cov = sum(rx, (v, i) => (v - mx) * (ry[i] - my));
  const vx = sum(rx, (v) => (v - mx) ** 2);
  const vy = sum(ry, (v) => (v - my) ** 2);
  return vx && vy ? cov / Math.sqrt(vx * vy) : NaN;
}
