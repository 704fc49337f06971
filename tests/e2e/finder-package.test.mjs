// The finder as a developer meets it: the npm package packed from pkg/, installed
// into an app of their own (a copy of host-app/), type-checked under `strict`,
// checked by publint and are-the-types-wrong, bundled with Vite and with esbuild (as
// a module and as a classic script) and loaded as plain modules, each served from a
// site of its own (HOST_URL) against the DAM on another.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { build as viteBuild } from "vite";

import { ASSETS, DAM_PASSWORD, DAM_USER, HOST, assertNoErrors, launch, watchErrors } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const bin = (name) => join(here, "node_modules", ".bin", name);
let app, tarball, server, browser;

before(async () => {
  app = mkdtempSync(join(tmpdir(), "tessera-host-"));
  cpSync(join(here, "host-app"), app, { recursive: true });
  const packed = execFileSync("npm", ["pack", join(here, "..", "..", "pkg"), "--pack-destination", app, "--json"], { encoding: "utf8" });
  tarball = join(app, JSON.parse(packed)[0].filename);
  execFileSync("npm", ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--offline", tarball], { cwd: app, stdio: "pipe" });
  await bundle();
  server = await serve(app, new URL(HOST));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

/// The app built three ways: Vite into vite/, esbuild into esbuild/ (an ES module) and
/// iife/ (a classic script), each with the WebAssembly where its recipe puts it.
async function bundle() {
  await viteBuild({ root: app, base: "/vite/", logLevel: "warn", build: { outDir: join(app, "vite"), emptyOutDir: true } });
  for (const [format, dir, page] of [["esm", "esbuild", "esbuild.html"], ["iife", "iife", "iife.html"]]) {
    const out = join(app, dir);
    await esbuild.build({ entryPoints: [join(app, "src", "esbuild.ts")], bundle: true, format, outdir: out, logLevel: "error", absWorkingDir: app });
    copyFileSync(join(app, "node_modules", "@tessera", "finder", "tessera_finder_bg.wasm"), join(out, "tessera_finder_bg.wasm"));
    copyFileSync(join(app, page), join(out, "index.html"));
  }
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json" };

/// A static file server for `root` on `origin`'s port, on the loopback address only.
function serve(root, origin) {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, origin).pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!file.startsWith(root) || !existsSync(file)) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(Number(origin.port), "127.0.0.1", () => resolve(server)));
}

test("the package's types: a strict app type-checks, a wrong event name does not", () => {
  const ok = spawnSync(bin("tsc"), ["-p", join(app, "tsconfig.json")], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const wrong = spawnSync(bin("tsc"), ["-p", join(app, "wrong", "tsconfig.json")], { encoding: "utf8" });
  assert.notEqual(wrong.status, 0, "a listener for an event the finder does not have is a type error");
  assert.match(wrong.stdout + wrong.stderr, /"selectionchanged"/);
});

test("the package passes publint and are-the-types-wrong, and holds only the finder", () => {
  const installed = join(app, "node_modules", "@tessera", "finder");
  const publint = spawnSync(bin("publint"), [installed, "--strict"], { encoding: "utf8" });
  assert.equal(publint.status, 0, publint.stdout + publint.stderr);
  const attw = spawnSync(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"], { encoding: "utf8" });
  assert.equal(attw.status, 0, attw.stdout + attw.stderr);
  const files = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).trim().split("\n").map((f) => f.replace(/^package\//, "")).sort();
  assert.deepEqual(files, [
    "LICENSE-APACHE",
    "LICENSE-MIT",
    "README.md",
    "finder.css",
    "finder.css.d.ts",
    "finder.d.ts",
    "finder.js",
    "package.json",
    "tessera_finder.js",
    "tessera_finder_bg.wasm",
  ]);
});

/// Opens the app at `path` against the DAM, logs in through the finder's own dialog,
/// selects and confirms an image, changes an option, and unmounts.
async function drive(path, search) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${HOST}${path}?dam=${encodeURIComponent(ASSETS)}`);
  await page.locator('html[data-finder="mounted"]').waitFor();
  const finder = page.getByRole("region", { name: "Content Finder" });
  await finder.getByRole("button", { name: "Log in to Connected Assets" }).click();
  const dialog = page.getByRole("dialog", { name: "Log in to Connected Assets" });
  await dialog.getByLabel("User name").fill(DAM_USER);
  await dialog.getByLabel("Password").fill(DAM_PASSWORD);
  await dialog.getByRole("button", { name: "Log in", exact: true }).click();
  await dialog.waitFor({ state: "detached" });
  await finder.getByRole("searchbox", { name: search }).fill("lighthouse");
  const card = finder.getByRole("button", { name: "Lighthouse (image)" });
  await card.click();
  await card.press("Enter");
  const heard = (await page.evaluate(() => window.heard)).filter((e) => e.event.startsWith("selection"));
  assert.deepEqual(heard, [
    { event: "selectionchange", titles: ["Lighthouse"] },
    { event: "selectionconfirm", titles: ["Lighthouse"] },
  ]);
  await page.evaluate(() => window.finder.setOptions({ theme: "dark" }));
  await page.locator(".tessera-finder-root.theme-dark").waitFor();
  await finder.getByRole("searchbox", { name: search }).waitFor();
  await page.evaluate(() => {
    window.finder.unmount();
    window.finder.free();
  });
  assert.equal(await page.locator("#finder *").count(), 0, "unmount() leaves nothing");
  assertNoErrors(errors);
  await context.close();
}

test("bundled with Vite, the finder finds its WebAssembly by itself and works against the DAM on another site", async () => {
  await drive("/vite/", "Search the brand's images");
});

test("bundled with esbuild as an ES module, the finder loads the WebAssembly it is told of", async () => {
  await drive("/esbuild/", "Search the brand's images");
});

test("bundled with esbuild as a classic script (no import.meta), the finder loads the WebAssembly it is told of", async () => {
  await drive("/iife/", "Search the brand's images");
});

test("loaded as plain modules, without a bundler, the finder finds its WebAssembly next to finder.js", async () => {
  await drive("/plain.html", "Search assets");
});
