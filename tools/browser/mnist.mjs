// The MNIST page in a real browser: start a one-epoch run of a tiny network, see the loss
// curve grow while it trains and the validation accuracy arrive at the epoch's end; the run
// is listed with its CSV; a screenshot is saved.
// Usage: node mnist.mjs URL SCREENSHOT_DIR
import { launch, check } from "./browser.mjs";

const [url, shots] = process.argv.slice(2);
const { page, errors, close } = await launch();
try {
  await page.goto(url);
  await page.waitForFunction(() => window.lab && window.lab.ready, null, { timeout: 60000 });
  await page.locator('nav button[data-tab="mnist"]').click();
  const caps = await page.locator("#m-caps").textContent();
  check(/at most 3 epochs/.test(caps), `the caps are stated: ${caps}`);
  for (const name of ["adam", "momentum"]) await page.locator(`#m-opt-${name}`).check();
  await page.fill("#m-hidden", "32");
  await page.fill("#m-batch", "128");
  await page.locator("#m-start").click();

  const points = () => page.locator("#m-loss path.series").first().evaluate((p) => Number(p.dataset.count)).catch(() => 0);
  await page.waitForFunction(() => document.querySelector("#m-loss path.series")?.dataset.count >= 3, null, { timeout: 120000 });
  const early = await points();
  await page.waitForFunction((k) => Number(document.querySelector("#m-loss path.series")?.dataset.count) > k + 3, early, { timeout: 120000 });
  const later = await points();
  check(later > early, `the loss curve grows while the run trains (${early} → ${later} points)`);

  // The first run ends with its validation accuracy; the second (momentum) starts after it.
  await page.waitForFunction(() => window.lab.mnist.state.runs.filter((r) => r.status === "finished").length >= 2, null, { timeout: 300000 });
  const runs = await page.evaluate(() => window.lab.mnist.state.runs.map((r) => ({ id: r.id, optimizer: r.optimizer, epochs: r.epochs })));
  const acc = runs.map((r) => r.epochs[0].val_accuracy);
  check(acc.every((a) => a > 0.85), `both runs reached a validation accuracy above 85% after one epoch (${acc.map((a) => (100 * a).toFixed(2) + "%").join(", ")})`);
  await page.waitForSelector('#m-acc circle');
  const csv = await page.evaluate(async (id) => (await fetch(`api/mnist/runs/${id}/metrics.csv`)).text(), runs[0].id);
  check(csv.startsWith("epoch,step,train_loss"), "a finished run downloads as train's metrics.csv");
  const link = await page.locator(`a[href="api/mnist/runs/${runs[0].id}/steps.csv"]`).count();
  check(link === 1, "the runs table links its CSV files");
  await page.waitForTimeout(200);
  await page.screenshot({ path: `${shots}/lab_mnist.png` });

  // The stop button stops a longer run, which stays in the table, marked stopped.
  await page.locator("#m-opt-momentum").uncheck();
  await page.selectOption("#m-epochs", "3");
  await page.fill("#m-batch", "32");
  await page.locator("#m-start").click();
  await page.waitForFunction(() => window.lab.mnist.state.runs.length === 3 && window.lab.mnist.state.runs[2].steps.length >= 2, null, { timeout: 60000 });
  await page.locator("#m-stop").click();
  await page.waitForFunction(() => window.lab.mnist.state.runs[2].status === "stopped", null, { timeout: 30000 });
  const stopped = await page.locator('#m-runs tr[data-run="3"] .status').textContent();
  check(stopped === "stopped", "the stop button stops the run, which stays listed as stopped");
  check(errors.length === 0, `no error in the page's console (${errors.join("; ")})`);
} finally {
  await close();
}
