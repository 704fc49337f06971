// The editor by keyboard alone: tabs, dialogs (focus in, Escape, focus back), the
// component Enter places into, notifications below dialogs, and the whole
// Connected Assets walk-through from an empty page to a published one with no mouse
// and no drag, a visible focus ring at every step.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  ASSETS, DAM_PASSWORD, DAM_USER, SITES, addComponent, assertNoErrors, imageLoaded, launch, logInToConnectedAssets, newPage, openEditor, seriousViolations,
} from "./harness.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// What has focus, for messages.
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "the document";
    return `${el.tagName.toLowerCase()} ${el.getAttribute("aria-label") ?? el.getAttribute("name") ?? el.textContent.trim().slice(0, 40)}`;
  });
}

/// Fails unless the focused element shows a focus ring (an outline or a box shadow).
async function assertFocusRing(page) {
  const ring = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return true;
    const s = getComputedStyle(el);
    return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
  });
  assert.ok(ring, `no visible focus ring on ${await focused(page)}`);
}

/// Presses Tab (or Shift+Tab, when the target comes earlier in the page) until the
/// target has focus; every stop on the way must show its focus ring.
async function tabTo(page, locator, max = 150) {
  await locator.waitFor();
  const target = await locator.elementHandle();
  // Backwards when what has focus now comes after the target (or inside it).
  const backwards = await target.evaluate((el) => {
    const now = document.activeElement;
    return !!now && now !== document.body && !!(el.compareDocumentPosition(now) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    await assertFocusRing(page);
  }
  throw new Error(`Tab did not reach the target; focus is on ${await focused(page)}`);
}

/// Opens the Assets console and logs in by keyboard; returns its listbox.
async function logInToConsole(page) {
  await page.goto(`${ASSETS}/assets`);
  const form = page.getByRole("main", { name: "Log in to Assets" });
  await tabTo(page, form.getByLabel("User name"));
  await page.keyboard.type(DAM_USER);
  await page.keyboard.press("Tab");
  await page.keyboard.type(DAM_PASSWORD);
  await page.keyboard.press("Enter");
  const listbox = page.getByRole("listbox", { name: "Assets and folders" });
  await listbox.waitFor();
  return listbox;
}

async function isFocused(locator) {
  return locator.evaluate((el) => el === document.activeElement);
}

test("the side panel's and Async Jobs' tabs follow the WAI-ARIA tabs pattern", async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, errors } = await openEditor(context);
  const assets = page.getByRole("tab", { name: "Assets" });
  await tabTo(page, assets);
  assert.equal(await page.getByRole("tab", { name: "Components" }).getAttribute("tabindex"), "-1", "only the selected tab is in the Tab order");
  await page.keyboard.press("ArrowRight");
  const components = page.getByRole("tab", { name: "Components" });
  assert.equal(await components.getAttribute("aria-selected"), "true");
  assert.ok(await isFocused(components), "the arrow moves focus with the selection");
  await page.getByRole("button", { name: "Add Title" }).waitFor();
  await page.keyboard.press("End");
  assert.ok(await isFocused(page.getByRole("tab", { name: "Pages" })));
  await page.keyboard.press("ArrowRight");
  assert.ok(await isFocused(assets), "the arrows wrap around");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowLeft");
  assert.ok(await isFocused(page.getByRole("tab", { name: "Pages" })));
  await page.keyboard.press("Tab");
  assert.ok(await isFocused(page.getByRole("tabpanel", { name: "Pages" })), "Tab enters the panel");

  const jobs = await context.newPage();
  const jobErrors = [];
  jobs.on("pageerror", (e) => jobErrors.push(e.message));
  await jobs.goto(`${SITES}/editor/jobs`);
  const active = jobs.getByRole("tab", { name: /^Active/ });
  await active.focus();
  await jobs.keyboard.press("ArrowRight");
  assert.equal(await jobs.getByRole("tab", { name: /^Success/ }).getAttribute("aria-selected"), "true");
  assert.ok(await isFocused(jobs.getByRole("tab", { name: /^Success/ })));
  // Times in the browser's locale, the full timestamp on hover.
  const stamp = jobs.locator("table.jobs time").first();
  await stamp.waitFor();
  assert.match(await stamp.getAttribute("datetime"), /^\d{4}-\d\d-\d\dT/);
  assert.ok((await stamp.getAttribute("title")).length > (await stamp.textContent()).length, "the title holds the full timestamp");
  assert.deepEqual(jobErrors, []);
  assertNoErrors(errors);
  await context.close();
});

test("dialogs take focus, close on Escape and give focus back to what opened them", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page, errors } = await openEditor(context);
  await newPage(page, "dialogs", "Dialogs");

  // Log in to Connected Assets: the first field has focus at once.
  await page.getByRole("tab", { name: "Assets" }).click();
  await page.getByRole("radio", { name: "Remote" }).click();
  const opener = page.getByRole("button", { name: "Log in to Connected Assets" });
  await opener.focus();
  await page.keyboard.press("Enter");
  const login = page.getByRole("dialog", { name: "Log in to Connected Assets" });
  await login.waitFor();
  assert.ok(await isFocused(login.getByLabel("User name")), `focus is on ${await focused(page)}`);
  await page.keyboard.press("Escape");
  await login.waitFor({ state: "detached" });
  assert.ok(await isFocused(opener), `focus went back to ${await focused(page)}`);

  // Keyboard shortcuts, by "?".
  await page.locator("body").press("?");
  const shortcuts = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await shortcuts.waitFor();
  assert.match(await shortcuts.textContent(), /Ctrl\+S.*Save the page/);
  await page.keyboard.press("Escape");
  await shortcuts.waitFor({ state: "detached" });

  // Properties of an Download component, opened from its toolbar.
  const download = await addComponent(page, "Download");
  const properties = download.getByRole("button", { name: "Properties" });
  await properties.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Properties" });
  await dialog.waitFor();
  assert.notEqual(await focused(page), "the document", "something in the dialog has focus");
  assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), `focus is on ${await focused(page)}`);
  // Focus stays inside: the page behind the dialog is inert.
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Tab");
    assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), `Tab left the dialog for ${await focused(page)}`);
  }
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.ok(await isFocused(properties), `focus went back to ${await focused(page)}`);

  assert.deepEqual(await seriousViolations(page), []);
  assertNoErrors(errors);
  await context.close();
});

test("Enter places into the component the author chose, and a component refuses what it cannot take", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const { page, errors } = await openEditor(context);
  await newPage(page, "placing", "Placing");
  const image = await addComponent(page, "Image");
  const download = await addComponent(page, "Download");
  await page.getByRole("tab", { name: "Assets" }).click();
  await page.getByRole("radio", { name: "Local" }).click();
  await page.getByRole("button", { name: "Local samples" }).click();

  // Choose the Image component, then pass through the Download component on the way.
  await image.focus();
  await page.keyboard.press("Enter");
  const hint = page.locator("#place-target");
  assert.equal(await hint.textContent(), "Enter places into: Image 1");
  await download.focus();
  await page.keyboard.press("Tab");
  assert.equal(await hint.textContent(), "Enter places into: Image 1", "focus passing through does not choose");
  const harbor = page.getByRole("button", { name: "Harbor at dusk (image)" });
  await harbor.focus();
  await page.keyboard.press("Enter");
  assert.equal(await imageLoaded(image.getByRole("img", { name: "Harbor at dusk" })), true, "the image went into the Image component");
  assert.equal(await download.getByRole("link").count(), 0);

  // An image is no download: refused, with a message, and nothing changes.
  await download.focus();
  await page.keyboard.press("Enter");
  assert.equal(await hint.textContent(), "Enter places into: Download 1");
  await harbor.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("alert").getByText("is an image: the Download component takes documents").waitFor();
  await download.getByText("Drag a document here").waitFor();

  assertNoErrors(errors);
  await context.close();
});

test("notifications never cover an open dialog's buttons", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page, errors } = await openEditor(context);
  await newPage(page, "notices", "Notices");
  const title = await addComponent(page, "Title");
  await page.getByRole("tab", { name: "Assets" }).click();
  await page.getByRole("radio", { name: "Local" }).click();
  await page.getByRole("button", { name: "Local samples" }).click();
  const priceList = page.getByRole("button", { name: "Price list (document)" });
  // Four refusals (a Title takes no assets): errors stay until closed.
  for (let i = 0; i < 4; i++) {
    await title.focus();
    await page.keyboard.press("Enter");
    await priceList.focus();
    await page.keyboard.press("Enter");
  }
  const notices = page.getByRole("region", { name: "Notifications" });
  await notices.getByText("more").waitFor();
  assert.equal(await notices.getByRole("listitem").count(), 3, "three at once, the rest behind 'N more'");

  await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  const close = dialog.getByRole("button", { name: "Close" });
  await close.waitFor();
  const box = await close.boundingBox();
  const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.textContent, [box.x + box.width / 2, box.y + box.height / 2]);
  assert.equal(onTop, "Close", "the dialog's button is what is under the pointer");
  await close.click();
  assertNoErrors(errors);
  await context.close();
});

test("the Connected Assets walk-through by keyboard alone: an empty page to a published page with a remote image and a remote PDF", async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, errors } = await openEditor(context);
  await page.locator("body").focus();

  // A new page, from the Pages tab.
  await tabTo(page, page.getByRole("tab", { name: "Assets" }));
  await page.keyboard.press("End");
  const form = page.getByRole("form", { name: "New page" });
  await tabTo(page, form.getByLabel("Title"));
  await page.keyboard.type("By keyboard");
  await page.keyboard.press("Tab");
  await page.keyboard.type("by-keyboard");
  await page.keyboard.press("Enter");
  await page.getByText("/content/we-retail/en/by-keyboard").first().waitFor();

  // An Image and a Download component, from the Components tab.
  await tabTo(page, page.getByRole("tab", { name: "Pages" }));
  await page.keyboard.press("ArrowLeft");
  await tabTo(page, page.getByRole("button", { name: "Add Image" }));
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByRole("button", { name: "Add Download" }));
  await page.keyboard.press("Enter");
  const image = page.getByRole("group", { name: "Image component" });
  const download = page.getByRole("group", { name: "Download component" });
  await download.waitFor();

  // Log in to the remote DAM.
  await tabTo(page, page.getByRole("tab", { name: "Components" }));
  await page.keyboard.press("Home");
  // The repository switch is a radio group: Tab reaches the chosen one, an arrow
  // key chooses the other.
  await tabTo(page, page.getByRole("radio", { name: "Local" }));
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getByRole("radio", { name: "Remote" }).getAttribute("aria-checked"), "true");
  await tabTo(page, page.getByRole("button", { name: "Log in to Connected Assets" }));
  await page.keyboard.press("Enter");
  const login = page.getByRole("dialog", { name: "Log in to Connected Assets" });
  await login.waitFor();
  // The field may hold the name last used; replace it.
  await page.keyboard.press("Control+a");
  await page.keyboard.type(DAM_USER);
  await page.keyboard.press("Tab");
  await page.keyboard.type(DAM_PASSWORD);
  await page.keyboard.press("Enter");
  await login.waitFor({ state: "detached" });
  await tabTo(page, page.getByRole("button", { name: "Samples" }));
  await page.keyboard.press("Enter");

  // The image into the Image component, chosen with Enter.
  await tabTo(page, image);
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#place-target").textContent(), "Enter places into: Image 1");
  await tabTo(page, page.getByRole("button", { name: "Mountain lake (image)" }));
  await page.keyboard.press("Enter");
  assert.equal(await imageLoaded(image.getByRole("img", { name: "Mountain lake" })), true);

  // The PDF into the Download component.
  await tabTo(page, download);
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#place-target").textContent(), "Enter places into: Download 1");
  await tabTo(page, page.getByRole("button", { name: "Product sheet (document)" }));
  await page.keyboard.press("Enter");
  await download.getByText(/product-sheet\.pdf · PDF · \d+ B/).waitFor();

  // Save, then publish.
  await page.keyboard.press("Control+s");
  await page.getByText("All changes saved").waitFor();
  await tabTo(page, page.getByRole("button", { name: "Publish", exact: true }));
  await page.keyboard.press("Enter");
  const publish = page.getByRole("dialog", { name: "Publish" });
  const confirm = publish.getByRole("button", { name: "Publish page" });
  await confirm.waitFor();
  await tabTo(page, confirm, 10);
  await page.keyboard.press("Enter");
  await publish.getByRole("link", { name: "View the published page" }).waitFor();
  await page.keyboard.press("Escape");
  await publish.waitFor({ state: "detached" });

  const html = await (await context.request.get(`${SITES}/content/we-retail/en/by-keyboard.html`)).text();
  assert.match(html, /<img [^>]*alt="[^"]*"/, "the published page shows the image");
  assert.match(html, /<a href="\/published\/[0-9a-f]{64}" download="product-sheet\.pdf">Product sheet<\/a>/, "and offers the PDF");
  assertNoErrors(errors);
  await context.close();
});

test("the Assets console walk-through by keyboard alone: log in, create a folder, upload, select, check out, properties, references, delete", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const listbox = await logInToConsole(page);

  // Create → Folder: the menu opens on its first item, the dialog takes focus, Enter
  // creates, focus comes back to the menu's button.
  const name = `keys-${Date.now()}`;
  const create = page.getByRole("button", { name: "Create", exact: true });
  await tabTo(page, create);
  await page.keyboard.press("Enter");
  const menu = page.getByRole("menu", { name: "Create" });
  assert.ok(await isFocused(menu.getByRole("menuitem", { name: "Folder", exact: true })), "the menu opens on Folder");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Create Folder" });
  await dialog.waitFor();
  assert.ok(await isFocused(dialog.getByLabel("Name")), "the dialog's first field has focus");
  await page.keyboard.type(name);
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "detached" });
  assert.ok(await isFocused(create), "focus is back on Create");

  // Into it through the tree, then Create → Files (the system's file dialog).
  await tabTo(page, page.getByRole("navigation", { name: "Folders" }).getByRole("link", { name, exact: true }));
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();
  await page.getByText("This folder is empty.").waitFor();
  // Listening before the key, so the browser already hands file dialogs to the test.
  const choosing = page.waitForEvent("filechooser");
  await tabTo(page, create);
  await page.keyboard.press("Enter");
  await page.keyboard.press("ArrowDown");
  assert.ok(await isFocused(menu.getByRole("menuitem", { name: "Files", exact: true })), "Down moves to Files");
  await page.keyboard.press("Enter");
  const chooser = await choosing;
  await chooser.setFiles([
    { name: "one.txt", mimeType: "text/plain", buffer: Buffer.from("one") },
    { name: "two.txt", mimeType: "text/plain", buffer: Buffer.from("two") },
  ]);
  await page.getByRole("region", { name: "Uploads" }).getByText("2 of 2 files").waitFor();
  await listbox.getByRole("option").nth(1).waitFor();

  // The listbox: arrows select, Ctrl+A selects all, and Check Out takes both.
  await tabTo(page, listbox);
  await page.keyboard.press("Home");
  assert.equal(await listbox.getByRole("option", { selected: true }).count(), 1);
  await page.keyboard.press("Control+a");
  assert.equal(await listbox.getByRole("option", { selected: true }).count(), 2, "Ctrl+A selects all");
  await tabTo(page, page.getByRole("button", { name: "Check Out" }));
  await page.keyboard.press("Enter");
  await page.getByRole("status").getByText("2 assets are checked out to you.").waitFor();

  // One asset: p opens Properties, Enter in the form saves.
  await tabTo(page, listbox);
  await page.keyboard.press("End");
  await page.keyboard.press("p");
  const properties = page.getByRole("complementary", { name: "Properties" });
  const title = properties.getByLabel("Title");
  await tabTo(page, title);
  await page.keyboard.press("Control+a");
  await page.keyboard.type("Second note");
  await page.keyboard.press("Enter");
  await page.getByRole("status").getByText("The properties are saved.").waitFor();
  await listbox.getByRole("option").filter({ hasText: "Second note" }).waitFor();

  // Alt+4 shows the References rail.
  await tabTo(page, listbox);
  await page.keyboard.press("Alt+4");
  await page.getByRole("complementary", { name: "References" }).getByText("No page uses this asset.").waitFor();

  // Delete asks, and deletes.
  await tabTo(page, listbox);
  await page.keyboard.press("Delete");
  const confirm = page.getByRole("dialog", { name: "Delete 1 item(s)?" });
  await tabTo(page, confirm.getByRole("button", { name: "Delete" }));
  await page.keyboard.press("Enter");
  await page.getByRole("status").getByText("1 item(s) deleted.").waitFor();
  await listbox.getByRole("option").filter({ hasText: "Second note" }).waitFor({ state: "detached" });
  assert.equal(await listbox.getByRole("option").count(), 1);
  await context.close();
});

test("MSM by keyboard alone: Create Live Copy of a selected asset, then its Live Copy section: Synchronize and Compare with source", async () => {
  const stamp = Date.now();
  const [master, target] = [`kmaster-${stamp}`, `klc-${stamp}`];
  const api = await (await import("playwright-core")).request.newContext({ baseURL: ASSETS });
  const login = await api.post("/api/login", { data: { user: DAM_USER, password: DAM_PASSWORD } });
  const headers = { "x-csrf-token": (await login.json()).csrf_token };
  for (const folder of [master, target]) {
    assert.equal((await api.post(`/api/folders/content/dam/${folder}`, { data: {}, headers })).status(), 201);
  }
  const upload = await api.put(`/api/assets/content/dam/${master}/note.txt`, { data: "a note", headers: { ...headers, "content-type": "text/plain" } });
  assert.equal(upload.status(), 201);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const listbox = await logInToConsole(page);
  const tree = page.getByRole("navigation", { name: "Folders" });

  // The source selected in its folder, then Create → Live Copy (the menu's last item).
  await tabTo(page, tree.getByRole("link", { name: master, exact: true }));
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: master, exact: true }).waitFor();
  await listbox.getByRole("option").first().waitFor();
  await tabTo(page, listbox);
  await page.keyboard.press("Home");
  const open = page.getByRole("button", { name: "Create", exact: true });
  await tabTo(page, open);
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");
  assert.ok(await isFocused(page.getByRole("menu", { name: "Create" }).getByRole("menuitem", { name: "Live Copy" })), "End moves to Live Copy");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Create Live Copy" });
  await dialog.getByText(`/content/dam/${master}/note.txt`).waitFor();
  const destination = dialog.getByLabel("Destination folder");
  await destination.locator("option", { hasText: `/content/dam/${target}` }).waitFor({ state: "attached" });
  assert.ok(await isFocused(destination), "the destination has focus first");
  await page.keyboard.type(`/content/dam/${target}`);
  assert.equal(await destination.inputValue(), `/content/dam/${target}`, "typing the path picks the folder");
  await tabTo(page, dialog.getByLabel("Name"));
  await page.keyboard.press("Control+a");
  await page.keyboard.type("note-lc.txt");
  await page.keyboard.press("Enter");
  await page.getByRole("status").getByText("The Live Copy note-lc.txt is created.").waitFor();
  await dialog.waitFor({ state: "detached" });
  assert.ok(await isFocused(open), "focus is back on Create");

  // The live copy: p opens its Properties, whose Live Copy section works by keys.
  await tabTo(page, tree.getByRole("link", { name: target, exact: true }));
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: target, exact: true }).waitFor();
  await listbox.getByRole("option").filter({ hasText: "Live Copy" }).waitFor();
  await tabTo(page, listbox);
  await page.keyboard.press("Home");
  await page.keyboard.press("p");
  const rail = page.getByRole("complementary", { name: "Properties" });
  // Its tabs: the selected one is in the Tab order, the arrows move to the next.
  await tabTo(page, rail.getByRole("tab", { name: "Basic" }));
  await page.keyboard.press("ArrowRight");
  assert.ok(await isFocused(rail.getByRole("tab", { name: "Live Copy", exact: true })), "the arrow selects and focuses Live Copy");
  const section = rail.getByRole("region", { name: "Live Copy" });
  await tabTo(page, section.getByRole("button", { name: "Synchronize" }));
  await page.keyboard.press("Enter");
  await page.getByRole("status").getByText("The live copy is synchronized with its source.").waitFor();
  const compare = section.getByRole("button", { name: "Compare with source" });
  await tabTo(page, compare);
  await page.keyboard.press("Enter");
  const compared = page.getByRole("dialog", { name: "Compare with source" });
  await compared.getByText("Every field is as the source has it.").waitFor();
  await page.keyboard.press("Escape");
  await compared.waitFor({ state: "detached" });
  assert.ok(await isFocused(compare), "focus is back on Compare with source");
  assert.deepEqual(errors, []);
  await api.dispose();
  await context.close();
});
