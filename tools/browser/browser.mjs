// Launching Debian's Chromium headless for the lab's browser tests, with the flags this
// machine needs (no sandbox as root, no network but loopback), a fresh profile every time.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.LAB_CHROMIUM || "/usr/bin/chromium";

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "lab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { page, errors, close };
}

// Fails the test with `message` unless `ok`.
export function check(ok, message) {
  if (!ok) throw new Error(message);
  console.log(`ok: ${message}`);
}
