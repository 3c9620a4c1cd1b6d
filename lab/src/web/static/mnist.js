// The MNIST page: choose optimizers and settings, start; each optimizer's run of `train`
// streams its loss (every 20 steps) and validation accuracy (every epoch) as Server-Sent
// Events, read here from a fetch so that a refusal's message can be shown. Runs follow one
// another; finished runs stay to compare and download as CSV.
"use strict";

const Mnist = (() => {
  const state = { optimizers: [], runs: [], current: null, queue: [], abort: null, redraw: false };
  const $ = (id) => document.getElementById(id);

  function colorOf(name) {
    const o = state.optimizers.find((o) => o.name === name);
    return o ? o.color : "#7f7f7f";
  }

  function params(name) {
    const p = { optimizer: name, hidden: $("m-hidden").value.trim(), epochs: $("m-epochs").value, batch_size: $("m-batch").value, schedule: $("m-schedule").value, seed: $("m-seed").value };
    if (!$("m-lr-default").checked) p.lr = $("m-lr-out").textContent;
    return new URLSearchParams(p).toString();
  }

  // One block of Server-Sent Events text: {event, data}; null for a comment (keep-alive).
  function parseEvent(block) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    return data.length ? { event, data: JSON.parse(data.join("\n")) } : null;
  }

  function setRunning(on) {
    $("m-start").disabled = on;
    $("m-stop").disabled = !on;
  }

  function start() {
    state.queue = state.optimizers.map((o) => o.name).filter((n) => $(`m-opt-${n}`).checked);
    if (state.queue.length === 0) { $("m-status").textContent = "tick at least one optimizer"; return; }
    setRunning(true);
    next();
  }

  // Starts the next optimizer of the queue and reads its events until the run ends.
  async function next() {
    const name = state.queue.shift();
    if (!name) { setRunning(false); return; }
    state.abort = new AbortController();
    let res;
    try {
      res = await fetch("api/mnist/run?" + params(name), { signal: state.abort.signal });
    } catch (e) {
      $("m-status").textContent = String(e.message || e);
      state.queue = []; setRunning(false); return;
    }
    if (!res.ok) {
      const answer = await res.json().catch(() => ({ error: res.statusText }));
      $("m-status").textContent = answer.error;
      state.queue = []; setRunning(false); return;
    }
    $("m-status").textContent = `${name}: loading MNIST and starting…`;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      let chunk;
      try { chunk = await reader.read(); } catch (e) { break; }
      if (chunk.done) break;
      buffer += chunk.value;
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const ev = parseEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (ev) handle(ev);
      }
    }
    state.current = null;
    await refresh();
    next();
  }

  function handle({ event, data }) {
    if (event === "start") {
      state.current = { ...data, steps: [], epochs: [] };
      state.runs.push(state.current);
    } else if (!state.current) {
      return;
    } else if (event === "step") {
      state.current.steps.push(data);
      $("m-status").textContent = `run ${state.current.id} (${state.current.optimizer}): epoch ${data.epoch}, step ${data.step}, loss ${data.loss.toFixed(4)}`;
    } else if (event === "epoch") {
      state.current.epochs.push(data);
    } else if (event === "end") {
      state.current.status = data.status;
      state.current.message = data.message;
      $("m-status").textContent = `run ${data.id} ${data.status}${data.message ? ": " + data.message : ""}`;
    }
    scheduleDraw();
  }

  function stop() {
    state.queue = [];
    fetch("api/mnist/stop", { method: "POST" });
  }

  function scheduleDraw() {
    if (state.redraw) return;
    state.redraw = true;
    requestAnimationFrame(() => { state.redraw = false; draw(); });
  }

  function draw() {
    const shown = state.runs.filter((r) => !r.hidden);
    const seen = {};
    const dash = (r) => (seen[r.optimizer] = (seen[r.optimizer] || 0) + 1) % 2 === 0;
    const styles = shown.map((r) => ({ color: colorOf(r.optimizer), dashed: dash(r) }));
    lineChart($("m-loss"), shown.map((r, i) => ({ name: `run ${r.id}`, ...styles[i], points: r.steps.map((p) => [p.step, p.loss]) })),
      { xLabel: "step", yLabel: "training loss (mean of 20 steps, log)", logY: true, id: "mloss", empty: "start a run: its loss appears here as it trains" });
    const acc = shown.map((r, i) => ({ name: `run ${r.id}`, ...styles[i], markers: true, points: r.epochs.filter((e) => e.val_accuracy !== null).map((e) => [e.epoch, 100 * e.val_accuracy]) }));
    const values = acc.flatMap((s) => s.points.map((p) => p[1]));
    const epochs = Math.max(1, ...shown.map((r) => r.epochs.length));
    lineChart($("m-acc"), acc, { xLabel: "epoch", yLabel: "validation accuracy (%)", id: "macc", empty: "validation accuracy after each epoch",
      xMin: 0.7, xMax: epochs + 0.3, xTicks: Array.from({ length: epochs }, (_, i) => i + 1), yMin: Math.floor(Math.min(...values) - 1), yMax: Math.min(100, Math.ceil(Math.max(...values) + 1)) });
    table();
  }

  function table() {
    const rows = state.runs.map((r) => {
      const last = r.epochs[r.epochs.length - 1];
      const pct = (v) => (v === null || v === undefined ? "" : (100 * v).toFixed(2) + "%");
      const files = r.status && r.status !== "running" ? `<a href="api/mnist/runs/${r.id}/steps.csv" download>steps.csv</a> <a href="api/mnist/runs/${r.id}/metrics.csv" download>metrics.csv</a>` : "";
      return `<tr data-run="${r.id}"><td><input type="checkbox" ${r.hidden ? "" : "checked"} data-show="${r.id}"> <span class="swatch" style="background:${colorOf(r.optimizer)}"></span></td>
        <td title="${r.command}">${r.id}. ${r.label}</td><td class="status">${r.status || "running"}</td><td>${pct(last && last.val_accuracy)}</td><td>${pct(last && last.test_accuracy)}</td><td>${files}</td></tr>`;
    });
    $("m-runs").innerHTML = `<tr><th></th><th>run</th><th>status</th><th>validation</th><th>test</th><th>CSV</th></tr>` + rows.join("");
    for (const cb of document.querySelectorAll("[data-show]")) {
      cb.addEventListener("change", () => { state.runs.find((r) => r.id === Number(cb.dataset.show)).hidden = !cb.checked; draw(); });
    }
  }

  // The runs the server keeps (they survive a reload of the page), and whether one runs.
  async function refresh() {
    const answer = await fetch("api/mnist/runs").then((r) => r.json());
    $("m-caps").textContent = `Caps: ${answer.caps}.`;
    const hidden = new Set(state.runs.filter((r) => r.hidden).map((r) => r.id));
    const kept = answer.runs.map((r) => ({ ...r, hidden: hidden.has(r.id) }));
    const current = state.current ? [state.current] : [];
    state.runs = [...kept, ...current.filter((c) => !kept.some((k) => k.id === c.id))];
    if (answer.running && !state.current) $("m-status").textContent = `run ${answer.running.id} (${answer.running.label}) is in progress in another page`;
    draw();
  }

  function init(optimizers) {
    state.optimizers = optimizers;
    $("m-optimizers").innerHTML = optimizers.map((o) => `<label><input type="checkbox" id="m-opt-${o.name}" ${o.name === "adam" ? "checked" : ""}> <span class="swatch" style="background:${o.color}"></span> ${o.name}</label>`).join("");
    const lr = $("m-lr"), out = $("m-lr-out");
    const show = () => { out.textContent = String(+Math.pow(10, -4 + (Number(lr.value) / 1000) * 4).toPrecision(3)); };
    lr.addEventListener("input", show);
    show();
    $("m-lr-default").addEventListener("change", () => { lr.disabled = $("m-lr-default").checked; });
    lr.disabled = true;
    $("m-start").addEventListener("click", start);
    $("m-stop").addEventListener("click", stop);
    setRunning(false);
    return refresh();
  }

  return { init, state };
})();
