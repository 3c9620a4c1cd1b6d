// The surfaces page: choose a surface, click the contour plot to set the start, tick
// optimizers and move their sliders; the paths and the loss curves redraw as the server
// answers (POST /api/paths, the numbers of `trajectories --json`).
"use strict";

const Surfaces = (() => {
  // How each option's slider maps its position (0…1000) to a value: log scales where the
  // range spans decades; "oneminus" is a log scale of 1 − v (β2 = 0.9, 0.99, 0.999 equally apart).
  const SLIDERS = {
    lr: { kind: "log", lo: 1e-4, hi: 10 },
    eps: { kind: "log", lo: 1e-12, hi: 1 },
    momentum: { kind: "oneminus", lo: 1e-3, hi: 1 },
    beta1: { kind: "oneminus", lo: 1e-3, hi: 1 },
    gamma: { kind: "oneminus", lo: 1e-4, hi: 1 },
    beta2: { kind: "oneminus", lo: 1e-4, hi: 1 },
  };
  const SYMBOLS = { lr: "λ", momentum: "μ", gamma: "γ", beta1: "β1", beta2: "β2", eps: "ε", weight_decay: "decay" };
  const RES = 1000;

  const state = {
    surfaces: [], optimizers: [], surface: null, start: [0, 0], steps: 2000, noise: 0, seed: 0,
    opt: {}, // name → {enabled, form, values: {id: text}}
    paths: [], seq: 0, abort: null, inputAt: null, timer: null, timings: [], animating: false,
  };
  const $ = (id) => document.getElementById(id);

  // Position t in [0, 1] ↔ u on a log scale from lo to hi; v = u ("log") or v = 1 − u
  // ("oneminus", whose slider runs from v = 0 on the left to v = 1 − lo on the right).
  function toValue(spec, pos) {
    const t = spec.kind === "log" ? pos / RES : 1 - pos / RES;
    const u = +Math.pow(10, Math.log10(spec.lo) + t * (Math.log10(spec.hi) - Math.log10(spec.lo))).toPrecision(3);
    return String(spec.kind === "log" ? u : +(1 - u).toPrecision(6));
  }
  function toPos(spec, text) {
    const v = Number(text);
    const u = spec.kind === "log" ? v : 1 - v;
    const t = u > 0 ? (Math.log10(u) - Math.log10(spec.lo)) / (Math.log10(spec.hi) - Math.log10(spec.lo)) : 0;
    const clamped = Math.min(1, Math.max(0, t));
    return Math.round((spec.kind === "log" ? clamped : 1 - clamped) * RES);
  }

  // A value as the slider shows it: 1e-8, not 0.00000001.
  function shown(text) {
    const v = Number(text);
    return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : text;
  }

  function formOf(name, form) {
    const o = state.optimizers.find((o) => o.name === name);
    return o.forms.find((f) => f.form === form) || o.forms[0];
  }
  function setDefaults(name, form) {
    const values = {};
    for (const opt of formOf(name, form).options) values[opt.id] = opt.value;
    state.opt[name].form = form;
    state.opt[name].values = values;
  }

  // One fieldset per optimizer: its checkbox, form and the sliders of the options it takes.
  function buildOptimizer(o) {
    const box = $("optimizers");
    let fs = document.getElementById(`opt-${o.name}`);
    if (!fs) {
      fs = document.createElement("fieldset");
      fs.id = `opt-${o.name}`;
      fs.className = "optimizer";
      box.appendChild(fs);
    }
    const s = state.opt[o.name];
    fs.innerHTML = "";
    const head = document.createElement("legend");
    head.innerHTML = `<label title="${o.summary}"><input type="checkbox" class="enable"> <span class="swatch" style="background:${o.color}"></span> ${o.name}</label>`;
    fs.appendChild(head);
    const enable = head.querySelector("input");
    enable.checked = s.enabled;
    enable.addEventListener("change", () => { s.enabled = enable.checked; fs.classList.toggle("off", !s.enabled); changed(); });
    fs.classList.toggle("off", !s.enabled);
    for (const opt of formOf(o.name, s.form).options) {
      const row = document.createElement("div");
      row.className = "option";
      const label = SYMBOLS[opt.id] || opt.id.replace(/_/g, " ");
      if (opt.id === "form") {
        row.innerHTML = `<span>form</span><select data-id="form">${o.forms.map((f) => `<option value="${f.form}">${f.form === "pytorch" ? "PyTorch" : "course"}</option>`).join("")}</select>`;
        const sel = row.querySelector("select");
        sel.value = s.form;
        sel.addEventListener("change", () => { setDefaults(o.name, sel.value); buildOptimizer(o); changed(); });
      } else if (opt.flag) {
        row.innerHTML = `<label><input type="checkbox" data-id="${opt.id}"> ${label}</label>`;
        const cb = row.querySelector("input");
        cb.checked = s.values[opt.id] === "true";
        cb.addEventListener("change", () => { s.values[opt.id] = String(cb.checked); changed(); });
      } else if (SLIDERS[opt.id]) {
        const spec = SLIDERS[opt.id];
        row.innerHTML = `<span>${label}</span><input type="range" min="0" max="${RES}" step="1" data-id="${opt.id}" data-optimizer="${o.name}"><output></output>`;
        const range = row.querySelector("input"), out = row.querySelector("output");
        range.value = toPos(spec, s.values[opt.id]);
        out.textContent = shown(s.values[opt.id]);
        range.addEventListener("input", () => {
          s.values[opt.id] = toValue(spec, Number(range.value));
          out.textContent = shown(s.values[opt.id]);
          changed();
        });
      } else {
        row.innerHTML = `<span>${label}</span><input type="number" step="any" data-id="${opt.id}">`;
        const input = row.querySelector("input");
        input.value = s.values[opt.id];
        input.addEventListener("change", () => { s.values[opt.id] = input.value; changed(); });
      }
      fs.appendChild(row);
    }
    const err = document.createElement("div");
    err.className = "error";
    fs.appendChild(err);
  }

  function common() {
    const c = { function: state.surface.name, start: `${state.start[0]},${state.start[1]}`, steps: String(state.steps) };
    if (state.noise > 0) { c.noise = String(state.noise); c.seed = String(state.seed); }
    return c;
  }
  function runOf(name) {
    return { optimizer: name, ...state.opt[name].values };
  }
  // The query of GET /api/trajectory for one optimizer with the page's settings (the tests'
  // and the claims panel's command lines).
  function queryFor(name) {
    return new URLSearchParams({ ...common(), ...runOf(name) }).toString();
  }
  function commandFor(name) {
    const words = Object.entries({ ...common(), ...runOf(name) }).map(([k, v]) => {
      const option = "--" + k.replace(/_/g, "-");
      if (v === "true") return option;
      if (v === "false") return "";
      return `${option}=${v}`;
    });
    return ["trajectories", ...words.filter((w) => w), "--json"].join(" ");
  }

  // A setting moved: ask at once when no answer is awaited, else after 30 ms of quiet; an
  // answer to an older request than the latest is dropped.
  function changed() {
    state.inputAt = performance.now();
    clearTimeout(state.timer);
    state.timer = setTimeout(request, state.abort ? 30 : 0);
  }

  async function request() {
    const names = state.optimizers.map((o) => o.name).filter((n) => state.opt[n].enabled);
    const seq = ++state.seq;
    if (state.abort) state.abort.abort();
    state.abort = new AbortController();
    const inputAt = state.inputAt;
    const body = JSON.stringify({ common: common(), runs: names.map(runOf) });
    let answer;
    try {
      const res = await fetch("api/paths", { method: "POST", headers: { "content-type": "application/json" }, body, signal: state.abort.signal });
      answer = await res.json();
      if (!res.ok) throw new Error(answer.error || res.statusText);
    } catch (e) {
      if (e.name === "AbortError") return;
      $("status").textContent = String(e.message || e);
      return;
    }
    if (seq !== state.seq) return; // a newer request is on its way
    state.abort = null;
    const drawStart = performance.now();
    state.paths = names.map((name, i) => ({ name, answer: answer.paths[i] }));
    draw();
    const drawn = performance.now();
    requestAnimationFrame(() => {
      const t = { server_ms: answer.server_ms, computed: answer.computed, draw_ms: drawn - drawStart, total_ms: performance.now() - inputAt, steps: state.steps, paths: names.length };
      state.timings.push(t);
      if (state.timings.length > 100) state.timings.shift();
      $("timing").textContent = `server ${t.server_ms.toFixed(1)} ms (${t.computed} computed) · redraw ${t.draw_ms.toFixed(1)} ms · slider to picture ${t.total_ms.toFixed(0)} ms`;
    });
  }

  // Where the paths are: the full path, or the part before it diverged.
  function pointsOf(a) {
    return a.points || (a.partial && a.partial.points) || [];
  }
  function lossesOf(a) {
    return a.losses || (a.partial && a.partial.losses) || [];
  }

  function draw(upto = Infinity) {
    drawContour(upto);
    drawLoss(upto);
    const notes = [];
    for (const { name, answer } of state.paths) {
      const err = document.querySelector(`#opt-${name} .error`);
      if (err) err.textContent = answer.error || "";
      if (answer.error) notes.push(`${name}: ${answer.error}`);
    }
    $("status").textContent = notes.join(" · ");
  }

  // The axes and contour lines are drawn once per surface; the paths on top at every answer.
  function drawContour(upto) {
    const svg = $("contour"), s = state.surface;
    const box = plotBox(svg, { l: 44, t: 10, r: 10, b: 34 });
    const [[x0, x1], [y0, y1]] = s.view;
    const sx = scale(x0, x1, box.left, box.right), sy = scale(y0, y1, box.bottom, box.top);
    if (svg.dataset.surface !== s.name) {
      clear(svg);
      svg.dataset.surface = s.name;
      drawAxes(svg, box, sx, sy, ticks(x0, x1), ticks(y0, y1), "x", "y");
      const levels = svgEl("g", { "clip-path": clipTo(svg, box, "contour-clip") }, svg);
      const n = s.contours.length;
      s.contours.forEach((seg, k) => {
        let d = "";
        for (let i = 0; i < seg.length; i += 4) d += `M${sx(seg[i]).toFixed(1)} ${sy(seg[i + 1]).toFixed(1)}L${sx(seg[i + 2]).toFixed(1)} ${sy(seg[i + 3]).toFixed(1)}`;
        const t = n > 1 ? k / (n - 1) : 0.5;
        const c = [90 + 135 * t, 130 + 20 * t, 200 - 110 * t].map(Math.round);
        svgEl("path", { d, stroke: `rgb(${c})`, class: "level" }, levels);
      });
      for (const [mx, my] of s.minima) svgEl("text", { x: sx(mx), y: sy(my) + 5, class: "minimum", "text-anchor": "middle" }, levels).textContent = "★";
      for (const [mx, my] of s.local_minima) svgEl("text", { x: sx(mx), y: sy(my) + 5, class: "local", "text-anchor": "middle" }, levels).textContent = "☆";
      svgEl("g", { id: "paths-layer", "clip-path": "url(#contour-clip)" }, svg);
    }
    const g = document.getElementById("paths-layer");
    clear(g);
    for (const { name, answer } of state.paths) {
      const color = state.optimizers.find((o) => o.name === name).color;
      const pts = pointsOf(answer).slice(0, upto);
      const last = pts[pts.length - 1];
      svgEl("path", { d: pathData(pts, sx, sy), stroke: color, class: "opt-path", "data-optimizer": name, "data-count": pts.length, "data-last": last ? `${last[0]},${last[1]}` : "" }, g);
      if (last) svgEl("circle", { cx: sx(last[0]), cy: sy(last[1]), r: 3.5, fill: color }, g);
    }
    svgEl("circle", { cx: sx(state.start[0]), cy: sy(state.start[1]), r: 5, class: "start" }, g);
    svg.onclick = (ev) => {
      const p = svg.createSVGPoint();
      p.x = ev.clientX; p.y = ev.clientY;
      const q = p.matrixTransform(svg.getScreenCTM().inverse());
      const x = x0 + ((q.x - box.left) / (box.right - box.left)) * (x1 - x0);
      const y = y0 + ((box.bottom - q.y) / (box.bottom - box.top)) * (y1 - y0);
      setStart([+x.toPrecision(4), +y.toPrecision(4)]);
      changed();
    };
  }

  function drawLoss(upto) {
    const s = state.surface, shift = s.min_value;
    const series = state.paths.map(({ name, answer }) => ({
      name,
      color: state.optimizers.find((o) => o.name === name).color,
      points: lossesOf(answer).slice(0, upto).map((l, i) => [i, shift === null ? l : l - shift]),
    }));
    lineChart($("loss"), series, { xLabel: "step", yLabel: shift === null ? "f(x, y)" : "f − f* (log)", logY: shift !== null, id: "loss" });
  }

  function setStart(p) {
    state.start = p;
    $("start-x").value = p[0];
    $("start-y").value = p[1];
  }
  function setSurface(name, start) {
    state.surface = state.surfaces.find((s) => s.name === name);
    $("surface").value = name;
    setStart(start || state.surface.start);
  }

  // Replays the race: every path drawn up to step k, k growing over three seconds.
  function animate() {
    if (state.animating) { state.animating = false; return; }
    const longest = Math.max(0, ...state.paths.map((p) => pointsOf(p.answer).length));
    const begin = performance.now(), duration = 3000;
    state.animating = true;
    $("animate").textContent = "Stop";
    const frame = () => {
      const t = Math.min(1, (performance.now() - begin) / duration);
      draw(Math.max(1, Math.ceil(t * longest)));
      if (t < 1 && state.animating) requestAnimationFrame(frame);
      else { state.animating = false; $("animate").textContent = "Animate"; draw(); }
    };
    requestAnimationFrame(frame);
  }

  // Loads a claim's settings into the controls and runs them.
  function load(claim) {
    setSurface(claim.function, claim.start);
    state.steps = claim.steps;
    $("steps").value = claim.steps;
    state.noise = claim.noise || 0;
    state.seed = claim.seed || 0;
    $("noise").value = state.noise;
    $("seed").value = state.seed;
    for (const o of state.optimizers) {
      const run = claim.runs.find((r) => r.optimizer === o.name);
      state.opt[o.name].enabled = !!run;
      if (run) {
        const form = (run.options.find((x) => x.id === "form") || { value: "course" }).value;
        setDefaults(o.name, form);
        for (const x of run.options) state.opt[o.name].values[x.id] = x.value;
      }
      buildOptimizer(o);
    }
    changed();
  }

  async function init() {
    [state.surfaces, state.optimizers] = await Promise.all([fetch("api/surfaces").then((r) => r.json()), fetch("api/optimizers").then((r) => r.json())]);
    $("surface").innerHTML = state.surfaces.map((s) => `<option>${s.name}</option>`).join("");
    for (const o of state.optimizers) {
      state.opt[o.name] = { enabled: true, form: "course", values: {} };
      setDefaults(o.name, "course");
      buildOptimizer(o);
    }
    setSurface("beale");
    $("steps").value = state.steps;
    $("surface").addEventListener("change", () => { setSurface($("surface").value); changed(); });
    for (const [id, key] of [["start-x", 0], ["start-y", 1]]) $(id).addEventListener("change", () => { state.start[key] = Number($(id).value); changed(); });
    $("steps").addEventListener("change", () => { state.steps = Number($("steps").value); changed(); });
    $("noise").addEventListener("change", () => { state.noise = Number($("noise").value); changed(); });
    $("seed").addEventListener("change", () => { state.seed = Number($("seed").value); changed(); });
    $("animate").addEventListener("click", animate);
    changed();
  }

  return { init, load, state, queryFor, commandFor };
})();
