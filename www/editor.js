// Loads the editor's WebAssembly and mounts it. Kept outside index.html so the
// editor page's Content-Security-Policy needs no inline script.
import init, { mountEditor } from "/pkg/tessera.js";

const root = document.getElementById("editor");
await init({ module_or_path: "/pkg/tessera_bg.wasm" });
root.replaceChildren();
mountEditor(root);
document.documentElement.dataset.editorReady = "true";
