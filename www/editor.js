// Loads the editor's WebAssembly and mounts it. Kept outside index.html so the
// editor page's Content-Security-Policy needs no inline script.
// The server names this build of the bundle in the page (its content hash), so the
// bundle's URLs change with each build and browsers may keep them for good.
const build = document.documentElement.dataset.build;
const { default: init, mountEditor } = await import(`/pkg/${build}/tessera.js`);

const root = document.getElementById("editor");
await init({ module_or_path: `/pkg/${build}/tessera_bg.wasm` });
root.replaceChildren();
mountEditor(root);
document.documentElement.dataset.editorReady = "true";
