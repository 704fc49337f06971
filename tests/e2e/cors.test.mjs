// The DAM's CORS allow-list, seen from a browser: a page on an origin that is not
// listed cannot read the DAM's API, even with the author's login-token cookie.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";

import { ASSETS, SITES, assertNoErrors, launch, logInToConnectedAssets, openEditor } from "./harness.mjs";

let browser;
let thirdOrigin;
let server;

before(async () => {
  browser = await launch();
  server = http.createServer((_, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>Another site</title><p>Not on the allow-list.</p>");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Same site as the editor (localhost), different origin: the partitioned cookie is
  // even sent along, so only the allow-list stands in the way.
  thirdOrigin = `http://localhost:${server.address().port}`;
});

after(async () => {
  await browser?.close();
  server?.close();
});

const readFolder = (url) =>
  fetch(url, { credentials: "include" }).then(
    async (r) => ({ ok: r.ok, status: r.status, body: await r.text() }),
    (e) => ({ blocked: String(e) }),
  );

test("an origin that is not on the allow-list cannot read the DAM's API from a browser", async () => {
  const context = await browser.newContext();
  const { page: editor, errors } = await openEditor(context);
  await (await logInToConnectedAssets(editor)).waitFor({ state: "detached" });

  const url = `${ASSETS}/api/folders/content/dam/samples`;
  const fromEditor = await editor.evaluate(readFolder, url);
  assert.equal(fromEditor.status, 200, `the allowed origin ${SITES} reads the folder`);
  assert.match(fromEditor.body, /Mountain lake/);

  const intruder = await context.newPage();
  await intruder.goto(thirdOrigin);
  const fromIntruder = await intruder.evaluate(readFolder, url);
  assert.ok(fromIntruder.blocked, `the browser blocks the read from ${thirdOrigin}: ${JSON.stringify(fromIntruder)}`);

  const login = await intruder.evaluate(async (base) =>
    fetch(`${base}/api/login`, {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "x", password: "y" }),
    }).then((r) => `status ${r.status}`, (e) => `blocked: ${e}`), ASSETS);
  assert.match(login, /^blocked/, "the preflight for a login from that origin fails");

  assertNoErrors(errors);
  await context.close();
});
