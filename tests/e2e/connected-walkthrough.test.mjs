// Connected Assets as the seed's walk-through has it, across two deployments on two
// sites: log in to the remote DAM, search and filter, drag an image and a document
// (the Sites server fetches them into the mount point), crop the fetched image,
// publish, and see the page among the asset's remote references on the DAM. Then
// what goes wrong: a large original, a DAM that stops answering mid-fetch, a DAM
// that does not allow this site.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";

import {
  ADMIN_PASSWORD, ADMIN_USER, ASSETS, DAM_PASSWORD, DAM_USER, SITES, addComponent, adminApi, assertNoErrors, imageLoaded, launch,
  logInToConnectedAssets, newPage, openEditor, seriousViolations, watchErrors,
} from "./harness.mjs";

const REFUSING_DAM = process.env.REFUSING_DAM_URL;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function remoteFinder(page) {
  await page.getByRole("tab", { name: "Assets" }).click();
  await (await logInToConnectedAssets(page)).waitFor({ state: "detached" });
}

/// The remote DAM as the Sites server sees it, through a proxy that stops answering
/// requests under `silenced` (by default: once the metadata has come and the
/// renditions are asked for).
async function stallingProxy(silenced = "/api/renditions/") {
  const proxy = http.createServer((req, res) => {
    if (req.url.startsWith(silenced)) return; // silence: the DAM has stopped
    const upstream = http.request(`${ASSETS}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return proxy;
}

test("the walk-through: search, filter, drag an image and a document, crop, publish, remote references", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await openEditor(context);
  await newPage(page, "connected", "Connected");
  const image = await addComponent(page, "Image");
  const download = await addComponent(page, "Download");
  await remoteFinder(page);

  const finder = page.getByRole("region", { name: "Content Finder" });
  await finder.getByRole("searchbox", { name: "Search assets" }).fill("dunes");
  await finder.getByLabel(/^Type/).selectOption({ label: "Images" });
  const dunes = finder.getByRole("button", { name: "Dunes panorama (image)" });
  await dunes.waitFor();
  // The words and the filter each bring results; the drag waits for both, so the card
  // it holds is not redrawn under it.
  const cards = finder.getByRole("button", { name: /\((image|document)\)$/ });
  for (let i = 0; i < 50 && (await cards.count()) !== 1; i++) await page.waitForTimeout(100);
  assert.equal(await cards.count(), 1, "only the dunes image is left");
  assert.equal(await finder.getByRole("button", { name: /\(document\)$/ }).count(), 0, "the Images filter leaves documents out");
  await dunes.dragTo(image);
  const placed = image.getByRole("img", { name: "Dunes panorama" });
  assert.equal(await imageLoaded(placed), true);
  assert.equal(await placed.getAttribute("src"), "/api/renditions/web-1280/content/dam/connected/samples/wide-dunes.jpg");

  await finder.getByRole("searchbox", { name: "Search assets" }).fill("");
  await finder.getByLabel(/^Type/).selectOption({ label: "Documents" });
  await finder.getByLabel("Document type").selectOption({ label: "PDF" });
  await finder.getByRole("button", { name: "Product sheet (document)" }).dragTo(download);
  await download.getByText(/product-sheet\.pdf · PDF · \d+ B/).waitFor();

  // The copies are read-only local assets, marked as connected in the local finder.
  await finder.getByRole("radio", { name: "Local" }).click();
  await finder.getByLabel(/^Type/).selectOption({ label: "All" });
  await finder.getByRole("searchbox", { name: "Search assets" }).fill("dunes");
  const copy = finder.getByRole("button", { name: "Dunes panorama (image)" });
  await copy.waitFor();
  assert.equal(await copy.getAttribute("aria-description"), `Connected: a read-only copy from ${ASSETS}`);
  assert.equal(await copy.getByText("Connected").count(), 1, "and the card shows it");

  // Crop the fetched image: a square from the 3:1 panorama.
  await image.getByRole("button", { name: "Edit image" }).click();
  const editorDialog = page.getByRole("dialog", { name: "Edit image" });
  await editorDialog.getByLabel("Aspect").selectOption({ label: "1:1" });
  await editorDialog.getByRole("button", { name: "Done" }).click();
  await editorDialog.waitFor({ state: "detached" });
  const preview = image.locator("canvas.edited-preview");
  await preview.waitFor();
  const [w, h] = await preview.evaluate((c) => [c.width, c.height]);
  // Drawn from the 1280 × 427 web rendition, so a pixel of rounding either way.
  assert.ok(Math.abs(w - h) <= 1, `the preview is square (${w}×${h})`);

  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("All changes saved").waitFor();
  await page.getByRole("button", { name: "Publish" }).click();
  const publish = page.getByRole("dialog", { name: "Publish" });
  const listed = publish.getByRole("list", { name: "Assets on this page" });
  await listed.waitFor();
  assert.match(await listed.textContent(), /Dunes panorama.*fetched from the remote DAM/);
  assert.match(await listed.textContent(), /Product sheet.*fetched from the remote DAM/);
  await publish.getByRole("button", { name: "Publish page" }).click();
  await publish.getByRole("link", { name: "View the published page" }).waitFor();
  await publish.getByRole("button", { name: "Close" }).click();

  const html = await (await context.request.get(`${SITES}/content/we-retail/en/connected.html`)).text();
  const [, width, height] = html.match(/<img src="\/published\/image\/[0-9a-f]{64}\/[0-9a-f]{16}\/\d+\.jpg"[^>]* width="(\d+)" height="(\d+)"/) ?? [];
  assert.ok(width && width === height, `the square crop is published (${width}×${height})`);
  assert.match(html, /href="\/published\/[0-9a-f]{64}"/, "the document is published from the copy");
  assert.doesNotMatch(html, new RegExp(ASSETS.replace(/[.:/]/g, "\\$&")), "nothing on the page points at the remote DAM");

  // On the DAM: the References of the original list this page under this Sites deployment.
  await finder.getByRole("radio", { name: "Remote" }).click();
  await finder.getByRole("searchbox", { name: "Search assets" }).fill("dunes");
  await finder.getByRole("button", { name: "References of Dunes panorama" }).click();
  const references = page.getByRole("dialog", { name: "References of Dunes panorama" });
  const summary = references.getByText(new RegExp(`^${SITES.replace(/[.:/]/g, "\\$&")}: \\d+ page\\(s\\)$`));
  await summary.waitFor();
  await summary.click();
  const link = references.getByRole("link", { name: "/content/we-retail/en/connected" });
  assert.equal(await link.getAttribute("href"), `${SITES}/content/we-retail/en/connected.html`);
  await references.getByRole("button", { name: "Close" }).click();

  // The fetches are on the Async Jobs page.
  const jobs = await context.newPage();
  await jobs.goto(`${SITES}/editor/jobs`);
  await jobs.getByRole("tab", { name: /^Success/ }).click();
  const rows = jobs.getByRole("row").filter({ hasText: "/content/dam/connected/samples/wide-dunes.jpg" });
  await rows.filter({ hasText: "Fetch" }).first().waitFor();
  await rows.filter({ hasText: "Reference report" }).first().waitFor();

  assertNoErrors(errors);
  await context.close();
});

test("an original above the threshold follows in an asynchronous job", async () => {
  const admin = await adminApi();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const restore = await admin.configure({ threshold_bytes: 1000 });
  try {
    const { page, errors } = await openEditor(context);
    await newPage(page, "large", "Large");
    const image = await addComponent(page, "Image");
    await remoteFinder(page);
    await page.getByRole("button", { name: "Samples" }).click();
    await page.getByRole("button", { name: "Sunset (image)" }).dragTo(image);
    assert.equal(await imageLoaded(image.getByRole("img", { name: "Sunset" })), true, "the renditions came at once");
    await page.getByRole("status").getByText("is large: it is being fetched in the background").waitFor();

    const jobs = await context.newPage();
    await jobs.goto(`${SITES}/editor/jobs`);
    const row = jobs.getByRole("row").filter({ hasText: "Original binary" }).filter({ hasText: "sunset-square.png" });
    // Active with its progress bar while it runs, then under Success.
    const active = jobs.getByRole("progressbar", { name: "Original binary of sunset-square.png" });
    if (await active.isVisible()) assert.ok(Number(await active.getAttribute("aria-valuenow")) <= 100);
    await jobs.getByRole("tab", { name: /^Success/ }).click();
    await row.getByText("Done").waitFor();
    const asset = await (await admin.get("/api/assets/content/dam/connected/samples/sunset-square.png")).json();
    assert.ok(asset.renditions.some((r) => r.name === "original"), "the original arrived");
    assertNoErrors(errors);
  } finally {
    await restore();
    await admin.dispose();
    await context.close();
  }
});

test("a DAM that stops answering in the middle of a fetch: given up after 5 seconds, nothing half-written", async () => {
  const proxy = await stallingProxy();
  const admin = await adminApi();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, errors } = await openEditor(context);
    await newPage(page, "stalled", "Stalled");
    const download = await addComponent(page, "Download");
    await remoteFinder(page);
    await page.getByRole("button", { name: "Samples" }).click();
    const restore = await admin.configure({ remote_dam_url: `http://127.0.0.1:${proxy.address().port}` });
    try {
      await page.getByRole("button", { name: "Brand guide (document)" }).dragTo(download);
      await download.getByText("Fetching \u201cBrand guide\u201d from the remote DAM").waitFor();
      const notice = page.getByRole("alert").getByText(/was not fetched from the remote DAM\. .*took longer than 5 seconds.*again to retry/);
      await notice.waitFor({ timeout: 15000 });
      await download.getByText(/was not fetched/).waitFor();
    } finally {
      await restore();
    }
    const copy = await admin.get("/api/assets/content/dam/connected/samples/brand-guide.pdf");
    assert.equal(copy.status(), 404, "nothing of it is in the mount point");
    const failed = await (await admin.get("/api/jobs?state=failed")).json();
    assert.ok(failed.some((j) => j.local_path.endsWith("brand-guide.pdf") && /5 seconds/.test(j.error)));

    // The page still publishes; the component is empty and the dialog says why.
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("All changes saved").waitFor();
    await page.getByRole("button", { name: "Publish" }).click();
    const publish = page.getByRole("dialog", { name: "Publish" });
    await publish.getByText(/Brand guide.*was not fetched from the remote DAM.*will publish empty/).waitFor();
    await publish.getByRole("button", { name: "Publish page" }).click();
    await publish.getByRole("list", { name: "Published empty" }).getByText(/\u201cBrand guide\u201d was not fetched from the remote DAM.*published empty/).waitFor();
    const html = await (await context.request.get(`${SITES}/content/we-retail/en/stalled.html`)).text();
    assert.doesNotMatch(html, /Brand guide/);
    assertNoErrors(errors);
  } finally {
    proxy.close();
    await admin.dispose();
    await context.close();
  }
});

test("a failed fetch again keeps the copy fetched before, and the component, the publish dialog and the published page agree", async () => {
  // The copy's renditions are in the store already, so a fetch again only asks
  // for the metadata: that is what the DAM stops answering.
  const proxy = await stallingProxy("/api/assets/");
  const admin = await adminApi();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, errors } = await openEditor(context);
    await newPage(page, "refetched", "Refetched");
    const image = await addComponent(page, "Image");
    await remoteFinder(page);
    await page.getByRole("button", { name: "Samples" }).click();
    await page.getByRole("button", { name: "Lighthouse (image)" }).dragTo(image);
    await page.getByRole("status").getByText("\u201cLighthouse\u201d was fetched from the remote DAM.").waitFor();
    assert.equal(await imageLoaded(image.getByRole("img", { name: "Lighthouse" })), true);
    const caption = image.getByText(/^Connected Assets copy of \/content\/dam\/samples\/lighthouse\.jpg from http:\/\/127\.0\.0\.1:\d+, fetched .+\.\s*Fetch again$/);
    await caption.waitFor();
    assert.match(await image.locator("time").getAttribute("datetime"), /^\d{4}-\d\d-\d\dT/, "the fetch time is machine-readable");

    const restore = await admin.configure({ remote_dam_url: `http://127.0.0.1:${proxy.address().port}` });
    try {
      await image.getByRole("button", { name: "Fetch again" }).click();
      await image.getByText("Fetching again from the remote DAM\u2026").waitFor();
      await image.getByText(/The last fetch failed: .*5 seconds.* This copy stays in use\./).waitFor({ timeout: 15000 });
      await page.getByRole("alert").getByText(/was not fetched from the remote DAM\. .* The copy fetched before stays in use\./).waitFor();
    } finally {
      await restore();
    }
    assert.equal(await imageLoaded(image.getByRole("img", { name: "Lighthouse" })), true, "the copy fetched before is still shown");
    assert.equal(await image.getByText(/was not fetched/).count(), 0, "the component does not claim there is no copy");

    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("All changes saved").waitFor();
    await page.getByRole("button", { name: "Publish" }).click();
    const publish = page.getByRole("dialog", { name: "Publish" });
    await publish.getByText(/Lighthouse.*fetched from the remote DAM, fetched .+; the last fetch again failed, so this copy is the one published/).waitFor();
    await publish.getByRole("button", { name: "Publish page" }).click();
    await publish.getByRole("link", { name: "View the published page" }).waitFor();
    assert.equal(await publish.getByRole("list", { name: "Published empty" }).getByRole("listitem").count(), 0);
    const html = await (await context.request.get(`${SITES}/content/we-retail/en/refetched.html`)).text();
    assert.match(html, /<img[^>]+alt="Lighthouse"/, "the published page shows the copy the editor shows");
    assertNoErrors(errors);
  } finally {
    proxy.close();
    await admin.dispose();
    await context.close();
  }
});

test("a DAM whose allow-list lacks this site: the Content Finder says it refused the connection", { skip: !REFUSING_DAM }, async () => {
  const admin = await adminApi();
  const restore = await admin.configure({ remote_dam_url: REFUSING_DAM });
  const context = await browser.newContext();
  try {
    const { page, errors } = await openEditor(context);
    await page.getByRole("tab", { name: "Assets" }).click();
    await page.getByRole("radio", { name: "Remote" }).click();
    await page.getByRole("button", { name: "Log in to Connected Assets" }).click();
    const dialog = page.getByRole("dialog", { name: "Log in to Connected Assets" });
    await dialog.getByLabel("User name").fill(DAM_USER);
    await dialog.getByLabel("Password").fill(DAM_PASSWORD);
    await dialog.getByRole("button", { name: "Log in", exact: true }).click();
    const alert = dialog.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.textContent(), new RegExp(`The DAM at ${REFUSING_DAM.replace(/[.:/]/g, "\\$&")} refused the connection`));
    assert.match(await alert.textContent(), /CORS allow-list does not include this site/);
    // The browser's own CORS error is expected here; nothing else may go wrong.
    assertNoErrors(errors.filter((e) => !/CORS|Access-Control|ERR_FAILED/.test(e)));
  } finally {
    await restore();
    await admin.dispose();
    await context.close();
  }
});

test("an administrator checks and changes the configuration on the Connected Assets Configuration page", async () => {
  const admin = await adminApi();
  const restore = await admin.configure({});
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${SITES}/editor/connected-assets`);
    const login = page.getByRole("dialog", { name: "Log in to Tessera" });
    await login.getByLabel("User name").fill(ADMIN_USER);
    await login.getByLabel("Password").fill(ADMIN_PASSWORD);
    await login.getByRole("button", { name: "Log in", exact: true }).click();
    const form = page.getByRole("main", { name: "Connected Assets Configuration" });
    await form.getByLabel("Remote DAM URL").waitFor();
    assert.equal(await form.getByLabel("Remote DAM URL").inputValue(), ASSETS);
    assert.equal(await form.getByLabel(/^Password/).inputValue(), "", "the stored password is never sent to the browser");
    assert.match(await form.getByText(/^Password/).textContent(), /stored/);

    await form.getByRole("button", { name: "Test connection" }).click();
    const report = form.getByRole("region", { name: "Connection test" });
    for (const line of ["Reachable: OK", "Authentication: OK", "CORS: OK"]) await report.getByText(line).waitFor();
    assert.deepEqual(await seriousViolations(page), [], "the configuration page has no serious or critical accessibility violations");

    await form.getByLabel("Title").fill("Brand DAM");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("status").getByText("Saved.").waitFor();
    assert.equal((await (await admin.get("/api/connected-assets/config")).json()).title, "Brand DAM");
    await form.getByLabel("Remote DAM URL").fill("http://127.0.0.1:4999/dam");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("alert").getByText(/remote_dam_url/).waitFor();

    const jobs = await context.newPage();
    await jobs.goto(`${SITES}/editor/jobs`);
    await jobs.getByRole("tablist", { name: "Job states" }).waitFor();
    assert.deepEqual(await seriousViolations(jobs), [], "Async Jobs has no serious or critical accessibility violations");
    assertNoErrors(errors);
  } finally {
    await restore();
    await admin.dispose();
    await context.close();
  }
});
