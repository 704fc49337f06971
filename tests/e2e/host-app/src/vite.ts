// Built by Vite: the WebAssembly is found next to finder.js, which Vite copies.
import "@tessera/finder/finder.css";
import { start } from "./app.ts";

start();
