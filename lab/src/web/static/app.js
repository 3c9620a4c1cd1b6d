// The page: its two tabs, the claims beside the surfaces, and what the browser tests read
// (window.lab).
"use strict";

const Claims = (() => {
  const $ = (id) => document.getElementById(id);
  let claims = [];

  function escape(text) {
    return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  // The claim's verdict, evidence and settings; its runs loaded into the controls.
  function show(i) {
    const c = claims[i];
    for (const b of document.querySelectorAll("#claims button")) b.classList.toggle("chosen", Number(b.dataset.claim) === i);
    Surfaces.load(c);
    const noise = c.noise ? `, gradient noise σ = ${c.noise} (seed ${c.seed})` : "";
    const runs = c.runs.map((r) => `<li><b>${escape(r.label)}</b><br><code>${escape(r.settings)}</code><br><code class="command">${escape(Surfaces.commandFor(r.optimizer))}</code></li>`).join("");
    $("claim-detail").innerHTML = `<p class="verdict ${c.word.replace(/ /g, "-")}">${c.number}. ${escape(c.word)}</p>
      <p>${escape(c.claim)}</p><p class="evidence">${escape(c.evidence)}</p>
      <p>Settings: ${escape(c.function)} from (${c.start.join(", ")}), ${c.steps} steps${noise}</p><ul>${runs}</ul>
      ${c.note ? `<p class="note">${escape(c.note)}</p>` : ""}`;
    $("claim-detail").scrollIntoView({ block: "nearest" });
  }

  async function init() {
    for (;;) {
      const res = await fetch("api/claims");
      if (res.status === 200) { claims = await res.json(); break; }
      if (res.status !== 202) { $("claims").textContent = (await res.json()).error; return; }
      $("claims").textContent = "checking the claims (trajectories --all)…";
      await new Promise((r) => setTimeout(r, 700));
    }
    $("claims").innerHTML = claims.map((c, i) => `<li><button data-claim="${i}" class="${c.word.replace(/ /g, "-")}" title="${escape(c.evidence)}">[${escape(c.word)}] ${escape(c.claim)}</button></li>`).join("");
    for (const b of document.querySelectorAll("#claims button")) b.addEventListener("click", () => show(Number(b.dataset.claim)));
  }

  return { init, show, get list() { return claims; } };
})();

function tab(name) {
  for (const s of document.querySelectorAll("section.tab")) s.hidden = s.id !== name;
  for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b.dataset.tab === name);
  document.getElementById("timing").hidden = name !== "surfaces";
}

window.lab = { surfaces: Surfaces, mnist: Mnist, claims: Claims, tab };
window.addEventListener("DOMContentLoaded", async () => {
  for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => tab(b.dataset.tab));
  await Surfaces.init();
  await Mnist.init(Surfaces.state.optimizers);
  window.lab.ready = true;
  Claims.init();
});
