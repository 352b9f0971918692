// An overview strip of a trace (requests started per time bin) that acts as an input: drag across it
// to choose a time window, click without dragging to go back to the whole trace. Its value is
// [from, to] in the strip's x units; it sends "input" events, so view() or Generators.input use it.
// It sizes itself to its container and keeps the chosen window when it redraws.
import * as Plot from "@observablehq/plot";

/**
 * @param bins [{x1, x2, n}] counts per bin
 * @param domain [from, to] of the whole trace
 * @param value the window shown first (default: the whole domain)
 */
export function timeBrush(bins, {domain, value = domain, height = 64, label = "µs from the first request", marginLeft = 130, marginRight = 20} = {}) {
  const root = document.createElement("div");
  root.className = "time-brush";
  root.dataset.timeBrush = "";
  root.value = [value[0], value[1]];
  let drawnWidth = 0;

  function draw(width) {
    drawnWidth = width;
    const chart = Plot.plot({
      width,
      height,
      marginLeft,
      marginRight,
      marginBottom: 30,
      x: {domain, label},
      y: {axis: null},
      marks: [Plot.rectY(bins, {x1: "x1", x2: "x2", y: "n", fill: "currentColor", fillOpacity: 0.45}), Plot.ruleY([0])]
    });
    const x = Plot.scale({x: chart.scale("x")});
    const [r0, r1] = chart.scale("x").range;
    const ns = "http://www.w3.org/2000/svg";
    const sel = document.createElementNS(ns, "rect");
    sel.setAttribute("y", "2");
    sel.setAttribute("height", String(height - 30));
    sel.setAttribute("fill", "var(--theme-foreground-focus)");
    sel.setAttribute("fill-opacity", "0.18");
    sel.setAttribute("stroke", "var(--theme-foreground-focus)");
    sel.setAttribute("pointer-events", "none");
    chart.append(sel);
    const show = ([a, b]) => {
      const p0 = x.apply(a);
      const p1 = x.apply(b);
      sel.setAttribute("x", String(Math.min(p0, p1)));
      sel.setAttribute("width", String(Math.max(1, Math.abs(p1 - p0))));
    };
    show(root.value);
    const pxOf = (event) => {
      const box = chart.getBoundingClientRect();
      const p = ((event.clientX - box.left) * width) / box.width;
      return Math.min(Math.max(p, r0), r1);
    };
    let start = null;
    chart.style.cursor = "crosshair";
    chart.style.touchAction = "none";
    chart.addEventListener("pointerdown", (event) => {
      start = pxOf(event);
      chart.setPointerCapture(event.pointerId);
    });
    chart.addEventListener("pointermove", (event) => {
      if (start === null) return;
      const p = pxOf(event);
      show([x.invert(Math.min(start, p)), x.invert(Math.max(start, p))]);
    });
    chart.addEventListener("pointerup", (event) => {
      if (start === null) return;
      const p = pxOf(event);
      const [a, b] = [Math.min(start, p), Math.max(start, p)];
      start = null;
      root.value = b - a < 3 ? [domain[0], domain[1]] : [x.invert(a), x.invert(b)];
      show(root.value);
      root.dispatchEvent(new Event("input", {bubbles: true}));
    });
    root.replaceChildren(chart);
  }

  draw(640);
  new ResizeObserver(([entry]) => {
    const width = Math.floor(entry.contentRect.width);
    if (width > 0 && width !== drawnWidth) draw(width);
  }).observe(root);
  return root;
}
