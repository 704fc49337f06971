// The editor on a 360 px phone and on a 1280×720 desktop: nothing spills past the
// window, the side panel is a drawer, the toolbar's overflow is a menu, and every
// aria-controls points at something.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  SITES, addComponent, assertNoErrors, imageLoaded, launch, logInToEditor, newPage, screenshot, seriousViolations, watchErrors,
} from "./harness.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// The aria-controls values that name no element.
async function danglingControls(page) {
  return page.evaluate(() => [...document.querySelectorAll("[aria-controls]")]
    .flatMap((el) => el.getAttribute("aria-controls").split(/\s+/))
    .filter((id) => !document.getElementById(id)));
}

async function overflowsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

function inside(inner, outer) {
  return inner.x >= outer.x - 1 && inner.y >= outer.y - 1
    && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;
}

test("on a 360 px phone: the login fits, the side panel is a drawer, the toolbar's overflow is a menu", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const viewport = { x: 0, y: 0, width: 360, height: 740 };
  await page.goto(`${SITES}/editor?page=/content/we-retail/en`);
  await page.locator('html[data-editor-ready="true"]').waitFor();
  const login = page.getByRole("dialog", { name: "Log in to Tessera" });
  await login.waitFor();
  assert.ok(inside(await login.boundingBox(), viewport), "the login dialog fits the phone");
  assert.deepEqual(await danglingControls(page), [], "nothing on the login screen controls what is not there");
  await logInToEditor(page);

  assert.equal(await overflowsSideways(page), false, "nothing spills past the window");
  assert.equal(await page.getByRole("complementary", { name: "Side panel" }).isVisible(), false, "the drawer starts closed");
  assert.ok((await page.getByRole("main", { name: "Page" }).boundingBox()).width >= 340, "the page gets the width");
  const toolbar = await page.locator(".toolbar").boundingBox();
  for (const control of await page.locator(".toolbar button:visible, .toolbar a:visible").all()) {
    assert.ok(inside(await control.boundingBox(), toolbar), `${await control.getAttribute("aria-label") ?? await control.textContent()} stays on the toolbar`);
  }
  assert.deepEqual(await danglingControls(page), []);

  // The drawer: opened from the toolbar, used, closed with Escape.
  const toggle = page.getByRole("button", { name: "Toggle Side Panel" });
  await toggle.click();
  await newPage(page, "phone", "Phone");
  await addComponent(page, "Title");
  await page.getByRole("tab", { name: "Assets" }).click();
  await page.getByRole("button", { name: "Local samples" }).click();
  await imageLoaded(page.getByRole("button", { name: "Harbor at dusk (image)" }).locator("img"));
  await screenshot(page, "phone");
  assert.ok(inside(await page.getByRole("complementary", { name: "Side panel" }).boundingBox(), viewport), "the drawer fits the phone");
  await page.getByRole("tab", { name: "Components" }).focus();
  await page.keyboard.press("Escape");
  assert.equal(await page.getByRole("complementary", { name: "Side panel" }).isVisible(), false, "Escape closes the drawer");
  assert.equal(await toggle.evaluate((el) => el === document.activeElement), true, "and focus goes back to its toggle");
  assert.equal(await page.getByRole("group", { name: "Title component" }).count(), 1);

  // The toolbar's overflow: a menu button with the WAI-ARIA menu keys.
  const more = page.getByRole("button", { name: "More actions" });
  assert.equal(await page.getByRole("button", { name: "Undo" }).isVisible(), false, "Undo folded into the menu");
  await more.focus();
  await page.keyboard.press("Enter");
  const menu = page.getByRole("menu", { name: "More actions" });
  await menu.waitFor();
  assert.equal(await more.getAttribute("aria-expanded"), "true");
  const focused = () => page.evaluate(() => document.activeElement.textContent);
  // The menu shows first and its first item takes focus in the next frame.
  await page.waitForFunction(() => document.activeElement?.getAttribute("role") === "menuitem").catch(() => {});
  assert.equal(await focused(), "Undo", "the first item takes focus");
  await page.keyboard.press("ArrowDown");
  assert.equal(await focused(), "Redo");
  await page.keyboard.press("End");
  assert.equal(await focused(), "Keyboard shortcuts");
  await page.keyboard.press("ArrowDown");
  assert.equal(await focused(), "Undo", "the keys wrap around");
  await page.keyboard.press("Escape");
  await menu.waitFor({ state: "hidden" });
  assert.equal(await more.evaluate((el) => el === document.activeElement), true, "Escape gives focus back to the button");
  await more.click();
  await menu.getByRole("menuitem", { name: "Keyboard shortcuts" }).click();
  await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
  await page.keyboard.press("Escape");

  assert.deepEqual(await seriousViolations(page), []);
  assertNoErrors(errors);
  await context.close();
});

test("at 1280×720 the toolbar keeps to one row and every action in view", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${SITES}/editor?page=/content/we-retail/en`);
  await logInToEditor(page);
  assert.equal(await overflowsSideways(page), false);
  const middles = await page.getByRole("toolbar", { name: "Page actions" }).locator("button:visible, a:visible").evaluateAll((els) =>
    els.map((el) => el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2));
  assert.ok(Math.max(...middles) - Math.min(...middles) < 8, `one row of actions: ${middles}`);
  for (const name of ["Undo", "Redo", "Save", "Publish", "Keyboard shortcuts"]) {
    assert.ok(await page.getByRole("button", { name, exact: true }).isVisible(), `${name} is in view`);
  }
  assert.equal(await page.getByRole("button", { name: "More actions" }).isVisible(), false, "no overflow menu when everything fits");
  assertNoErrors(errors);
  await context.close();
});
