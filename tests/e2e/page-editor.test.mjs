// The page editor: build a page from local and remote (fetched) assets, save, reload, a
// conflict between two tabs, publish, and accessibility of the editor and the
// published page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  SITES, addComponent, assertNoErrors, imageLoaded, launch, lighthouseScores, logInToConnectedAssets, newPage, openEditor, screenshot, seriousViolations,
} from "./harness.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("an author builds a page from local and remote assets, saves, reloads, and publishes it", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await openEditor(context);
  await newPage(page, "summer", "Summer");
  await page.getByRole("textbox", { name: /^Description/ }).fill("Light shoes and bright colours for long summer days.");

  const title = await addComponent(page, "Title");
  await title.getByRole("textbox", { name: "Title text" }).fill("Summer collection");
  const text = await addComponent(page, "Text");
  const area = text.getByRole("textbox", { name: "Text", exact: true });
  await area.click();
  await page.keyboard.type("Light shoes for ");
  await page.keyboard.press("Control+b");
  await page.keyboard.type("long");
  await page.keyboard.press("Control+b");
  await page.keyboard.type(" days.");
  await area.blur();
  const image = await addComponent(page, "Image");
  const download = await addComponent(page, "Download");

  // A local image onto the Image component.
  await page.getByRole("tab", { name: "Assets" }).click();
  await page.getByRole("radio", { name: "Local" }).click();
  await page.getByRole("button", { name: "Local samples" }).click();
  await page.getByRole("button", { name: "Harbor at dusk (image)" }).dragTo(image);
  assert.equal(await imageLoaded(image.getByRole("img", { name: "Harbor at dusk" })), true);

  // A remote document onto the Download component, chosen with the keyboard.
  await page.getByRole("radio", { name: "Remote" }).click();
  await (await logInToConnectedAssets(page)).waitFor({ state: "detached" });
  await page.getByRole("searchbox", { name: "Search assets" }).fill("product");
  const sheet = page.getByRole("button", { name: "Product sheet (document)" });
  await sheet.waitFor();
  await download.click({ position: { x: 5, y: 5 } });
  await sheet.focus();
  await page.keyboard.press("Enter");
  // The Sites server fetches it into the mount point; the component then shows the copy.
  await download.getByText(/product-sheet\.pdf · PDF · \d+ B/).waitFor();

  // Undo takes the download back out, redo puts it back.
  await page.keyboard.press("Control+z");
  await download.getByText("Drag a document here").waitFor();
  await page.keyboard.press("Control+Shift+z");
  await download.getByText("Product sheet").first().waitFor();

  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("All changes saved").waitFor();
  // Loading the editor on a page with an image shifts its layout by less than 0.1
  // (cumulative layout shift, as browsers measure it).
  await page.addInitScript(() => {
    window.layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.layoutShift += entry.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.reload();
  await page.locator('html[data-editor-ready="true"]').waitFor();
  await page.getByRole("textbox", { name: "Page title" }).waitFor();
  await imageLoaded(page.getByRole("group", { name: "Image component" }).getByRole("img", { name: "Harbor at dusk" }));
  const shift = await page.evaluate(() => window.layoutShift);
  assert.ok(shift < 0.1, `the editor's layout shifts by ${shift} while it loads`);
  assert.equal(await page.getByRole("textbox", { name: "Title text" }).inputValue(), "Summer collection");
  assert.equal(await page.getByRole("textbox", { name: "Text", exact: true }).innerHTML(), "<p>Light shoes for <b>long</b> days.</p>");
  assert.equal(await imageLoaded(page.getByRole("group", { name: "Image component" }).getByRole("img", { name: "Harbor at dusk" })), true);
  assert.match(await page.getByRole("group", { name: "Download component" }).textContent(), /Product sheet/);

  assert.deepEqual(await seriousViolations(page), [], "the editor has no serious or critical accessibility violations");

  await page.getByRole("button", { name: "Publish" }).click();
  const dialog = page.getByRole("dialog", { name: "Publish" });
  const assets = dialog.getByRole("list", { name: "Assets on this page" });
  await assets.waitFor();
  assert.match(await assets.textContent(), /Harbor at dusk.*from this deployment/);
  assert.match(await assets.textContent(), /Product sheet.*\/content\/dam\/connected\/samples\/product-sheet\.pdf.*fetched from the remote DAM/);
  await dialog.getByRole("button", { name: "Publish page" }).click();
  const link = dialog.getByRole("link", { name: "View the published page" });
  await link.waitFor();
  assert.equal(await link.getAttribute("href"), "/content/we-retail/en/summer.html");

  const published = await context.newPage();
  const publishedErrors = [];
  published.on("pageerror", (e) => publishedErrors.push(e.message));
  await published.goto(`${SITES}/content/we-retail/en/summer.html`);
  assert.equal(await published.getByRole("heading", { level: 2, name: "Summer collection" }).count(), 1);
  assert.equal(await published.locator("strong").textContent(), "long");
  const img = published.getByRole("img", { name: "Harbor at dusk" });
  assert.equal(await imageLoaded(img), true, "the published image loads without logging in");
  assert.match(
    await img.getAttribute("srcset"),
    /^\/published\/[0-9a-f]{64} 319w, \/published\/image\/[0-9a-f]{64}\/[\w-]+\/640\.jpg 640w, \/published\/image\/[0-9a-f]{64}\/[\w-]+\/960\.jpg 960w, \/published\/[0-9a-f]{64} 1200w$/,
    "the policy's widths, renditions where there are",
  );
  assert.equal(await img.getAttribute("fetchpriority"), "high", "the first image is fetched first, not lazily");
  assert.match(await img.evaluate((i) => i.currentSrc), /\/published\/image\/[0-9a-f]{64}\/[\w-]+\/\d+\.webp$/, "Chromium takes the WebP");
  assert.equal(await img.getAttribute("width"), "1200");
  const pdf = published.getByRole("link", { name: "Product sheet" });
  assert.match(await pdf.getAttribute("href"), /^\/published\/[0-9a-f]{64}$/, "the fetched copy is published from this deployment");
  assert.match(await published.locator(".download-meta").textContent(), /^\(PDF, \d+ B\)$/);
  // A page as search engines and link previews read it.
  assert.equal(await published.title(), "Summer");
  assert.equal(await published.getByRole("heading", { level: 1 }).textContent(), "Summer", "the page title is its heading");
  const meta = (selector) => published.locator(selector).getAttribute("content");
  assert.equal(await meta('meta[name="description"]'), "Light shoes and bright colours for long summer days.");
  assert.equal(await published.locator('link[rel="canonical"]').getAttribute("href"), `${SITES}/content/we-retail/en/summer.html`);
  assert.equal(await meta('meta[property="og:image"]'), new URL(await img.getAttribute("src"), SITES).href, "the link preview shows the first image");
  assert.equal(await published.locator("html").getAttribute("lang"), "en");
  const measure = await published.locator("main").evaluate((m) => m.getBoundingClientRect().width);
  assert.ok(measure <= 720, `the text keeps a readable measure (${measure} px)`);
  assert.deepEqual(await seriousViolations(published, ["moderate", "serious", "critical"]), [], "axe finds nothing above minor on the published page");
  assert.deepEqual(publishedErrors, []);
  const { scores, failing } = await lighthouseScores(`${SITES}/content/we-retail/en/summer.html`);
  assert.deepEqual(scores, { accessibility: 100, "best-practices": 100, seo: 100 }, `Lighthouse: ${failing.join("; ")}`);

  // Async Jobs opens in the same tab, and leads back to the page being edited.
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByRole("link", { name: "Async Jobs" }).click();
  await page.getByRole("heading", { name: "Async Jobs" }).waitFor();
  await page.getByRole("link", { name: "Page editor" }).click();
  await page.getByRole("textbox", { name: "Page title" }).waitFor();
  assert.equal(await page.getByRole("textbox", { name: "Page title" }).inputValue(), "Summer");
  assert.match(page.url(), /\/editor\?page=\/content\/we-retail\/en\/summer$/);

  assertNoErrors(errors);
  await context.close();
});

test("the editor paints its page from its own module; the Content Finder's, Pages' and the dialogs' modules follow the page, Async Jobs' only on Async Jobs", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const modules = [];
  context.on("request", (r) => {
    if (r.url().endsWith(".wasm")) modules.push(new URL(r.url()).pathname.split("/").pop());
  });
  const { page, errors } = await openEditor(context);
  assert.ok(modules.includes("tessera_bg.wasm"), `the editor's own module: ${modules}`);
  await page.getByRole("searchbox", { name: "Search assets" }).waitFor();
  const later = ["split_finder_view", "split_pages_panel_view", "split_dialogs_view"];
  // Each of them is asked for only after the page was painted.
  const asked = await page.waitForFunction((names) => {
    const ready = performance.getEntriesByName("tessera-page-ready")[0];
    const wasm = performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm"));
    const starts = names.map((name) => wasm.find((e) => new URL(e.name).pathname.split("/").pop().startsWith(name))?.startTime);
    return ready && starts.every((s) => s !== undefined) && { ready: ready.startTime, starts };
  }, later);
  const { ready, starts } = await asked.jsonValue();
  starts.forEach((start, i) => assert.ok(start >= ready, `${later[i]} was asked for at ${start} ms, before the page was painted at ${ready} ms`));
  assert.deepEqual(modules.filter((m) => m.startsWith("split_page_view")), [], `modules loaded: ${modules}`);
  await page.locator("body").press("?");
  await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
  await page.keyboard.press("Escape");

  await page.goto(`${SITES}/editor/jobs`);
  await page.getByRole("main", { name: "Async Jobs" }).getByRole("tab").first().waitFor();
  assert.ok(modules.some((m) => m.startsWith("split_page_view")), `Async Jobs' module: ${modules}`);
  assertNoErrors(errors);
  await context.close();
});

test("two tabs edit the same page: the older save gets a conflict and nothing is lost", async () => {
  const context = await browser.newContext();
  const { page: first, errors: firstErrors } = await openEditor(context);
  await newPage(first, "conflict", "Conflict");
  const { page: second, errors: secondErrors } = await openEditor(context, "/content/we-retail/en/conflict");

  await (await addComponent(first, "Title")).getByRole("textbox", { name: "Title text" }).fill("Saved first");
  await first.getByRole("button", { name: "Save" }).click();
  await first.getByText("All changes saved").waitFor();

  await (await addComponent(second, "Title")).getByRole("textbox", { name: "Title text" }).fill("Saved second");
  await second.getByRole("button", { name: "Save" }).click();
  const alert = second.getByRole("alert").filter({ hasText: "This page was changed elsewhere" });
  await alert.waitFor();
  assert.match(await alert.textContent(), /reload/i);
  assert.equal(await second.getByText("Unsaved changes").count(), 1, "the second tab keeps its edits on screen");

  await alert.getByRole("button", { name: "Reload" }).click();
  await alert.waitFor({ state: "detached" });
  assert.equal(await second.getByRole("textbox", { name: "Title text" }).inputValue(), "Saved first", "the first save survived");

  assertNoErrors(firstErrors);
  assertNoErrors(secondErrors);
  await context.close();
});

/// A new page with an Image component holding the local "Harbor at dusk"; returns
/// the component.
async function pageWithHarbor(page, name, title) {
  await newPage(page, name, title);
  const image = await addComponent(page, "Image");
  await page.getByRole("tab", { name: "Assets" }).click();
  await page.getByRole("radio", { name: "Local" }).click();
  await page.getByRole("button", { name: "Local samples" }).click();
  await page.getByRole("button", { name: "Harbor at dusk (image)" }).dragTo(image);
  assert.equal(await imageLoaded(image.getByRole("img", { name: "Harbor at dusk" })), true);
  return image;
}

/// Whether `inner` lies wholly inside `outer` (bounding boxes, a pixel of slack).
function inside(inner, outer) {
  return inner.x >= outer.x - 1 && inner.y >= outer.y - 1
    && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;
}

test("the image editor shows the whole picture, turned or not, at 1280×720, and its tools fit one row at 1440", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page, errors } = await openEditor(context);
  const image = await pageWithHarbor(page, "fitted", "Fitted");

  await image.getByRole("button", { name: "Edit image" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit image" });
  const stage = dialog.locator(".crop-stage");
  const visible = dialog.locator(".crop-scroll");
  const viewport = { x: 0, y: 0, width: 1280, height: 720 };
  const upright = await stage.boundingBox();
  assert.ok(upright.width > upright.height, "the sample is a landscape picture");
  assert.ok(inside(upright, await visible.boundingBox()), "the whole picture is in view");
  for (const name of ["Cancel", "Done"]) {
    assert.ok(inside(await dialog.getByRole("button", { name }).boundingBox(), viewport), `${name} is on screen`);
  }

  await dialog.getByRole("button", { name: "Rotate right" }).click();
  const turned = await stage.boundingBox();
  await screenshot(page, "image-editor");
  assert.ok(turned.height > turned.width, "turned, the picture stands upright");
  assert.ok(inside(turned, await visible.boundingBox()), "the whole turned picture is in view, not a strip of it");
  assert.ok(turned.height > (await visible.boundingBox()).height - 2, "and it is fitted to the height, not shrunk further");

  // Zoom goes in from the fitted size, and back.
  await dialog.getByLabel("Zoom").selectOption({ label: "200%" });
  assert.ok((await stage.boundingBox()).height > turned.height * 1.9, "200% is twice the fitted size");
  await dialog.getByLabel("Zoom").selectOption({ label: "Fit" });

  // The tool switch is a segmented control: one choice shown, arrow keys move it.
  const crop = dialog.getByRole("radio", { name: "Crop" });
  assert.equal(await crop.getAttribute("aria-checked"), "true");
  const chosenBackground = await crop.evaluate((el) => getComputedStyle(el).backgroundColor);
  const otherBackground = await dialog.getByRole("radio", { name: "Focal point" }).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(chosenBackground, otherBackground, "the chosen tool looks chosen");
  await crop.focus();
  await page.keyboard.press("ArrowRight");
  const focal = dialog.getByRole("radio", { name: "Focal point" });
  assert.equal(await focal.getAttribute("aria-checked"), "true");
  assert.equal(await focal.evaluate((el) => el === document.activeElement), true, "focus follows the choice");

  await page.setViewportSize({ width: 1440, height: 900 });
  const rows = await dialog.getByRole("toolbar", { name: "Image tools" }).locator("button, select").evaluateAll((els) =>
    new Set(els.map((el) => Math.round(el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2))).size);
  assert.equal(rows, 1, "the image tools fit one row at 1440 px");
  assert.ok(inside(await stage.boundingBox(), await visible.boundingBox()), "still fitted after the window grew");

  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assertNoErrors(errors);
  await context.close();
});

test("an edited image looks the same in the editor's preview and on the published page", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await openEditor(context);
  const image = await pageWithHarbor(page, "edited", "Edited");

  await image.getByRole("button", { name: "Edit image" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit image" });
  await dialog.getByRole("button", { name: "Rotate right" }).click();
  await dialog.getByRole("button", { name: "Flip horizontally" }).click();
  await dialog.getByLabel("Aspect").selectOption({ label: "1:1" });
  const crop = dialog.getByRole("slider", { name: /Crop area/ });
  await crop.focus();
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.match(await crop.getAttribute("aria-valuetext"), /^100% by 67% at 0%, 28%$/);

  // Two link areas inside the crop: a circle dragged out from its centre, and a
  // polygon placed corner by corner.
  await dialog.getByRole("radio", { name: "Link areas" }).click();
  const stage = await dialog.locator(".crop-stage").boundingBox();
  const at = (fx, fy) => [stage.x + stage.width * fx, stage.y + stage.height * fy];
  await dialog.getByRole("radio", { name: "Circle" }).click();
  await page.mouse.move(...at(0.3, 0.45));
  await page.mouse.down();
  await page.mouse.move(...at(0.4, 0.45), { steps: 4 });
  await page.mouse.up();
  const form = dialog.getByRole("group", { name: "New link area" });
  await form.getByLabel("Link").fill("/content/we-retail/en/boats.html");
  await form.getByLabel("Alt text").fill("Boats");
  await form.getByRole("button", { name: "Add area" }).click();
  await dialog.getByRole("radio", { name: "Polygon" }).click();
  // The link-area form took room from the picture, which stays fitted: measure again.
  const fitted = await dialog.locator(".crop-stage").boundingBox();
  const corner = (fx, fy) => [fitted.x + fitted.width * fx, fitted.y + fitted.height * fy];
  for (const [fx, fy] of [[0.6, 0.4], [0.8, 0.4], [0.7, 0.55]]) await page.mouse.click(...corner(fx, fy));
  await form.getByLabel("Link").fill("https://example.com/harbour");
  await form.getByLabel("Alt text").fill("Harbour office");
  await form.getByRole("button", { name: "Add area" }).click();
  assert.equal(await dialog.getByRole("list", { name: "Link areas" }).getByRole("listitem").count(), 2);
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.waitFor({ state: "detached" });

  const preview = image.locator("canvas.edited-preview");
  await preview.waitFor();
  assert.deepEqual(await preview.evaluate((c) => [c.width, c.height]), [800, 800], "turned 1200×800 → 800×1200, then a square crop");

  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("All changes saved").waitFor();
  await page.getByRole("button", { name: "Publish" }).click();
  const publish = page.getByRole("dialog", { name: "Publish" });
  await publish.getByRole("button", { name: "Publish page" }).click();
  await publish.getByRole("link", { name: "View the published page" }).waitFor();
  await publish.getByRole("button", { name: "Close" }).click();

  const html = await (await context.request.get(`${SITES}/content/we-retail/en/edited.html`)).text();
  const src = html.match(/<img src="([^"]+)"/)[1];
  assert.match(html, /<a class="hotspot" href="\/content\/we-retail\/en\/boats.html" aria-label="Boats" style="[^"]*clip-path: ellipse/);
  assert.match(html, /<a class="hotspot" href="https:\/\/example.com\/harbour" aria-label="Harbour office" style="[^"]*clip-path: polygon/);
  assert.match(src, /^\/published\/image\/[0-9a-f]{64}\/[0-9a-f]{16}\/\d+\.jpg$/);
  const web = await image.locator("img").getAttribute("src");

  // Both pictures scaled to 48×48; the mean difference per channel, 0 to 255.
  const difference = (url) => page.evaluate(async ([url]) => {
    const source = document.querySelector("canvas.edited-preview");
    const other = new Image();
    other.src = url;
    try {
      await other.decode();
    } catch (e) {
      const r = await fetch(url);
      throw new Error(`${url} cannot be decoded: ${r.status} ${r.headers.get("content-type")} ${(await r.text()).slice(0, 200)}`);
    }
    const pixels = (drawable) => {
      const c = document.createElement("canvas");
      c.width = c.height = 48;
      const ctx = c.getContext("2d");
      ctx.drawImage(drawable, 0, 0, 48, 48);
      return ctx.getImageData(0, 0, 48, 48).data;
    };
    const a = pixels(source);
    const b = pixels(other);
    let sum = 0;
    for (let i = 0; i < a.length; i += 4) sum += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
    return sum / (48 * 48 * 3);
  }, [url]);
  const same = await difference(src);
  const unedited = await difference(web);
  assert.ok(same < 8, `the published rendition matches the editor's preview (mean difference ${same.toFixed(2)})`);
  assert.ok(unedited > 3 * same + 10, `the comparison can tell pictures apart (unedited: ${unedited.toFixed(2)})`);

  assertNoErrors(errors);
  await context.close();
});
