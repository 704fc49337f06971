// Editor timings in headless Chromium, from the editor's own Performance marks:
// navigation to a painted 50-component page, and a keystroke in the Content Finder
// to painted search results. Prints {"load_ms": [...], "keystroke_ms": [...]}.
import { chromium } from "playwright-core";

const [sites, user, password, pagePath] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(`${sites}/editor?page=${pagePath}`);
const login = page.getByRole("dialog", { name: "Log in to Tessera" });
await login.getByLabel("User name").fill(user);
await login.getByLabel("Password").fill(password);
await login.getByRole("button", { name: "Log in", exact: true }).click();
await page.getByRole("textbox", { name: "Page title" }).waitFor();

const waitForMark = (name) =>
  page.waitForFunction((n) => performance.getEntriesByName(n).length > 0, name, { timeout: 30000 });

const load_ms = [];
for (let i = 0; i < 8; i++) {
  await page.goto(`${sites}/editor?page=${pagePath}`);
  await waitForMark("tessera-page-ready");
  const components = await page.locator("[data-component-id]").count();
  if (components !== 50) throw new Error(`expected 50 components, found ${components}`);
  load_ms.push(await page.evaluate(() => performance.getEntriesByName("tessera-page-ready")[0].startTime));
}

const keystroke_ms = [];
const search = page.getByRole("searchbox", { name: "Search assets" });
// 40 of the words the generated assets' titles are made of: each search finds
// thousands of assets.
const words = [
  "alpine", "autumn", "beach", "bicycle", "bridge", "canyon", "coast", "coffee", "desert", "forest",
  "garden", "glacier", "harbor", "hiking", "island", "jacket", "kitchen", "lake", "lighthouse", "market",
  "meadow", "mountain", "night", "ocean", "office", "orchard", "portrait", "river", "runner", "sandal",
  "skyline", "spring", "studio", "summer", "sunset", "trail", "valley", "village", "waterfall", "winter",
];
for (const word of words) {
  await search.fill("");
  await page.evaluate(() => performance.clearMarks("tessera-finder-results"));
  await search.fill(word.slice(0, -1));
  await waitForMark("tessera-finder-results");
  await page.evaluate(() => {
    performance.clearMarks("tessera-finder-results");
    const box = document.querySelector("input[type=search]");
    box.addEventListener("input", () => performance.mark("tessera-keystroke"), { once: true });
  });
  await search.press(word.slice(-1));
  await waitForMark("tessera-finder-results");
  keystroke_ms.push(await page.evaluate(() =>
    performance.getEntriesByName("tessera-finder-results")[0].startTime - performance.getEntriesByName("tessera-keystroke")[0].startTime));
  await page.evaluate(() => performance.clearMarks("tessera-keystroke"));
}
await browser.close();
console.log(JSON.stringify({ load_ms, keystroke_ms }));
