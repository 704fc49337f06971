// Shared setup for the end-to-end specs: Debian's Chromium driven by playwright-core,
// and a watch for JavaScript errors and wasm panics that fails the test that saw them.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { desktopConfig } from "lighthouse";
import { chromium, request } from "playwright-core";

export const SITES = required("SITES_URL");
export const ASSETS = required("ASSETS_URL");
/** A third site, for a developer's own page that embeds the finder (the DAM allows it). */
export const HOST = required("HOST_URL");
export const DAM_USER = required("DAM_USER");
export const DAM_PASSWORD = required("DAM_PASSWORD");
export const ADMIN_USER = required("ADMIN_USER");
export const ADMIN_PASSWORD = required("ADMIN_PASSWORD");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`cargo xtask test\``);
  return value;
}

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/// Collects uncaught exceptions (a wasm panic surfaces as one, after
/// console_error_panic_hook has logged it) and console errors. Failed requests are
/// not errors here: a test that expects a 401 asserts that itself.
export function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors, [], "the page had JavaScript errors or a wasm panic");
}

/// Opens the editor on site A and logs in to it (the local Sites deployment).
export async function openEditor(context, pagePath = "/content/we-retail/en") {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${SITES}/editor?page=${pagePath}`);
  await page.locator('html[data-editor-ready="true"]').waitFor();
  const login = page.getByRole("dialog", { name: "Log in to Tessera" });
  if (await login.isVisible().catch(() => false) || await login.waitFor({ timeout: 3000 }).then(() => true, () => false)) {
    await logInToEditor(page);
  }
  return { page, errors };
}

/// Logs in through the editor's own login dialog and waits for the page to open.
export async function logInToEditor(page) {
  const login = page.getByRole("dialog", { name: "Log in to Tessera" });
  await login.getByLabel("User name").fill(DAM_USER);
  await login.getByLabel("Password").fill(DAM_PASSWORD);
  await login.getByRole("button", { name: "Log in", exact: true }).click();
  await login.waitFor({ state: "detached" });
  await page.getByRole("textbox", { name: "Page title" }).waitFor();
}

/// Adds a component from the Components tab and returns its frame.
export async function addComponent(page, kind) {
  await page.getByRole("tab", { name: "Components" }).click();
  await page.getByRole("button", { name: `Add ${kind}` }).click();
  return page.getByRole("group", { name: `${kind} component` }).last();
}

/// Runs axe-core on the page; returns the violations of the given impacts (by
/// default the serious and critical ones).
export async function seriousViolations(page, impacts = ["serious", "critical"]) {
  // Evaluated over the DevTools protocol: the pages' Content-Security-Policy rightly
  // refuses an injected <script>.
  const source = await readFile(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  await page.evaluate(source);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
}

export async function logInToConnectedAssets(page, user = DAM_USER, password = DAM_PASSWORD) {
  await page.getByRole("radio", { name: "Remote" }).click();
  await page.getByRole("button", { name: "Log in to Connected Assets" }).click();
  const dialog = page.getByRole("dialog", { name: "Log in to Connected Assets" });
  await dialog.getByLabel("User name").fill(user);
  await dialog.getByLabel("Password").fill(password);
  await dialog.getByRole("button", { name: "Log in", exact: true }).click();
  return dialog;
}

/// Whether an <img> finished loading real pixels.
export async function imageLoaded(locator) {
  await locator.waitFor();
  return locator.evaluate((img) =>
    img.complete && img.naturalWidth > 0
      ? true
      : new Promise((resolve) => {
          img.addEventListener("load", () => resolve(img.naturalWidth > 0), { once: true });
          img.addEventListener("error", () => resolve(false), { once: true });
        }),
  );
}

/// Creates a page below the open one through the Pages tab and opens it.
export async function newPage(page, name, title) {
  await page.getByRole("tab", { name: "Pages" }).click();
  const form = page.getByRole("form", { name: "New page" });
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Name in the URL").fill(name);
  await form.getByRole("button", { name: "Create page" }).click();
  // The new page is open once the editor shows its title.
  await page.waitForFunction((t) => document.querySelector('input[aria-label="Page title"]')?.value === t, title);
}

/// The Sites deployment's API as its administrator, outside any browser page.
export async function adminApi() {
  const api = await request.newContext({ baseURL: SITES });
  const login = await api.post("/api/login", { data: { user: ADMIN_USER, password: ADMIN_PASSWORD } });
  assert.equal(login.status(), 200, "the administrator logs in");
  const { csrf_token: csrf } = await login.json();
  return {
    get: (path) => api.get(path),
    put: (path, data) => api.put(path, { data, headers: { "x-csrf-token": csrf } }),
    /// Changes the Connected Assets configuration; returns a function that restores it.
    async configure(changes) {
      const before = await (await api.get("/api/connected-assets/config")).json();
      const body = (c) => ({
        title: c.title, remote_dam_url: c.remote_dam_url, distributor_user: c.distributor_user, mount_point: c.mount_point,
        local_sites_url: c.local_sites_url, threshold_bytes: c.threshold_bytes, shared_datastore: c.shared_datastore,
      });
      const changed = await api.put("/api/connected-assets/config", { data: { ...body(before), ...changes }, headers: { "x-csrf-token": csrf } });
      assert.equal(changed.status(), 200, await changed.text());
      return async () => {
        const restored = await api.put("/api/connected-assets/config", { data: body(before), headers: { "x-csrf-token": csrf } });
        assert.equal(restored.status(), 200, await restored.text());
      };
    },
    dispose: () => api.dispose(),
  };
}

/// Lighthouse (12, from npm) on `url` in a Chromium of its own, as a visitor with no
/// session: each category's score out of 100, and the audits that cost points.
export async function lighthouseScores(url, { categories = ["accessibility", "best-practices", "seo"], formFactor = "mobile" } = {}) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"] });
  try {
    const flags = { port: chrome.port, output: "json", logLevel: "error", onlyCategories: categories };
    const { lhr } = await lighthouse(url, flags, formFactor === "desktop" ? desktopConfig : undefined);
    const scores = Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, Math.round(c.score * 100)]));
    const failing = Object.values(lhr.categories)
      .flatMap((c) => c.auditRefs.filter((r) => r.weight > 0).map((r) => lhr.audits[r.id]))
      .filter((a) => a.score !== null && a.score < 1)
      .map((a) => `${a.id}: ${a.title}`);
    return { scores, failing };
  } finally {
    await chrome.kill();
  }
}

/// Retakes one of the README's screenshots (docs/<name>.png) when the suite runs
/// through `cargo xtask test`, which says where they go.
export async function screenshot(page, name) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/${name}.png` });
}
