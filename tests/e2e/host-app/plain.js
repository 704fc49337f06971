// No bundler: finder.js is imported where it is served, and finds its WebAssembly
// next to itself.
import { mountFinder } from "/node_modules/@tessera/finder/finder.js";

const dam = new URLSearchParams(location.search).get("dam");
window.heard = [];
const finder = await mountFinder(document.getElementById("finder"), { remoteRepository: dam, accept: ["image/*"], selection: "multiple" });
for (const event of ["selectionchange", "selectionconfirm"]) {
  finder.on(event, (assets) => window.heard.push({ event, titles: assets.map((a) => a.title) }));
}
window.finder = finder;
document.documentElement.dataset.finder = "mounted";
