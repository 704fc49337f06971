// The walking skeleton's walk: the editor on site A, the remote DAM on site B.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { request } from "playwright-core";

import {
  ASSETS, DAM_PASSWORD, DAM_USER, SITES, addComponent, assertNoErrors, imageLoaded, launch, logInToConnectedAssets, logInToEditor, openEditor, screenshot, watchErrors,
} from "./harness.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("an author logs in to Connected Assets and drags a remote image onto the Image component", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page, errors } = await openEditor(context, "/content/we-retail");
  const component = await addComponent(page, "Image");
  await page.getByRole("tab", { name: "Assets" }).click();

  const dialog = await logInToConnectedAssets(page);
  await dialog.waitFor({ state: "detached" });
  await page.getByText(`logged in as ${DAM_USER}`).waitFor();

  await page.getByRole("button", { name: "Samples" }).click();
  const card = page.getByRole("button", { name: "Mountain lake (image)" });
  assert.equal(await imageLoaded(card.locator("img")), true, "the remote thumbnail loads cross-site with the login-token cookie");
  assert.equal(await card.getAttribute("data-source"), "Remote");
  assert.ok(await page.getByRole("button", { name: "Product sheet (document)" }).isVisible());

  await card.dragTo(component);
  const placed = component.getByRole("img", { name: "Mountain lake" });
  assert.equal(await imageLoaded(placed), true, "the dropped image shows in the component");
  assert.equal(await placed.getAttribute("src"), "/api/renditions/web-1280/content/dam/connected/samples/mountain-lake.jpg",
    "it is the copy the Sites server fetched into the mount point");

  await screenshot(page, "editor");

  await page.getByRole("button", { name: "Product sheet (document)" }).dragTo(component);
  await page.getByRole("alert").getByText("is a document, not an image").waitFor();
  assert.equal(await imageLoaded(component.getByRole("img", { name: "Mountain lake" })), true, "a refused drop keeps the image");

  // Dragging is never the only way: Enter on a focused asset puts it into the
  // selected component.
  await component.click({ position: { x: 5, y: 5 } });
  await page.getByRole("button", { name: "Lighthouse (image)" }).focus();
  await page.keyboard.press("Enter");
  assert.equal(await imageLoaded(component.getByRole("img", { name: "Lighthouse" })), true);

  // A remote asset goes into a collection of the remote DAM, from its card.
  const collection = `Lakes ${Date.now()}`;
  await page.getByRole("button", { name: "Add Mountain lake to a Collection" }).click();
  const collect = page.getByRole("dialog", { name: "Add Mountain lake to a Collection" });
  await collect.getByLabel("Or a new collection").fill(collection);
  await collect.getByRole("button", { name: "Add" }).click();
  await page.getByText(`Mountain lake is in the collection ${collection}.`).waitFor();
  const dam = await request.newContext({ baseURL: ASSETS });
  assert.equal((await dam.post("/api/login", { data: { user: DAM_USER, password: DAM_PASSWORD } })).status(), 200);
  const made = (await (await dam.get("/api/collections")).json()).find((c) => c.title === collection);
  const contents = await (await dam.get(`/api/collections/${made.id}`)).json();
  assert.deepEqual(contents.assets.map((a) => a.path), ["/content/dam/samples/mountain-lake.jpg"], "the remote DAM holds it in the new collection");
  await dam.dispose();

  assertNoErrors(errors);
  await context.close();
});

test("before anyone logs in to Connected Assets, the editor asks nothing that fails: the console stays clean", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  await page.goto(`${SITES}/editor?page=/content/we-retail/en`);
  await logInToEditor(page);
  await page.getByRole("tab", { name: "Assets" }).click();
  await page.getByRole("radio", { name: "Remote" }).click();
  await page.getByText("Log in to Connected Assets to browse the remote DAM.").waitFor();
  assert.deepEqual(consoleErrors, [], "no failed request, no 401, on the way");
  await context.close();
});

test("a wrong password shows an error in the login dialog and logs nobody in", async () => {
  const context = await browser.newContext();
  const { page, errors } = await openEditor(context);

  const dialog = await logInToConnectedAssets(page, DAM_USER, "not the password");
  const alert = dialog.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.textContent(), "The user name or password is not correct.");
  assert.equal(await page.getByText("logged in as").count(), 0);

  await dialog.getByLabel("User name").fill("nobody");
  await dialog.getByRole("button", { name: "Log in", exact: true }).click();
  await page.waitForResponse((r) => r.url().endsWith("/api/login"));
  assert.equal(await alert.textContent(), "The user name or password is not correct.",
    "an unknown user gets the same message as a wrong password");

  assertNoErrors(errors);
  await context.close();
});

test("the error watch catches an uncaught exception, so a broken page cannot pass", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto("about:blank");
  await page.evaluate(() => setTimeout(() => { throw new Error("deliberate"); }));
  await page.waitForTimeout(100);
  assert.throws(() => assertNoErrors(errors), /JavaScript errors/);
  await context.close();
});
