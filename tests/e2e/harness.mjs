// Shared setup for the end-to-end specs: Debian's Chromium driven by playwright-core,
// and a watch for JavaScript errors and wasm panics that fails the test that saw them.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const SITES = required("SITES_URL");
export const ASSETS = required("ASSETS_URL");
export const DAM_USER = required("DAM_USER");
export const DAM_PASSWORD = required("DAM_PASSWORD");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`cargo xtask test\``);
  return value;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
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

export async function openEditor(context) {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${SITES}/editor`);
  await page.locator('html[data-editor-ready="true"]').waitFor();
  return { page, errors };
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
