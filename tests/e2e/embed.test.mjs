// The Content Finder embedded in a page that is not the editor (www/embed.html):
// the JavaScript API, the custom element, drags onto the host's own drop zone,
// unmounting without leftovers, and two finders side by side.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { ASSETS, DAM_PASSWORD, DAM_USER, SITES, assertNoErrors, launch, seriousViolations, watchErrors } from "./harness.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// Counts the event listeners on window, document and every element still in the
/// document, from before the page's own scripts run.
function countListeners() {
  const live = new Set();
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const key = (target, type, listener, options) => ({ target, type, listener, capture: !!(typeof options === "boolean" ? options : options?.capture) });
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (listener) live.add(key(this, type, listener, options));
    return add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    const k = key(this, type, listener, options);
    for (const entry of live) {
      if (entry.target === this && entry.type === k.type && entry.listener === listener && entry.capture === k.capture) live.delete(entry);
    }
    return remove.call(this, type, listener, options);
  };
  const active = () => [...live].filter(({ target }) => target === window || target === document || (target instanceof Node && target.isConnected));
  window.__activeListeners = () => active().length;
  window.__listenerDetails = () =>
    active().map(({ target, type }) => `${target === window ? "window" : target === document ? "document" : target.nodeName + (target.id ? "#" + target.id : "") + "." + (target.className || "")} ${type}`);
}

async function openEmbed() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(countListeners);
  const login = await context.request.post(`${SITES}/api/login`, { data: { user: DAM_USER, password: DAM_PASSWORD } });
  assert.equal(login.status(), 200);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${SITES}/www/embed.html`);
  await page.locator('html[data-embed-ready="true"]').waitFor();
  return { context, page, errors };
}

/// Mounts a finder into a new container on the page; its events go to window.__events[name].
/// The page is served by the Sites deployment, so its DAM is the finder's local one
/// unless `options` say otherwise.
async function mount(page, name, options) {
  options = { repository: "", ...options };
  await page.evaluate(async ([name, options]) => {
    const { mountFinder } = await import("/pkg/finder.js");
    const box = document.createElement("section");
    box.id = name;
    box.setAttribute("aria-label", name);
    document.querySelector("main").append(box);
    window.__finders ??= {};
    window.__events ??= {};
    const events = (window.__events[name] = []);
    const handle = await mountFinder(box, options);
    for (const event of ["selectionchange", "selectionconfirm", "dragstart", "loginrequired", "error"]) {
      handle.on(event, (detail) => events.push({ event, detail }));
    }
    window.__finders[name] = handle;
  }, [name, options]);
  return page.getByRole("region", { name, exact: true });
}

const events = (page, name) => page.evaluate((name) => window.__events[name], name);

/// Why mountFinder refuses `options` on a detached element, or "mounted".
const refusal = (page, options) =>
  page.evaluate(async (options) => {
    const { mountFinder } = await import("/pkg/finder.js");
    try {
      await mountFinder(document.createElement("div"), options);
      return "mounted";
    } catch (e) {
      return e.message;
    }
  }, options);

test("mounted with the JavaScript API: search, select, confirm, and the events carry the asset", async () => {
  const { context, page, errors } = await openEmbed();
  const box = await mount(page, "picker", { accept: ["image/*"], filters: ["search"] });
  const finder = box.getByRole("region", { name: "Content Finder" });
  assert.equal(await finder.getByLabel(/^Type/).count(), 0, "only the filters asked for show");
  await finder.getByRole("searchbox", { name: "Search assets" }).fill("harbor");
  const card = finder.getByRole("button", { name: "Harbor at dusk (image)" });
  await card.click();
  assert.equal(await card.getAttribute("aria-pressed"), "true");

  const [changed] = await events(page, "picker");
  assert.equal(changed.event, "selectionchange");
  const [asset] = changed.detail;
  assert.equal(asset.repository, SITES);
  assert.equal(asset.path, "/content/dam/local-samples/harbor.jpg");
  assert.equal(asset.title, "Harbor at dusk");
  assert.equal(asset.mime, "image/jpeg");
  assert.deepEqual([asset.width, asset.height], [1200, 800]);
  assert.ok(asset.size > 0);
  assert.equal(asset.renditions["web-1280"], `${SITES}/api/renditions/web-1280/content/dam/local-samples/harbor.jpg`);
  const rendition = await context.request.get(asset.renditions["thumbnail-319"]);
  assert.equal(rendition.status(), 200, "the rendition URLs work as given");

  await card.press("Enter");
  const confirmed = (await events(page, "picker")).at(-1);
  assert.equal(confirmed.event, "selectionconfirm");
  assert.equal(confirmed.detail[0].path, asset.path);

  // Documents are not offered when only images are accepted.
  await finder.getByRole("searchbox", { name: "Search assets" }).fill("price");
  await finder.getByText("Nothing here.").waitFor();
  assertNoErrors(errors);
  await context.close();
});

test("a drag from the custom element onto the host page's own drop zone carries the asset", async () => {
  const { context, page, errors } = await openEmbed();
  const rail = page.getByRole("complementary", { name: "Assets rail" });
  await rail.getByRole("button", { name: "Local samples" }).click();
  const zone = page.getByRole("region", { name: "Drop zone" });
  await rail.getByRole("button", { name: "Price list (document)" }).dragTo(zone);
  await zone.getByText("Price list (/content/dam/local-samples/price-list.pdf, application/pdf,").waitFor();
  await rail.getByRole("button", { name: "Harbor at dusk (image)" }).dragTo(zone);
  const img = zone.getByRole("img", { name: "Harbor at dusk" });
  await img.waitFor();
  assert.equal(await img.evaluate((i) => i.decode().then(() => i.naturalWidth > 0)), true, "the host shows the web rendition");
  const log = page.getByRole("list", { name: "Finder events" });
  await log.getByText(/^rail dragstart: .*"title":"Harbor at dusk"/).waitFor();
  assert.deepEqual(await seriousViolations(page), [], "the embed page has no serious or critical accessibility violations");
  assertNoErrors(errors);
  await context.close();
});

test("setOptions changes only what it names: the README's example keeps the remote DAM, the words and accept", async () => {
  const { context, page, errors } = await openEmbed();
  const box = await mount(page, "merging", {
    remoteRepository: ASSETS,
    accept: ["image/*"],
    selection: "multiple",
    theme: "dark",
    strings: { search: "Find an asset" },
  });
  await box.locator(".tessera-finder-root.theme-dark").waitFor();
  await page.evaluate(() => {
    const finder = window.__finders.merging;
    finder.setOptions({ theme: "light", selection: "single" });   // the README's line, verbatim
  });
  await box.locator(".tessera-finder-root.theme-light").waitFor();
  const search = box.getByRole("searchbox", { name: "Find an asset" });
  await search.fill("price");
  await box.getByText("Nothing here.").waitFor();
  await search.fill("harbor");
  await box.getByRole("button", { name: "Harbor at dusk (image)" }).click();
  await search.fill("red");
  await box.getByRole("button", { name: "Red tower (image)" }).click();
  const chosen = (await events(page, "merging")).filter((e) => e.event === "selectionchange").map((e) => e.detail.length);
  assert.deepEqual(chosen.slice(-1), [1], "one at a time after selection: single");
  // The remote DAM is still there; the strings merge key by key.
  await page.evaluate(() => window.__finders.merging.setOptions({ strings: { remote: "Brand DAM" } }));
  await box.getByRole("radio", { name: "Brand DAM" }).click();
  await box.getByRole("button", { name: "Log in to Connected Assets" }).waitFor();
  assert.equal(await box.getByText("This deployment has no remote DAM configured.").count(), 0);
  await box.getByRole("searchbox", { name: "Find an asset" }).waitFor();
  assertNoErrors(errors);
  await context.close();
});

test("on a page that is not a Tessera deployment the finder has no local DAM, and opens initialFolder after logging in", async () => {
  const { context, page, errors } = await openEmbed();
  // The example page's own rail is aimed at this site: let it settle, then take it away.
  await page.getByRole("complementary", { name: "Assets rail" }).getByRole("button", { name: "Local samples" }).waitFor();
  await page.evaluate(() => document.getElementById("rail").remove());
  const own = [];
  page.on("request", (r) => {
    if (r.url().startsWith(`${SITES}/api/`)) own.push(r.url());
  });
  const refused = await refusal(page, {});
  assert.match(refused, /Name at least one repository/);
  const box = await mount(page, "remote-only", { repository: undefined, remoteRepository: ASSETS, initialFolder: "/content/dam/samples" });
  await box.getByRole("button", { name: "Log in to Connected Assets" }).click();
  const dialog = box.getByRole("dialog", { name: "Log in to Connected Assets" });
  await dialog.getByLabel("User name").fill(DAM_USER);
  await dialog.getByLabel("Password").fill(DAM_PASSWORD);
  await dialog.getByRole("button", { name: "Log in", exact: true }).click();
  const crumbs = box.getByRole("navigation", { name: "Breadcrumb" });
  await crumbs.getByRole("button", { name: "Samples" }).waitFor();
  assert.equal(await box.getByRole("radio", { name: "Local" }).count(), 0, "no local DAM to choose");
  assert.deepEqual(own, [], "nothing asked of the host page's own origin");
  assertNoErrors(errors);
  await context.close();
});

test("accept goes to the DAM's search: one image behind forty text files is found, browsing and searching", async () => {
  const { context, page, errors } = await openEmbed();
  const login = await context.request.post(`${SITES}/api/login`, { data: { user: DAM_USER, password: DAM_PASSWORD } });
  const headers = { "x-csrf-token": (await login.json()).csrf_token };
  const folder = `/content/dam/crowd-${Date.now()}`;
  assert.equal((await context.request.post(`${SITES}/api/folders${folder}`, { data: {}, headers })).status(), 201);
  for (let i = 0; i < 40; i++) {
    const name = `crowd-${String(i).padStart(2, "0")}.txt`;
    const put = await context.request.put(`${SITES}/api/assets${folder}/${name}`, { data: `crowd ${i}`, headers: { ...headers, "content-type": "text/plain" } });
    assert.equal(put.status(), 201);
  }
  const pixel = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  const image = await context.request.put(`${SITES}/api/assets${folder}/crowd-zz.png`, { data: pixel, headers: { ...headers, "content-type": "image/png" } });
  assert.equal(image.status(), 201);

  const box = await mount(page, "accepting", { accept: ["image/*"], initialFolder: folder });
  await box.getByRole("button", { name: /crowd-zz.* \(image\)/ }).waitFor();
  assert.equal(await box.getByRole("button", { name: /\(document\)$/ }).count(), 0, "no text file is offered");
  await box.getByRole("searchbox", { name: "Search assets" }).fill("crowd");
  await box.getByRole("button", { name: /crowd-zz.* \(image\)/ }).waitFor();
  assert.equal(await box.getByText("Nothing here.").count(), 0);
  const refused = await refusal(page, { repository: "", accept: ["pictures"] });
  assert.match(refused, /`accept`: "pictures" is not a MIME type/);
  assertNoErrors(errors);
  await context.close();
});

test("every word of the finder can be the host's, and its filters offer only what accept lets through", async () => {
  const { context, page, errors } = await openEmbed();
  const box = await mount(page, "words", {
    remoteRepository: ASSETS,
    accept: ["image/*"],
    strings: {
      local: "Ours",
      remote: "Brand",
      logIn: "Sign in to the brand DAM",
      logInButton: "Sign in",
      loggedInAs: "Signed in as {user}",
      logOut: "Sign out",
      nothingHere: "No images here.",
      rootFolder: "Everything",
      type: "Kind",
    },
  });
  await box.getByRole("navigation", { name: "Breadcrumb" }).getByRole("button", { name: "Everything" }).waitFor();
  assert.equal(await box.getByLabel("Kind").count(), 0, "only images are accepted: no Type filter to offer Documents");
  await box.getByRole("radio", { name: "Brand" }).click();
  await box.getByRole("button", { name: "Sign in to the brand DAM" }).click();
  const dialog = box.getByRole("dialog", { name: "Sign in to the brand DAM" });
  await dialog.getByLabel("User name").fill(DAM_USER);
  await dialog.getByLabel("Password").fill(DAM_PASSWORD);
  await dialog.getByRole("button", { name: "Sign in", exact: true }).click();
  await box.getByText(`Signed in as ${DAM_USER}`).waitFor();
  await box.getByRole("button", { name: "Sign out" }).waitFor();
  await box.getByRole("searchbox", { name: "Search assets" }).fill("zzzznothing");
  await box.getByText("No images here.").waitFor();

  // Only documents, of two types: no Type filter, and a Document type filter with those two.
  const docs = await mount(page, "documents", { accept: ["application/pdf", "text/plain"] });
  const doctype = docs.getByLabel("Document type");
  await doctype.waitFor();
  assert.deepEqual(await doctype.locator("option").allTextContents(), ["Any", "PDF", "Text"]);
  assert.equal(await docs.getByLabel("Type", { exact: true }).count(), 0);
  // Choosing one searches for it, though no Type was chosen (documents are all there is).
  await doctype.selectOption("pdf");
  await docs.getByRole("button", { name: "Price list (document)" }).waitFor();

  const refused = await refusal(page, { repository: "", strings: { serach: "Find" } });
  assert.match(refused, /`strings` has no word "serach"; its words are search, logIn/);
  assertNoErrors(errors);
  await context.close();
});

test("each keystroke searches at once, gives up the search before it, and keeps the last results on screen meanwhile", async () => {
  const { context, page, errors } = await openEmbed();
  const box = await mount(page, "typing", {});
  const gaveUp = [];
  page.on("requestfailed", (r) => {
    if (new URL(r.url()).pathname === "/api/search") gaveUp.push(new URL(r.url()).searchParams.get("q"));
  });
  // The DAM is slow to answer "har" and "harb": long enough for the next keystroke.
  const slow = new Set(["har", "harb"]);
  await page.route(
    (url) => url.pathname === "/api/search" && slow.has(url.searchParams.get("q")),
    async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await route.continue().catch(() => {});
    },
  );
  const search = box.getByRole("searchbox", { name: "Search assets" });
  const searchFor = (words) => (r) => new URL(r.url()).pathname === "/api/search" && new URL(r.url()).searchParams.get("q") === words;
  // "harbor" is typed only once the search for "har" is on its way: on a busy machine
  // the two keystrokes could otherwise come before the first search is sent.
  const asked = page.waitForRequest(searchFor("har"));
  await search.fill("har");
  await asked;
  const givenUp = page.waitForEvent("requestfailed", searchFor("har"));
  await search.fill("harbor");
  const harbor = box.getByRole("button", { name: "Harbor at dusk (image)" });
  await harbor.waitFor();
  await givenUp;
  assert.deepEqual(gaveUp, ["har"], "the search for the older text is given up");
  // While "harb" is on its way, the results for "harbor" stay.
  await search.fill("harb");
  assert.equal(await harbor.isVisible(), true);
  assert.equal(await box.getByText("Loading…").count(), 0);
  assertNoErrors(errors);
  await context.close();
});

test("on() refuses an event the finder does not have, naming those it has", async () => {
  const { context, page, errors } = await openEmbed();
  await mount(page, "events", {});
  const message = await page.evaluate(() => {
    try {
      window.__finders.events.on("selectionchanged", () => {});
      return "accepted";
    } catch (e) {
      return e.message;
    }
  });
  assert.equal(message, 'The finder has no event "selectionchanged"; its events are selectionchange, selectionconfirm, dragstart, loginrequired, error.');
  assertNoErrors(errors);
  await context.close();
});

test("unmount() leaves no DOM and no event listeners behind", async () => {
  const { context, page, errors } = await openEmbed();
  // The rail's finder is still loading its folder; let it settle first.
  await page.getByRole("complementary", { name: "Assets rail" }).getByRole("button", { name: "Local samples" }).waitFor();
  const before = await page.evaluate(() => window.__activeListeners());
  const beforeDetails = await page.evaluate(() => window.__listenerDetails());
  const box = await mount(page, "temporary", { selection: "multiple" });
  await box.getByRole("searchbox", { name: "Search assets" }).fill("harbor");
  await box.getByRole("button", { name: "Harbor at dusk (image)" }).click();
  assert.ok(await page.evaluate(() => window.__activeListeners()) > before, "the mounted finder listens to its controls");

  await page.evaluate(() => window.__finders.temporary.unmount());
  assert.equal(await page.evaluate(() => document.getElementById("temporary").childElementCount), 0);
  assert.equal(await page.locator('[id^="tessera-finder-"][id*="temporary"], #temporary *').count(), 0);
  const after = await page.evaluate(() => window.__listenerDetails());
  assert.deepEqual(after.filter((d) => !beforeDetails.includes(d)), [], "every listener the finder added is gone");
  assert.equal(after.length, before);
  const late = await page.evaluate(() => { try { window.__finders.temporary.setOptions({}); return "accepted"; } catch (e) { return e.message; } });
  assert.equal(late, "This finder has been unmounted.");
  assertNoErrors(errors);
  await context.close();
});

test("two finders on one page do not interfere", async () => {
  const { context, page, errors } = await openEmbed();
  const a = await mount(page, "first", { root: "/content/dam/local-samples" });
  const b = await mount(page, "second", { selection: "multiple", theme: "dark", strings: { search: "Find" } });
  assert.equal(await b.locator(".tessera-finder-root.theme-dark").count(), 1);
  assert.equal(await a.locator(".tessera-finder-root.theme-light").count(), 1);
  const padding = (box) => box.locator(".tessera-finder-root").evaluate((e) => getComputedStyle(e).padding);
  assert.equal(await padding(b), await padding(a), "dark and light keep the same room around the content");
  assert.notEqual(await padding(a), "0px");

  // The first cannot leave its root: its breadcrumb starts there.
  const crumbs = a.getByRole("navigation", { name: "Breadcrumb" });
  await crumbs.getByRole("button", { name: "Local samples" }).waitFor();
  assert.deepEqual(await crumbs.getByRole("button").allTextContents(), ["Local samples"], "titles where there are titles");
  await a.getByRole("button", { name: "Red tower (image)" }).click();
  await b.getByRole("searchbox", { name: "Find" }).fill("harbor");
  await b.getByRole("button", { name: "Harbor at dusk (image)" }).click();

  assert.deepEqual((await events(page, "first")).map((e) => e.detail.map((x) => x.title)), [["Red tower"]]);
  assert.deepEqual((await events(page, "second")).map((e) => e.detail.map((x) => x.title)), [["Harbor at dusk"]]);
  assert.equal(await a.getByRole("button", { name: "Harbor at dusk (image)" }).count(), 1, "the second's search left the first's list alone");
  const ids = await page.evaluate(() => [...document.querySelectorAll("[id^='tessera-finder-']")].map((e) => e.id));
  assert.equal(new Set(ids).size, ids.length, "element ids are unique across finders");

  await page.evaluate(() => window.__finders.first.unmount());
  await b.getByRole("button", { name: "Harbor at dusk (image)" }).click();
  assert.equal((await events(page, "second")).length, 2, "the second keeps working after the first is gone");
  assertNoErrors(errors);
  await context.close();
});

test("the custom element follows its attributes, and removing it unmounts the finder", async () => {
  const { context, page, errors } = await openEmbed();
  const rail = page.locator("#rail");
  await rail.locator(".tessera-finder-root.theme-light").waitFor();
  await page.evaluate(() => document.getElementById("rail").setAttribute("theme", "dark"));
  await rail.locator(".tessera-finder-root.theme-dark").waitFor();
  await page.evaluate(() => document.getElementById("rail").setAttribute("filters", "search"));
  assert.equal(await rail.getByLabel(/^Type/).count(), 0);
  const bad = page.evaluate(() => new Promise((resolve) => {
    const el = document.getElementById("rail");
    el.addEventListener("tessera-error", (e) => resolve(e.detail.message), { once: true });
    el.setAttribute("root", "/content/dam/local-samples");
    el.setAttribute("initial-folder", "/content/dam/elsewhere");
  }));
  assert.match(await bad, /initialFolder.* is outside `root`/);
  const left = await page.evaluate(() => {
    const el = document.getElementById("rail");
    const before = el.shadowRoot.childElementCount;
    el.remove();
    return [before, el.childElementCount + el.shadowRoot.childElementCount];
  });
  assert.deepEqual(left, [1, 0], "a removed <tessera-finder> leaves nothing inside it, nor in its shadow root");
  assertNoErrors(errors);
  await context.close();
});

test("attributes set on <tessera-finder> while it is still mounting are kept", async () => {
  const { context, page, errors } = await openEmbed();
  await page.evaluate(() => {
    const el = document.createElement("tessera-finder");
    el.id = "late";
    el.setAttribute("repository", "");
    document.querySelector("main").append(el);
    el.setAttribute("theme", "dark");
    el.setAttribute("filters", "search");
  });
  const late = page.locator("#late");
  await late.locator(".tessera-finder-root.theme-dark").waitFor();
  await late.getByRole("searchbox", { name: "Search assets" }).waitFor();
  assert.equal(await late.getByLabel(/^Type/).count(), 0, "the filters set while mounting hold");
  assertNoErrors(errors);
  await context.close();
});

test("in a shadow root the page's styles stay out and its --tessera-finder-* properties get in", async () => {
  const { context, page, errors } = await openEmbed();
  await page.addStyleTag({
    content: ".tessera-finder .finder-search { border: 5px solid rgb(255, 0, 0) !important; } main, aside { --tessera-finder-ink: rgb(0, 128, 0); }",
  });
  const border = (locator) => locator.evaluate((e) => getComputedStyle(e).borderTopColor);
  const ink = (locator) => locator.evaluate((e) => getComputedStyle(e).color);
  // The rail is <tessera-finder>, which renders in its shadow root.
  const rail = page.locator("#rail");
  const railSearch = rail.getByRole("searchbox", { name: "Search assets" });
  await railSearch.waitFor();
  assert.equal(await rail.evaluate((el) => el.shadowRoot?.mode), "open");
  assert.notEqual(await border(railSearch), "rgb(255, 0, 0)", "the page's rule does not reach into the shadow root");
  assert.equal(await ink(rail.getByRole("region", { name: "Content Finder" })), "rgb(0, 128, 0)", "the custom property does");
  // mountFinder renders in the light DOM unless asked: there the page's rule applies.
  const light = await mount(page, "light", {});
  assert.equal(await border(light.getByRole("searchbox", { name: "Search assets" })), "rgb(255, 0, 0)");
  const shadowed = await mount(page, "shadowed", { shadow: true });
  const search = shadowed.getByRole("searchbox", { name: "Search assets" });
  await search.waitFor();
  assert.notEqual(await border(search), "rgb(255, 0, 0)");
  assert.equal(await ink(shadowed.getByRole("region", { name: "Content Finder" })), "rgb(0, 128, 0)");
  await page.evaluate(() => window.__finders.shadowed.unmount());
  assert.equal(await page.evaluate(() => document.getElementById("shadowed").shadowRoot.childElementCount), 0, "unmount() empties the shadow root");
  assertNoErrors(errors);
  await context.close();
});

test("the finder in a modal offers only images and hands the chosen one to the host", async () => {
  const { context, page, errors } = await openEmbed();
  await page.getByRole("button", { name: "Choose an image…" }).click();
  const dialog = page.getByRole("dialog", { name: "Choose an image" });
  const search = dialog.getByRole("searchbox", { name: "Search images" });
  await search.fill("red");
  const card = dialog.getByRole("button", { name: "Red tower (image)" });
  await card.dblclick();
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("region", { name: "Drop zone" }).getByRole("img", { name: "Red tower" }).waitFor();
  assert.equal(await page.locator("#modal-finder *").count(), 0, "closing the dialog unmounted its finder");
  assertNoErrors(errors);
  await context.close();
});

test("without a session the finder says a login is required, and logs in by itself", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const refused = [];
  page.on("response", (r) => {
    if (r.status() === 401) refused.push(r.url());
  });
  await page.goto(`${SITES}/www/embed.html`);
  const log = page.getByRole("list", { name: "Finder events" });
  await log.getByText(`rail loginrequired: {"repository":"${SITES}"}`).waitFor();
  const rail = page.getByRole("complementary", { name: "Assets rail" });
  await rail.getByRole("button", { name: "Log in", exact: true }).click();
  const dialog = rail.getByRole("dialog", { name: "Log in to Tessera" });
  await dialog.getByLabel("User name").fill(DAM_USER);
  await dialog.getByLabel("Password").fill(DAM_PASSWORD);
  await dialog.getByRole("button", { name: "Log in", exact: true }).click();
  await rail.getByRole("button", { name: "Local samples" }).waitFor();
  // The finder asked who is logged in, and nothing more until someone was: no request
  // was refused, so the browser's console shows no 401.
  assert.deepEqual(refused, []);
  assertNoErrors(errors);
  await context.close();
});

test("on a 360 px phone the embedding example's rail fits below the page's own content", async () => {
  const { context, page, errors } = await openEmbed();
  await page.setViewportSize({ width: 360, height: 740 });
  const rail = page.getByRole("complementary", { name: "Assets rail" });
  await rail.getByRole("button", { name: "Local samples" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, "nothing spills past the window");
  const box = await rail.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 361, `the rail fits across (${box.x} + ${box.width})`);
  assertNoErrors(errors);
  await context.close();
});
