// The surfaces page in a real browser: it loads and draws all seven paths; moving a slider
// redraws a path that changed and equals the server's GET /api/trajectory (the numbers of
// `trajectories --json`) for the page's settings; a claim loads its settings; the redraw
// times of 7 paths × 2000 steps are printed; a screenshot is saved.
// Usage: node surfaces.mjs URL SCREENSHOT_DIR
import { launch, check } from "./browser.mjs";

const [url, shots] = process.argv.slice(2);
const { page, errors, close } = await launch();
try {
  await page.goto(url);
  await page.waitForFunction(() => window.lab && window.lab.ready && window.lab.surfaces.state.timings.length > 0, null, { timeout: 60000 });
  // The claims are computed in the background when the page first loads; the timings below
  // are taken after, on a quiet server.
  await page.waitForSelector("#claims button", { timeout: 120000 });
  const count = await page.locator("path.opt-path").count();
  check(count === 7, `the seven optimizers' paths are drawn on beale (${count})`);

  // A new start recomputes all seven (a start of its own, so that no earlier run cached it).
  const n = await page.evaluate(() => window.lab.surfaces.state.timings.length);
  await page.fill("#start-x", String(1 + Math.round(Math.random() * 1000) / 1e5));
  await page.locator("#start-x").dispatchEvent("change");
  await page.waitForFunction((k) => window.lab.surfaces.state.timings.length > k, n, { timeout: 20000 });
  const all7 = await page.evaluate(() => window.lab.surfaces.state.timings.at(-1));

  // Move Adam's λ slider; the page redraws when the server answers.
  const pathOf = () => page.locator('path.opt-path[data-optimizer="adam"]').evaluate((p) => ({ d: p.getAttribute("d"), count: Number(p.dataset.count), last: p.dataset.last }));
  const before = await pathOf();
  const timings = [];
  for (const position of [700, 620, 540]) {
    const n = await page.evaluate(() => window.lab.surfaces.state.timings.length);
    await page.locator('input[data-optimizer="adam"][data-id="lr"]').evaluate((el, v) => { el.value = v; el.dispatchEvent(new Event("input", { bubbles: true })); }, position);
    await page.waitForFunction((k) => window.lab.surfaces.state.timings.length > k, n, { timeout: 10000 });
    timings.push(await page.evaluate(() => window.lab.surfaces.state.timings.at(-1)));
  }
  const after = await pathOf();
  check(after.d !== before.d, "moving adam's λ slider changed its drawn path");
  const lr = await page.locator('input[data-optimizer="adam"][data-id="lr"] + output').textContent();
  const query = await page.evaluate(() => window.lab.surfaces.queryFor("adam"));
  check(query.includes(`lr=${lr}`), `the page asks for the slider's λ = ${lr}`);
  const json = await page.evaluate(async (q) => (await fetch("api/trajectory?" + q)).json(), query);
  const last = json.points[json.points.length - 1];
  check(after.count === json.points.length && after.last === `${last[0]},${last[1]}`, `the drawn path has the JSON's ${json.points.length} points and ends at its last point (${after.last})`);

  for (const t of timings) console.log(`timing: one slider move (${t.computed} path recomputed, ${t.paths} drawn, ${t.steps} steps): server ${t.server_ms.toFixed(1)} ms, redraw ${t.draw_ms.toFixed(1)} ms, slider to picture ${t.total_ms.toFixed(1)} ms`);
  console.log(`timing: new start (${all7.computed} paths recomputed × ${all7.steps} steps): server ${all7.server_ms.toFixed(1)} ms, redraw ${all7.draw_ms.toFixed(1)} ms, input to picture ${all7.total_ms.toFixed(1)} ms`);
  check(all7.computed === 7, "a new start recomputes all seven paths");

  // Animate replays the race: part-way through, the paths are drawn up to an earlier step.
  await page.locator("#animate").click();
  await page.waitForTimeout(800);
  const midway = await pathOf();
  await page.waitForFunction(() => document.querySelector("#animate").textContent === "Animate", null, { timeout: 10000 });
  const replayed = await pathOf();
  check(midway.count < replayed.count && replayed.count === json.points.length, `animate replays the race (${midway.count} of ${replayed.count} points drawn after 0.8 s)`);

  // A claim: one click loads its settings and shows its verdict.
  const claims = await page.locator("#claims button").count();
  check(claims >= 16, `the claims of trajectories --all are listed (${claims})`);
  const k = await page.evaluate(() => window.lab.surfaces.state.timings.length);
  await page.locator("#claims button").nth(3).click();
  await page.waitForFunction((k) => window.lab.surfaces.state.timings.length > k, k, { timeout: 20000 });
  const detail = await page.locator("#claim-detail").textContent();
  check(/held|did not hold/.test(detail) && detail.includes("saddle"), "the saddle claim shows its verdict and settings");
  const surface = await page.locator("#surface").inputValue();
  check(surface === "saddle", "and loads the saddle into the controls");

  // The picture for the README: the saddle claim's race, its verdict beside it.
  await page.evaluate(() => { document.querySelector("aside.claims").scrollTop = 0; });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${shots}/lab_surfaces.png` });
  check(errors.length === 0, `no error in the page's console (${errors.join("; ")})`);
} finally {
  await close();
}
