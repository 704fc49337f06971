// Built by esbuild (as an ES module and as an IIFE script): the WebAssembly is copied
// next to the bundle, and the finder is told where it is.
import "@tessera/finder/finder.css";
import { loadFinder } from "@tessera/finder";
import { start } from "./app.ts";

loadFinder(new URL("tessera_finder_bg.wasm", document.baseURI)).then(start);
