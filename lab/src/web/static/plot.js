// Small SVG drawing helpers shared by both pages: elements, scales, axes, line charts.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

// An SVG element with attributes, appended to `parent` when given.
function svgEl(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

function clear(svg) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
}

// A linear or logarithmic map from [d0, d1] to [r0, r1].
function scale(d0, d1, r0, r1, log = false) {
  const f = log ? Math.log10 : (v) => v;
  const a = f(d0), b = f(d1);
  const span = b - a || 1;
  return (v) => r0 + ((f(v) - a) / span) * (r1 - r0);
}

// About `n` round tick values between lo and hi.
function ticks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

// Powers of ten between lo and hi (thinned to at most 7), with 2 and 5 times them when the
// range spans less than two decades.
function logTicks(lo, hi) {
  const out = [];
  const few = Math.log10(hi / lo) < 2;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of few ? [1, 2, 5] : [1]) {
      const v = m * Math.pow(10, e);
      if (v >= lo && v <= hi) out.push(+v.toPrecision(6));
    }
  }
  const every = Math.ceil(out.length / 7);
  return out.filter((_, i) => i % every === 0);
}

function tickText(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(+v.toPrecision(4));
}

// A box with margins for axes: {left, top, right, bottom} in pixels of the SVG's viewBox.
function plotBox(svg, margin = { l: 56, t: 14, r: 12, b: 38 }) {
  const [, , w, h] = svg.getAttribute("viewBox").split(" ").map(Number);
  return { left: margin.l, top: margin.t, right: w - margin.r, bottom: h - margin.b, width: w, height: h };
}

// Axes with ticks and labels; returns nothing. `sx`, `sy` map data to pixels.
function drawAxes(svg, box, sx, sy, xt, yt, xLabel, yLabel) {
  const g = svgEl("g", { class: "axes" }, svg);
  svgEl("rect", { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top, class: "frame" }, g);
  for (const v of xt) {
    const x = sx(v);
    svgEl("line", { x1: x, x2: x, y1: box.bottom, y2: box.bottom + 4 }, g);
    svgEl("text", { x, y: box.bottom + 16, "text-anchor": "middle" }, g).textContent = tickText(v);
  }
  for (const v of yt) {
    const y = sy(v);
    svgEl("line", { x1: box.left - 4, x2: box.left, y1: y, y2: y }, g);
    svgEl("text", { x: box.left - 6, y: y + 4, "text-anchor": "end" }, g).textContent = tickText(v);
  }
  svgEl("text", { x: (box.left + box.right) / 2, y: box.height - 4, "text-anchor": "middle", class: "label" }, g).textContent = xLabel;
  const yl = svgEl("text", { x: 12, y: (box.top + box.bottom) / 2, "text-anchor": "middle", class: "label", transform: `rotate(-90 12 ${(box.top + box.bottom) / 2})` }, g);
  yl.textContent = yLabel;
}

// A clip path for the plot area, so lines leaving it are cut at its edge; returns its url().
function clipTo(svg, box, id) {
  const defs = svgEl("defs", {}, svg);
  const clip = svgEl("clipPath", { id }, defs);
  svgEl("rect", { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top }, clip);
  return `url(#${id})`;
}

// The `d` of a polyline through the points (pixels), skipping non-finite ones.
function pathData(points, sx, sy) {
  let d = "", pen = "M";
  for (const [x, y] of points) {
    const px = sx(x), py = sy(y);
    if (!Number.isFinite(px) || !Number.isFinite(py)) { pen = "M"; continue; }
    d += `${pen}${px.toFixed(1)} ${py.toFixed(1)}`;
    pen = "L";
  }
  return d;
}

// A line chart: series = [{name, color, points: [[x, y], …], markers, dashed}];
// opts = {xLabel, yLabel, logY, xMin, xMax (widen the x range), xTicks, yMin, yMax, id}. Log charts drop points ≤ 0.
function lineChart(svg, series, opts) {
  clear(svg);
  const box = plotBox(svg);
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!opts.logY || y > 0));
  if (pts.length === 0) {
    svgEl("text", { x: box.width / 2, y: box.height / 2, "text-anchor": "middle", class: "empty" }, svg).textContent = opts.empty || "no data yet";
    return;
  }
  let [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
  if (opts.xMin !== undefined) x0 = Math.min(x0, opts.xMin);
  if (opts.xMax !== undefined) x1 = Math.max(x1, opts.xMax);
  if (opts.yMin !== undefined) y0 = opts.yMin;
  if (opts.yMax !== undefined) y1 = opts.yMax;
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 = opts.logY ? y0 / 2 : y0 - 1; y1 = opts.logY ? y1 * 2 : y1 + 1; }
  const sx = scale(x0, x1, box.left, box.right);
  const sy = scale(y0, y1, box.bottom, box.top, opts.logY);
  drawAxes(svg, box, sx, sy, opts.xTicks || ticks(x0, x1), opts.logY ? logTicks(y0, y1) : ticks(y0, y1), opts.xLabel, opts.yLabel);
  const clip = clipTo(svg, box, `${opts.id || "chart"}-clip`);
  const g = svgEl("g", { "clip-path": clip }, svg);
  for (const s of series) {
    const points = opts.logY ? s.points.filter((p) => p[1] > 0) : s.points;
    svgEl("path", { d: pathData(points, sx, sy), stroke: s.color, class: "series" + (s.dashed ? " dashed" : ""), "data-name": s.name, "data-count": points.length }, g);
    if (s.markers) for (const [x, y] of points) svgEl("circle", { cx: sx(x), cy: sy(y), r: 3, fill: s.color }, g);
  }
}
