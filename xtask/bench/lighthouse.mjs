// Lighthouse (npm, driving Debian's Chromium) on each URL given, as a phone and as a
// desktop: every category's score out of 100. Prints
// {"<url>": {"mobile": {"performance": 97, ...}, "desktop": {...}}, ...}.
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { desktopConfig } from "lighthouse";

const chromePath = process.env.CHROMIUM || "/usr/bin/chromium";
const results = {};
for (const url of process.argv.slice(2)) {
  results[url] = {};
  for (const formFactor of ["mobile", "desktop"]) {
    // A browser of its own for each run: nothing cached from the one before.
    const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"] });
    try {
      const flags = { port: chrome.port, output: "json", logLevel: "error" };
      const { lhr } = await lighthouse(url, flags, formFactor === "desktop" ? desktopConfig : undefined);
      results[url][formFactor] = Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, Math.round(c.score * 100)]));
    } finally {
      await chrome.kill();
    }
  }
}
console.log(JSON.stringify(results));
