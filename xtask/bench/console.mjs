// Assets console timings in headless Chromium:
// - a folder of many assets opened to a painted first screen, from the console's own
//   "tessera-console-ready" mark (median taken by the caller);
// - an upload of a folder hierarchy through the console's own upload path (Upload
//   Folder, the directory picker), from the first byte sent to "N of N files".
// Prints {"open_ms": [...], "upload_ms": n, "files": n, "bytes": n}.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [origin, user, password, bigFolder, uploadDir] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(`${origin}/assets`);
const form = page.getByRole("main", { name: "Log in to Assets" });
await form.getByLabel("User name").fill(user);
await form.getByLabel("Password").fill(password);
await form.getByRole("button", { name: "Log in" }).click();
await page.getByRole("listbox", { name: "Assets and folders" }).waitFor();

const open_ms = [];
for (let i = 0; i < 8; i++) {
  await page.goto(`${origin}/assets?folder=${encodeURIComponent(bigFolder)}`);
  await page.waitForFunction(() => performance.getEntriesByName("tessera-console-ready").length > 0, null, { timeout: 60000 });
  const shown = await page.getByRole("listbox", { name: "Assets and folders" }).getByRole("option").count();
  if (shown === 0) throw new Error("the folder's first screen showed nothing");
  open_ms.push(await page.evaluate(() => performance.getEntriesByName("tessera-console-ready")[0].startTime));
}

async function tally(dir) {
  let files = 0, bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const t = await tally(path);
      files += t.files;
      bytes += t.bytes;
    } else {
      files += 1;
      bytes += (await stat(path)).size;
    }
  }
  return { files, bytes };
}
const { files, bytes } = await tally(uploadDir);
await page.goto(`${origin}/assets`);
await page.getByRole("listbox", { name: "Assets and folders" }).waitFor();
const picker = page.locator("input[type=file][webkitdirectory]");
const started = Date.now();
await picker.setInputFiles(uploadDir);
await page.getByRole("region", { name: "Uploads" }).getByText(`${files} of ${files} files`).waitFor({ timeout: 600000 });
const upload_ms = Date.now() - started;
await browser.close();
console.log(JSON.stringify({ open_ms, upload_ms, files, bytes }));
