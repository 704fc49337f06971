// Loads the Assets console's own WebAssembly (no editor code in it) and mounts it.
// Kept outside assets.html so the page's Content-Security-Policy needs no inline script.
const build = document.documentElement.dataset.build;
const { default: init, mountConsole } = await import(`/pkg/${build}/console/tessera_console.js`);

const root = document.getElementById("console");
await init({ module_or_path: `/pkg/${build}/console/tessera_console_bg.wasm` });
root.replaceChildren();
mountConsole(root);
document.documentElement.dataset.consoleReady = "true";
