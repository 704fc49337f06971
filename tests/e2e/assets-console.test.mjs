// The Assets console at /assets, as DAM users work in it: upload a folder hierarchy,
// replace a file as a new version, check out and in, restore from the Timeline,
// collections and share links; everything found by its accessible name.
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { deflateSync, crc32 } from "node:zlib";
import { request } from "playwright-core";

import { ADMIN_PASSWORD, ADMIN_USER, ASSETS, DAM_PASSWORD, DAM_USER, assertNoErrors, launch, screenshot, seriousViolations, watchErrors } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// A PNG of one colour: real pixels the DAM can render.
function png(width, height, [r, g, b]) {
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "ascii"), data])), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", pixels), chunk("IEND", Buffer.alloc(0))]);
}

/// A folder hierarchy on disk: campaign/hero.png, campaign/2024/spring.png, campaign/2024/notes/readme.txt.
async function hierarchy() {
  const dir = await mkdtemp(join(tmpdir(), "tessera-console-"));
  await mkdir(join(dir, "campaign", "2024", "notes"), { recursive: true });
  await writeFile(join(dir, "campaign", "hero.png"), png(64, 40, [200, 40, 40]));
  await writeFile(join(dir, "campaign", "2024", "spring.png"), png(40, 64, [40, 160, 60]));
  await writeFile(join(dir, "campaign", "2024", "notes", "readme.txt"), "Spring campaign notes\n");
  return dir;
}

async function openConsole(user, password) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${ASSETS}/assets`);
  await page.locator('html[data-console-ready="true"]').waitFor();
  const form = page.getByRole("main", { name: "Log in to Assets" });
  await form.getByLabel("User name").fill(user);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("listbox", { name: "Assets and folders" }).waitFor();
  return { context, page, errors };
}

const items = (page) => page.getByRole("listbox", { name: "Assets and folders" });
const option = (page, name) => items(page).getByRole("option").filter({ hasText: name });
const status = (page) => page.getByRole("status");

/// Opens a folder by its path of names from the DAM root, through the tree.
async function openFolder(page, names) {
  const tree = page.getByRole("navigation", { name: "Folders" });
  for (const name of names) {
    const link = tree.getByRole("link", { name, exact: true });
    await link.click();
    await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();
  }
}

/** Runs an item of the toolbar's Create menu. */
async function createMenu(page, item) {
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByRole("menu", { name: "Create" }).getByRole("menuitem", { name: item, exact: true }).click();
}

async function createFolder(page, name) {
  await createMenu(page, "Folder");
  const dialog = page.getByRole("dialog", { name: "Create Folder" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create" }).click();
  await dialog.waitFor({ state: "detached" });
  await option(page, name).waitFor();
}

test("the Assets console: a folder hierarchy uploads with progress, a replaced file is a new version, and the Timeline restores an older one", async () => {
  const { context, page, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  const top = `console-${Date.now()}`;
  await createFolder(page, top);
  await openFolder(page, [top]);

  const dir = await hierarchy();
  await page.locator("input[webkitdirectory]").setInputFiles(join(dir, "campaign"));
  const uploads = page.getByRole("region", { name: "Uploads" });
  await uploads.getByText("3 of 3 files").waitFor();
  for (const name of ["campaign/hero.png", "campaign/2024/spring.png", "campaign/2024/notes/readme.txt"]) {
    await uploads.getByRole("progressbar", { name: `Upload of ${name}` }).waitFor();
  }
  assert.equal(await uploads.getByText("Done", { exact: true }).count(), 3, "each file has its own progress and ends done");

  // The hierarchy arrived as folders.
  await openFolder(page, ["campaign"]);
  await option(page, "hero.png").waitFor();
  await option(page, "2024").waitFor();

  // The same name again: Replace makes a new version.
  await page.locator('input[type=file]:not([webkitdirectory])').setInputFiles({ name: "hero.png", mimeType: "image/png", buffer: png(80, 50, [20, 20, 200]) });
  const row = uploads.getByRole("listitem").filter({ hasText: "hero.png exists already" });
  await row.getByRole("button", { name: "Replace" }).click();
  await uploads.getByText("Done: a new version").waitFor();

  await option(page, "hero.png").click();
  await page.getByRole("button", { name: "Timeline" }).click();
  const rail = page.getByRole("complementary", { name: "Timeline" });
  await rail.getByText("New version (version 2)").waitFor();
  await rail.getByRole("button", { name: "Restore version 1" }).click();
  await status(page).getByText("Version 1 is restored as version 3.").waitFor();
  await rail.getByText("Restored (version 3)").waitFor();
  await screenshot(page, "console");

  // Create Version, with a label and a comment; then compare it with the one before.
  await page.getByRole("button", { name: "Create Version" }).click();
  const create = page.getByRole("dialog", { name: "Create Version hero.png" });
  await create.getByLabel("File").setInputFiles({ name: "hero-wide.png", mimeType: "image/png", buffer: png(120, 60, [200, 120, 20]) });
  await create.getByLabel("Label (optional)").fill("Final");
  await create.getByLabel("Comment (optional)").fill("Wider crop");
  await create.getByRole("button", { name: "Create Version" }).click();
  await status(page).getByText("Version 4 is created.").waitFor();
  await rail.getByText("Final: Wider crop").waitFor();
  await rail.getByRole("button", { name: "Compare versions" }).click();
  const compare = rail.getByRole("region", { name: "Compare versions" });
  const dimensions = compare.getByRole("row", { name: /^Dimensions/ });
  assert.deepEqual(await dimensions.getByRole("cell").allTextContents(), ["64 × 40", "120 × 60"], "version 3 (the restored first) against version 4");
  await compare.getByLabel("Compare").selectOption("1");
  await compare.getByLabel("with").selectOption("3");
  await compare.getByText("These versions do not differ.").waitFor();

  // Several assets are checked out at once.
  await openFolder(page, ["2024"]);
  await openFolder(page, ["notes"]);
  await page.locator('input[type=file]:not([webkitdirectory])').setInputFiles([
    { name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("a") },
    { name: "b.txt", mimeType: "text/plain", buffer: Buffer.from("b") },
  ]);
  await option(page, "b.txt").waitFor();
  // What works on a selection shows once there is one.
  const selectionActions = page.getByRole("group", { name: "Selection" });
  assert.equal(await selectionActions.count(), 0, "nothing selected, no selection actions");
  await option(page, "a.txt").click();
  await selectionActions.getByRole("button", { name: "Delete" }).waitFor();
  await option(page, "b.txt").click({ modifiers: ["Shift"] });
  await page.getByRole("button", { name: "Check Out" }).click();
  await status(page).getByText("2 assets are checked out to you.").waitFor();
  for (const name of ["a.txt", "b.txt"]) {
    await option(page, name).getByText(`Checked out by ${DAM_USER}`).waitFor();
  }
  assert.equal(await option(page, "readme.txt").getByText("Checked out by").count(), 0, "only the selection");

  // Deleting from the selection's buttons: they go with the selection, focus goes to the items.
  await option(page, "readme.txt").click();
  await selectionActions.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete 1 item(s)?" }).getByRole("button", { name: "Delete" }).click();
  await status(page).getByText("1 item(s) deleted.").waitFor();
  await selectionActions.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Assets and folders", "focus is on the items");
  assertNoErrors(errors);
  await context.close();
});

test("a whole folder dropped from the desktop arrives as folders and files", async () => {
  const { context, page, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  const top = `dropped-${Date.now()}`;
  await createFolder(page, top);
  await openFolder(page, [top]);
  const dir = await hierarchy();
  // Chromium's own drag and drop, as from the file manager: a directory, not files.
  const box = await items(page).boundingBox();
  const cdp = await context.newCDPSession(page);
  const data = { items: [], files: [join(dir, "campaign")], dragOperationsMask: 1 };
  for (const type of ["dragEnter", "dragOver", "drop"]) {
    await cdp.send("Input.dispatchDragEvent", { type, x: box.x + 40, y: box.y + 40, data });
  }
  const uploads = page.getByRole("region", { name: "Uploads" });
  await uploads.getByText("3 of 3 files").waitFor();
  for (const name of ["campaign/hero.png", "campaign/2024/spring.png", "campaign/2024/notes/readme.txt"]) {
    await uploads.getByRole("progressbar", { name: `Upload of ${name}` }).waitFor();
  }
  await openFolder(page, ["campaign"]);
  await openFolder(page, ["2024"]);
  await option(page, "spring.png").waitFor();
  await option(page, "notes").waitFor();

  // Rename: a new name in the same folder.
  await page.getByRole("button", { name: "List view" }).click();
  await option(page, "spring.png").click();
  await page.getByRole("button", { name: "Rename", exact: true }).click();
  const rename = page.getByRole("dialog", { name: "Rename spring.png" });
  await rename.getByLabel("Name", { exact: true }).fill("spring-2024.png");
  await rename.getByRole("button", { name: "Rename", exact: true }).click();
  await status(page).getByText("spring.png is renamed spring-2024.png.").waitFor();
  await option(page, "spring-2024.png").waitFor();
  assert.equal(await option(page, /^spring\.png/).count(), 0);
  assertNoErrors(errors);
  await context.close();
});

test("a checked-out asset shows its holder to others, who are refused; the holder checks it in with a comment", async () => {
  const author = await openConsole(DAM_USER, DAM_PASSWORD);
  const top = `lock-${Date.now()}`;
  // Named for this run: a long-lived deployment may hold earlier runs' checked-out posters.
  const poster = `poster-${Date.now()}.png`;
  await createFolder(author.page, top);
  await openFolder(author.page, [top]);
  await author.page.locator('input[type=file]:not([webkitdirectory])').setInputFiles({ name: poster, mimeType: "image/png", buffer: png(50, 50, [0, 120, 120]) });
  await option(author.page, poster).waitFor();
  await option(author.page, poster).click();
  await author.page.getByRole("button", { name: "Check Out" }).click();
  await option(author.page, poster).getByText(`Checked out by ${DAM_USER}`).waitFor();
  await author.page.getByRole("button", { name: "Check In" }).waitFor();

  const other = await openConsole(ADMIN_USER, ADMIN_PASSWORD);
  await openFolder(other.page, [top]);
  await option(other.page, poster).getByText(`Checked out by ${DAM_USER}`).waitFor();
  await option(other.page, poster).click();
  assert.equal(await other.page.getByRole("button", { name: "Check Out" }).isDisabled(), true, "nobody else checks it out");
  await other.page.getByRole("button", { name: "Delete" }).click();
  const confirm = other.page.getByRole("dialog", { name: "Delete 1 item(s)?" });
  await confirm.getByRole("button", { name: "Delete" }).click();
  await confirm.getByRole("alert").getByText(`is checked out by ${DAM_USER}`).waitFor();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  assertNoErrors(other.errors);
  await other.context.close();

  await author.page.getByRole("button", { name: "Check In" }).click();
  const dialog = author.page.getByRole("dialog", { name: `Check In ${poster}` });
  await dialog.getByLabel("File").setInputFiles({ name: poster, mimeType: "image/png", buffer: png(60, 60, [0, 90, 200]) });
  await dialog.getByLabel("Comment (optional)").fill("Retouched colours");
  await dialog.getByRole("button", { name: "Check In" }).click();
  await status(author.page).getByText("Checked in as version 2.").waitFor();
  await option(author.page, poster).click();
  await author.page.getByRole("button", { name: "Timeline" }).click();
  const rail = author.page.getByRole("complementary", { name: "Timeline" });
  await rail.getByText("Checked in (version 2)").waitFor();
  await rail.getByText("Retouched colours").waitFor();
  assert.equal(await option(author.page, poster).getByText("Checked out by").count(), 0, "the check-in released the lock");

  // "Checked out by" finds what someone holds.
  await option(author.page, poster).click();
  await author.page.getByRole("button", { name: "Check Out" }).click();
  await option(author.page, poster).getByText(`Checked out by ${DAM_USER}`).waitFor();
  const search = author.page.getByRole("search", { name: "Search assets" });
  await search.getByRole("button", { name: "Filters" }).click();
  await search.getByLabel("Checked out by").fill(DAM_USER);
  await search.getByRole("button", { name: "Search", exact: true }).click();
  await author.page.getByRole("heading", { level: 1, name: /^Search results/ }).waitFor();
  await option(author.page, poster).waitFor();
  await search.getByRole("button", { name: "Clear search" }).click();
  assertNoErrors(author.errors);
  await author.context.close();
});

test("a collection gathers assets, and a share link lets someone without an account download one", async () => {
  const { context, page, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  await openFolder(page, ["Samples"]);
  await option(page, "lighthouse.jpg").click();
  await page.getByRole("button", { name: "Add to Collection" }).click();
  const add = page.getByRole("dialog", { name: "Add to Collection" });
  const title = `Picks ${Date.now()}`;
  await add.getByLabel("Or a new collection").fill(title);
  await add.getByRole("button", { name: "Add" }).click();
  await status(page).getByText(`1 asset(s) added to the collection ${title}.`).waitFor();

  await page.getByRole("button", { name: "Share Link" }).click();
  const share = page.getByRole("dialog", { name: "Share Link" });
  await share.getByRole("button", { name: "Create link" }).click();
  const link = await share.getByLabel("Link").inputValue();
  assert.match(link, /\/share\/[0-9a-f]{64}$/);
  await share.getByRole("button", { name: "Done" }).click();

  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  await visitor.goto(link);
  await visitor.getByRole("heading", { name: "Shared assets" }).waitFor();
  const download = visitor.getByRole("link", { name: "Download lighthouse.jpg" });
  const href = await download.getAttribute("href");
  const bytes = await stranger.request.get(new URL(href, link).toString());
  assert.equal(bytes.status(), 200);
  assert.equal(bytes.headers()["content-type"], "image/jpeg");
  assert.deepEqual(await seriousViolations(visitor), [], "the share page");

  // The collection, opened from the nav: shared with a group, then emptied.
  const places = page.getByRole("navigation", { name: "Collections and links" });
  await places.getByRole("link", { name: title }).click();
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
  await option(page, "lighthouse.jpg").waitFor();
  const bar = page.getByRole("group", { name: "Collection" });
  await bar.getByLabel("Group").selectOption("dam-users");
  await bar.getByRole("button", { name: "Share Collection" }).click();
  await bar.getByText("shared with dam-users (read)").waitFor();
  await option(page, "lighthouse.jpg").click();
  await bar.getByRole("button", { name: "Remove from Collection" }).click();
  await page.getByText("Nothing here yet.").waitFor();

  // Revoked from My share links: the visitor's link stops working.
  await places.getByRole("link", { name: "My share links" }).click();
  const links = page.getByRole("main", { name: "My share links" });
  await links.getByRole("button", { name: "Revoke the link to lighthouse.jpg" }).first().click();
  await status(page).getByText("The link is revoked.").waitFor();
  const gone = await stranger.request.get(link);
  assert.equal(gone.status(), 404, "a revoked link opens nothing");
  await stranger.close();
  assertNoErrors(errors);
  await context.close();
});

/// The Assets deployment's API as `user`, outside any browser page.
async function damApi(user, password) {
  const api = await request.newContext({ baseURL: ASSETS });
  const login = await api.post("/api/login", { data: { user, password } });
  assert.equal(login.status(), 200, `${user} logs in`);
  const { csrf_token: csrf } = await login.json();
  const headers = { "x-csrf-token": csrf };
  return {
    createFolder: (path) => api.post(`/api/folders${path}`, { data: {}, headers }),
    upload: (path, type, body) => api.put(`/api/assets${path}`, { data: body, headers: { ...headers, "content-type": type } }),
    createTag: (tag, title) => api.post("/api/tags", { data: { tag, title }, headers }),
    asset: async (path) => (await api.get(`/api/assets${path}`)).json(),
    retitle: (path, title) => api.patch(`/api/assets${path}`, { data: { title }, headers }),
    describe: (path, description) => api.patch(`/api/assets${path}`, { data: { description }, headers }),
    createLiveCopy: (source, destination) => api.post("/api/live-copies", { data: { source, destination }, headers }),
    liveCopy: (path) => api.get(`/api/live-copies${path}`),
    dispose: () => api.dispose(),
  };
}

test("a search saved as a collection stays current", async () => {
  const word = `beacon${Date.now()}`;
  const folder = `/content/dam/${word}`;
  const dam = await damApi(DAM_USER, DAM_PASSWORD);
  assert.equal((await dam.createFolder(folder)).status(), 201);
  assert.equal((await dam.upload(`${folder}/${word}-a.txt`, "text/plain", "a")).status(), 201);

  const { context, page, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  const search = page.getByRole("search", { name: "Search assets" });
  await search.getByLabel("Search").fill(word);
  // The filters open under a toggle that says how many are set.
  const filters = search.getByRole("button", { name: /^Filters/ });
  assert.equal(await filters.getAttribute("aria-expanded"), "false");
  assert.equal(await search.getByLabel(/^Type/).count(), 0, "closed filters are not on the page");
  await filters.click();
  assert.equal(await filters.getAttribute("aria-expanded"), "true");
  // The Content Finder's type filters: PDFs only finds nothing, text files find it.
  await search.getByLabel(/^Type/).selectOption("document");
  await search.getByLabel("Document type").selectOption("pdf");
  await search.getByRole("button", { name: "Filters (2)" }).waitFor();
  await search.getByRole("button", { name: "Search", exact: true }).click();
  await page.getByText("Nothing found.").waitFor();
  await search.getByLabel("Document type").selectOption("text");
  await search.getByRole("button", { name: "Search", exact: true }).click();
  await option(page, `${word}-a.txt`).waitFor();
  await search.getByRole("button", { name: "Save as Collection" }).click();
  const save = page.getByRole("dialog", { name: "Save as Collection" });
  await save.getByLabel("Title").fill(`Beacons ${word}`);
  await save.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { level: 1, name: `Beacons ${word}` }).waitFor();
  await option(page, `${word}-a.txt`).waitFor();

  // What is added later is in it the next time it is opened.
  assert.equal((await dam.upload(`${folder}/${word}-b.txt`, "text/plain", "b")).status(), 201);
  await dam.dispose();
  await openFolder(page, [word]);
  const places = page.getByRole("navigation", { name: "Collections and links" });
  await places.getByRole("link", { name: `Beacons ${word}` }).click();
  await option(page, `${word}-b.txt`).waitFor();
  assert.equal(await items(page).getByRole("option").count(), 2);
  assertNoErrors(errors);
  await context.close();
});

test("a logged-in user's first screen loads no module it does not show, such as the login form's", async () => {
  const { context, page, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  const fresh = await context.newPage();
  const modules = [];
  fresh.on("request", (r) => {
    if (r.url().endsWith(".wasm")) modules.push(new URL(r.url()).pathname.split("/").pop());
  });
  await fresh.goto(`${ASSETS}/assets`);
  await items(fresh).getByRole("option").first().waitFor();
  await fresh.getByRole("navigation", { name: "Folders" }).waitFor();
  assert.ok(modules.includes("tessera_console_bg.wasm"), `the console's own module: ${modules}`);
  assert.deepEqual(modules.filter((m) => m.startsWith("split_login")), [], `modules loaded: ${modules}`);
  assert.equal(await fresh.getByRole("main", { name: "Log in to Assets" }).count(), 0);
  await fresh.close();
  assertNoErrors(errors);
  await context.close();
});

test("a folder of many assets opens with its first page and scrolls through the rest a page at a time", async () => {
  const name = `many-${Date.now()}`;
  const dam = await damApi(DAM_USER, DAM_PASSWORD);
  assert.equal((await dam.createFolder(`/content/dam/${name}`)).status(), 201);
  const count = 230;
  for (let i = 0; i < count; i++) {
    const file = `note-${String(i).padStart(3, "0")}.txt`;
    const put = await dam.upload(`/content/dam/${name}/${file}`, "text/plain", `note ${i}\n`);
    assert.equal(put.status(), 201, await put.text());
  }
  await dam.dispose();

  const { context, page, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  await openFolder(page, [name]);
  const options = items(page).getByRole("option");
  await page.getByText(`100 of ${count} assets`).waitFor();
  assert.equal(await options.count(), 100, "only the first page is loaded");
  assert.equal(await options.first().textContent().then((t) => t.includes("note-000.txt")), true, "sorted by name");

  // Scrolling near the end brings the next page.
  await page.getByRole("main", { name }).evaluate((main) => main.scrollTo(0, main.scrollHeight));
  await page.getByText(`200 of ${count} assets`).waitFor();
  assert.equal(await options.count(), 200);
  // Select all takes what is loaded, and says so.
  await items(page).focus();
  await page.keyboard.press("Control+a");
  await status(page).getByText(`Selected the 200 assets loaded of ${count}; load more results to select more.`).waitFor();
  assert.equal(await items(page).getByRole("option", { selected: true }).count(), 200);
  // And the button does the same, by keyboard as well as by mouse.
  await page.getByRole("button", { name: "Load more results" }).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Load more results" }).waitFor({ state: "detached" });
  assert.equal(await options.count(), count, "every asset once");
  assert.equal(await option(page, "note-229.txt").count(), 1);

  // Another order asks the server again, from the first page, shown from the top: left
  // at the bottom, the list would fetch its second page unasked.
  await page.getByLabel("Sort by").selectOption("size");
  await page.getByText(`100 of ${count} assets`).waitFor();
  assert.equal(await page.getByRole("main", { name }).evaluate((main) => main.scrollTop), 0, "a new order starts at the top");
  assert.equal(await options.count(), 100);

  // A search pages the same way, in the console's order.
  await page.getByLabel("Sort by").selectOption("name");
  const search = page.getByRole("search", { name: "Search assets" });
  await search.getByLabel("Search").fill(name.split("-")[1]);
  await search.getByRole("button", { name: "Search", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: `Search results (${count})` }).waitFor();
  await page.getByText(`100 of ${count} assets`).waitFor();
  await page.getByRole("button", { name: "Load more results" }).click();
  await page.getByText(`200 of ${count} assets`).waitFor();
  const names = await options.evaluateAll((all) => all.map((o) => o.textContent.match(/note-\d{3}\.txt/)?.[0]));
  assert.deepEqual(names.slice(98, 102), ["note-098.txt", "note-099.txt", "note-100.txt", "note-101.txt"], "the second page continues the first");
  await search.getByRole("button", { name: "Clear search" }).click();
  await page.getByLabel("Sort by").selectOption("size");
  await page.getByText(`100 of ${count} assets`).waitFor();

  // The folder is in the address: a reload keeps it, Back goes to the folder before.
  assert.match(page.url(), new RegExp(`\\?folder=%2Fcontent%2Fdam%2F${name}$`));
  await page.reload();
  await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();
  await page.getByText(`100 of ${count} assets`).waitFor();
  await page.goBack();
  await page.waitForURL(/\?folder=%2Fcontent%2Fdam$/);
  await option(page, name).waitFor();
  assertNoErrors(errors);
  await context.close();
});

test("Properties edits free properties and tags from the taxonomy, and a change made meanwhile is a conflict", async () => {
  const stamp = Date.now();
  const folder = `/content/dam/props-${stamp}`;
  const dam = await damApi(DAM_USER, DAM_PASSWORD);
  assert.equal((await dam.createFolder(folder)).status(), 201);
  assert.equal((await dam.upload(`${folder}/shoe.png`, "image/png", png(30, 20, [90, 90, 90]))).status(), 201);
  const tag = `campaign:season-${stamp}/spring`;
  assert.equal((await dam.createTag(tag, `Spring ${stamp}`)).status(), 201);

  const { context, page, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  await openFolder(page, [`props-${stamp}`]);
  await option(page, "shoe.png").click();
  await page.keyboard.press("p");
  const rail = page.getByRole("complementary", { name: "Properties" });
  await rail.getByRole("button", { name: "Add property" }).click();
  await rail.getByLabel("Name of property 1").fill("sku");
  await rail.getByLabel("Value of sku").fill("B-1");
  await rail.getByLabel("Add tag").selectOption({ label: `Spring ${stamp} (${tag})` });
  await rail.getByRole("button", { name: `Remove tag Spring ${stamp}` }).waitFor();
  await rail.getByRole("button", { name: "Save" }).click();
  await status(page).getByText("The properties are saved.").waitFor();
  const saved = await dam.asset(`${folder}/shoe.png`);
  assert.deepEqual(saved.properties, { sku: "B-1" });
  assert.deepEqual(saved.tags, [tag]);

  // Someone else changes the asset; this form's save is refused, nothing is overwritten.
  assert.equal((await dam.retitle(`${folder}/shoe.png`, "Changed elsewhere")).status(), 200);
  await rail.getByLabel("Title").fill("Mine");
  await rail.getByRole("button", { name: "Save" }).click();
  await rail.getByRole("alert").getByText("changed after you opened it").waitFor();
  assert.equal((await dam.asset(`${folder}/shoe.png`)).title, "Changed elsewhere");

  // A property removed and a tag removed are saved as gone.
  await page.reload();
  await option(page, "shoe.png").click();
  await page.keyboard.press("p");
  await rail.getByLabel("Value of sku").waitFor();
  await rail.getByRole("button", { name: "Remove sku" }).click();
  await rail.getByRole("button", { name: `Remove tag Spring ${stamp}` }).click();
  await rail.getByRole("button", { name: "Save" }).click();
  await status(page).getByText("The properties are saved.").waitFor();
  const cleared = await dam.asset(`${folder}/shoe.png`);
  assert.deepEqual([cleared.properties, cleared.tags], [{}, []]);
  await dam.dispose();
  assertNoErrors(errors);
  await context.close();
});

test("axe-core finds nothing serious on the console's screens", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${ASSETS}/assets`);
  await page.getByRole("main", { name: "Log in to Assets" }).waitFor();
  assert.deepEqual(await seriousViolations(page), [], "the login");
  await context.close();

  const { context: c, page: p, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  await openFolder(p, ["Samples"]);
  assert.deepEqual(await seriousViolations(p), [], "cards");
  await p.getByRole("button", { name: "List view" }).click();
  await option(p, "lighthouse.jpg").click();
  await p.getByRole("button", { name: "Properties" }).click();
  await p.getByRole("complementary", { name: "Properties" }).getByLabel("Title").waitFor();
  assert.deepEqual(await seriousViolations(p), [], "list and properties");
  await p.getByRole("button", { name: "Timeline" }).click();
  await p.getByRole("complementary", { name: "Timeline" }).getByText("Created (version 1)").waitFor();
  assert.deepEqual(await seriousViolations(p), [], "timeline");
  await createMenu(p, "Folder");
  await p.getByRole("dialog", { name: "Create Folder" }).waitFor();
  assert.deepEqual(await seriousViolations(p), [], "a dialog");
  await p.keyboard.press("Escape");
  await p.getByRole("dialog", { name: "Create Folder" }).waitFor({ state: "detached" });
  await option(p, "lighthouse.jpg").click();
  await p.getByRole("button", { name: "Rename", exact: true }).click();
  await p.getByRole("dialog", { name: "Rename lighthouse.jpg" }).waitFor();
  assert.deepEqual(await seriousViolations(p), [], "the Rename dialog");
  await p.keyboard.press("Escape");
  const search = p.getByRole("search", { name: "Search assets" });
  await search.getByLabel("Search").fill("lighthouse");
  await search.getByRole("button", { name: "Search", exact: true }).click();
  await search.getByRole("button", { name: "Save as Collection" }).click();
  await p.getByRole("dialog", { name: "Save as Collection" }).waitFor();
  assert.deepEqual(await seriousViolations(p), [], "search results and the Save as Collection dialog");
  await p.keyboard.press("Escape");
  assertNoErrors(errors);
  await c.close();
});

test("a live copy's Properties show its source and status; Cancel inheritance, Synchronize, Suspend, Resume and Detach work from there", async () => {
  const stamp = Date.now();
  const [master, local] = [`/content/dam/master-${stamp}`, `/content/dam/local-${stamp}`];
  const dam = await damApi(DAM_USER, DAM_PASSWORD);
  assert.equal((await dam.createFolder(master)).status(), 201);
  assert.equal((await dam.createFolder(local)).status(), 201);
  assert.equal((await dam.upload(`${master}/hero.png`, "image/png", png(30, 20, [200, 40, 40]))).status(), 201);
  assert.equal((await dam.createLiveCopy(`${master}/hero.png`, `${local}/hero.png`)).status(), 201);

  const { context, page, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  await openFolder(page, [`local-${stamp}`]);
  await option(page, "hero.png").click();
  await page.keyboard.press("p");
  const rail = page.getByRole("complementary", { name: "Properties" });
  // Properties has tabs, as the seed's has: Basic, then Live Copy for a live copy.
  const tab = (name) => rail.getByRole("tab", { name, exact: true }).click();
  await tab("Live Copy");
  const section = rail.getByRole("region", { name: "Live Copy" });
  await section.getByText(`${master}/hero.png`).waitFor();
  await section.getByText("In sync").waitFor();

  // The source changes; Synchronize brings it, and the form shows it.
  assert.equal((await dam.retitle(`${master}/hero.png`, "Hero from the source")).status(), 200);
  await section.getByRole("button", { name: "Synchronize" }).click();
  await status(page).getByText("The live copy is synchronized with its source.").waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll(".rail input[type=text]")].some((i) => i.value === "Hero from the source"));

  // Suspended, it offers no Synchronize; resumed, it does again.
  await section.getByRole("button", { name: "Suspend" }).click();
  await section.getByText("Suspended").waitFor();
  assert.equal(await section.getByRole("button", { name: "Synchronize" }).count(), 0, "not offered while suspended");
  await section.getByRole("button", { name: "Resume" }).click();
  await section.getByRole("button", { name: "Synchronize" }).waitFor();

  // An inherited field is read-only until its inheritance is cancelled; then it is the
  // copy's own, which a Synchronize that brings the source's new value keeps.
  const keptThroughSynchronize = async (label, field, ours, changeSource) => {
    await tab("Basic");
    const input = rail.getByLabel(label, { exact: true });
    assert.equal(await input.getAttribute("readonly"), "", `an inherited ${field} is read-only`);
    await rail.getByRole("button", { name: `Cancel inheritance of ${label}` }).click();
    await rail.getByRole("button", { name: `Re-enable inheritance of ${label}` }).waitFor();
    assert.equal(await input.getAttribute("readonly"), null);
    await input.fill(ours);
    await rail.getByRole("button", { name: "Save" }).click();
    await status(page).getByText("The properties are saved.").waitFor();
    assert.equal((await changeSource()).status(), 200);
    await tab("Live Copy");
    await section.getByRole("button", { name: "Synchronize" }).click();
    await status(page).getByText("The live copy is synchronized with its source.").waitFor();
    assert.equal((await dam.asset(`${local}/hero.png`))[field], ours, `the local ${field} survives a Synchronize`);
  };
  await keptThroughSynchronize("Title", "title", "Local hero", () => dam.retitle(`${master}/hero.png`, "Source again"));
  // Compare with source says what differs, and why.
  await section.getByRole("button", { name: "Compare with source" }).click();
  const compared = page.getByRole("dialog", { name: "Compare with source" });
  await compared.getByRole("row", { name: "Title Source again Local hero Local modification" }).waitFor();
  assert.deepEqual(await seriousViolations(page), [], "Compare with source");
  await page.keyboard.press("Escape");
  await compared.waitFor({ state: "detached" });
  await tab("Basic");
  await rail.getByRole("button", { name: "Re-enable inheritance of Title" }).click();
  await rail.getByRole("button", { name: "Cancel inheritance of Title" }).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll(".rail input[type=text]")].some((i) => i.value === "Source again"));
  assert.equal((await dam.asset(`${local}/hero.png`)).title, "Source again");

  // The description likewise.
  await keptThroughSynchronize("Description", "description", "Our own words", () => dam.describe(`${master}/hero.png`, "The source's words"));

  // Reset asks first, then every field inherits again: the description is the source's.
  await section.getByRole("button", { name: "Reset" }).click();
  const reset = page.getByRole("dialog", { name: "Reset the live copy?" });
  await reset.getByText("cannot be undone").waitFor();
  await reset.getByRole("button", { name: "Reset" }).click();
  await status(page).getByText("The live copy is reset to its source.").waitFor();
  await tab("Basic");
  await rail.getByRole("button", { name: "Cancel inheritance of Description" }).waitFor();
  assert.equal((await dam.asset(`${local}/hero.png`)).description, "The source's words", "Reset takes the source's description");
  await page.waitForFunction(() => [...document.querySelectorAll(".rail textarea")].some((t) => t.value === "The source's words"));
  assert.deepEqual(await seriousViolations(page), [], "a live copy's Properties");

  // The References rail shows its source, with Open Source and Rollout.
  await page.keyboard.press("Alt+4");
  const references = page.getByRole("complementary", { name: "References" }).getByRole("region", { name: "Live Copy Source" });
  await references.getByText(`${master}/hero.png (In sync)`).waitFor();
  await references.getByRole("button", { name: "Rollout" }).waitFor();
  assert.deepEqual(await seriousViolations(page), [], "the References rail of a live copy");
  await page.keyboard.press("p");
  await tab("Live Copy");

  // Detach asks first, says it cannot be undone, and then the asset stands alone.
  await section.getByRole("button", { name: "Detach" }).click();
  const confirm = page.getByRole("dialog", { name: "Detach the live copy?" });
  await confirm.getByText("cannot be undone").waitFor();
  await confirm.getByRole("button", { name: "Detach" }).click();
  await status(page).getByText("The live copy is detached").waitFor();
  await section.waitFor({ state: "detached" });
  assert.equal((await dam.liveCopy(`${local}/hero.png`)).status(), 409, "no relationship any more");
  await dam.dispose();
  assertNoErrors(errors);
  await context.close();
});

test("a folder's live copy is made in the console, rolled out with all its children from its source, and managed in the Live Copy Overview", async () => {
  const stamp = Date.now();
  const [master, target] = [`master-${stamp}`, `lc-${stamp}`];
  const dam = await damApi(DAM_USER, DAM_PASSWORD);
  for (const folder of [master, target]) {
    assert.equal((await dam.createFolder(`/content/dam/${folder}`)).status(), 201);
  }
  for (const name of ["hero.png", "logo.png"]) {
    assert.equal((await dam.upload(`/content/dam/${master}/${name}`, "image/png", png(24, 16, [30, 90, 200]))).status(), 201);
  }

  const { context, page, errors } = await openConsole(DAM_USER, DAM_PASSWORD);
  // Create Live Copy of the selected folder: destination, title and name, its children.
  await option(page, master).click();
  await createMenu(page, "Live Copy");
  const dialog = page.getByRole("dialog", { name: "Create Live Copy" });
  await dialog.getByText(`Source: /content/dam/${master}`).waitFor();
  await dialog.getByLabel("Destination folder").selectOption(`/content/dam/${target}`);
  await dialog.getByLabel("Title (optional)").fill("English");
  await dialog.getByLabel("Name").fill("en");
  assert.equal(await dialog.getByLabel("Include children").isChecked(), true, "a folder's children come by default");
  assert.equal(await dialog.getByLabel("Rollout config").inputValue(), "standard");
  assert.deepEqual(await seriousViolations(page), [], "the Create Live Copy dialog");
  await dialog.getByRole("button", { name: "Create" }).click();
  await status(page).getByText("The Live Copy en is created; its children are being made").waitFor();

  // The job that makes the children, on Async Jobs.
  await page.getByRole("navigation", { name: "Collections and links" }).getByRole("link", { name: "Async Jobs" }).click();
  const jobs = page.getByRole("main", { name: "Async Jobs" });
  await jobs.getByRole("row").filter({ hasText: `/content/dam/${target}/en` }).getByText("Done · 2 of 2 assets").waitFor();
  assert.deepEqual(await seriousViolations(page), [], "Async Jobs");

  // The source changes; Rollout Source and all Children from its Properties brings it all.
  assert.equal((await dam.retitle(`/content/dam/${master}/hero.png`, "Hero v2")).status(), 200);
  assert.equal((await dam.upload(`/content/dam/${master}/new.png`, "image/png", png(12, 12, [10, 160, 60]))).status(), 201);
  await openFolder(page, [master]);
  await page.getByRole("navigation", { name: "Breadcrumbs" }).getByRole("link", { name: "Assets" }).click();
  await option(page, master).click();
  await page.keyboard.press("p");
  const properties = page.getByRole("complementary", { name: "Properties" });
  await properties.getByRole("tab", { name: "Live Copy Source" }).click();
  const source = properties.getByRole("region", { name: "Live Copy Source" });
  await source.getByLabel(`/content/dam/${target}/en (Out of sync)`).waitFor();
  await source.getByRole("button", { name: "Rollout Source and all Children" }).click();
  // First what it will do, then the rollout.
  const preview = page.getByRole("dialog", { name: "Rollout preview" });
  await preview.getByText(`/content/dam/${target}/en: changes Title on 1 asset(s); adds 1 (new in the source).`).waitFor();
  assert.deepEqual(await seriousViolations(page), [], "the Rollout preview");
  await preview.getByRole("button", { name: "Rollout Source and all Children" }).click();
  await status(page).getByText("Rolling out to 1 live copy folders with all their children").waitFor();
  await waitUntil(async () => (await dam.asset(`/content/dam/${target}/en/hero.png`)).title === "Hero v2");
  await waitUntil(async () => (await dam.liveCopy(`/content/dam/${target}/en/new.png`)).status() === 200);

  // Listings mark live copies.
  await openFolder(page, [target, "English"]);
  await option(page, "new.png").getByText("Live Copy").waitFor();

  // The Live Copy Overview: every live copy asset, bulk actions over a selection.
  await page.getByRole("navigation", { name: "Breadcrumbs" }).getByRole("link", { name: "Assets" }).click();
  await option(page, master).click();
  await page.keyboard.press("p");
  await properties.getByRole("tab", { name: "Live Copy Source" }).click();
  await source.getByRole("button", { name: "Live Copy Overview" }).click();
  const overview = page.getByRole("main", { name: "Live Copy Overview" });
  await overview.getByRole("row").filter({ hasText: `/content/dam/${target}/en/new.png` }).waitFor();
  assert.equal(await overview.getByRole("row").count(), 4, "a header and three live copies");
  assert.deepEqual(await seriousViolations(page), [], "the Live Copy Overview");
  await overview.getByLabel("Select all live copies").check();
  await overview.getByRole("button", { name: "Suspend" }).click();
  await status(page).getByText("3 live copies suspended.").waitFor();
  await overview.getByRole("row").filter({ hasText: "Suspended" }).nth(2).waitFor();
  await overview.getByLabel("Select all live copies").check();
  await overview.getByRole("button", { name: "Resume" }).click();
  await status(page).getByText("3 live copies resumed.").waitFor();
  // The selection stays after an action; cleared, one live copy is chosen.
  await overview.getByLabel("Select all live copies").uncheck();
  await overview.getByLabel(`Select /content/dam/${target}/en/logo.png`).check();
  await overview.getByRole("button", { name: "Relationship Status" }).click();
  const details = page.getByRole("dialog", { name: "Relationship Status" });
  await details.getByText(`/content/dam/${master}/logo.png`).waitFor();
  await page.keyboard.press("Escape");
  await details.waitFor({ state: "detached" });
  await overview.getByRole("button", { name: "Detach" }).click();
  const confirm = page.getByRole("dialog", { name: "Detach 1 live copies?" });
  await confirm.getByText("cannot be undone").waitFor();
  await confirm.getByRole("button", { name: "Detach" }).click();
  await status(page).getByText("1 live copies detached.").waitFor();
  assert.equal((await dam.liveCopy(`/content/dam/${target}/en/logo.png`)).status(), 409, "standalone now");
  await overview.getByRole("row").filter({ hasText: "logo.png" }).waitFor({ state: "detached" });
  await dam.dispose();
  assertNoErrors(errors);
  await context.close();
});

/// Polls `check` until it holds (a job finishing in the background), for up to 30 s.
async function waitUntil(check) {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail("the condition never held");
}
