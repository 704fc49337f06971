// The embeddable Content Finder, as published in pkg/: `mountFinder` (which loads the
// finder's own WebAssembly, without the page editor, once per page) and the
// <tessera-finder> custom element.
import init, { finderDefaults, finderStyles, mountFinder as mountLoaded } from "./tessera_finder.js";

let loading;

/**
 * Loads the finder's WebAssembly, once per page. Without `wasm` it is looked for next
 * to this file, where Vite and a plain module page have it; an esbuild bundle, a
 * classic script (no `import.meta`) or a page that serves the file elsewhere says
 * where it is: its URL, a Response (or its promise), its bytes, or a compiled
 * WebAssembly.Module.
 * @param {string | URL | Request | Response | Promise<Response> | BufferSource | WebAssembly.Module} [wasm]
 * @returns {Promise<void>}
 */
export function loadFinder(wasm) {
  if (!loading) {
    let source;
    try {
      source = wasm ?? nextToThisFile();
    } catch (e) {
      return Promise.reject(e);
    }
    loading = init({ module_or_path: source }).then(
      () => undefined,
      (e) => {
        // A wrong URL can be put right by calling again.
        loading = undefined;
        throw new Error(`The Content Finder's WebAssembly did not load (${e?.message ?? e}). Say where tessera_finder_bg.wasm is served: loadFinder(url).`);
      },
    );
  }
  return loading;
}

function nextToThisFile() {
  try {
    return new URL("./tessera_finder_bg.wasm", import.meta.url);
  } catch {
    throw new Error("The Content Finder cannot tell where tessera_finder_bg.wasm is (this script has no import.meta.url): call loadFinder(url) first.");
  }
}

/**
 * Mounts a Content Finder into `element`. With `shadow: true` it is mounted in the
 * element's shadow root, with its own styles, where the page's styles do not reach
 * (CSS custom properties such as `--tessera-finder-accent` still do).
 * @param {HTMLElement} element
 * @param {import("./finder.js").MountOptions} [options]
 * @returns {Promise<import("./finder.js").FinderHandle>}
 */
export async function mountFinder(element, options = {}) {
  await loadFinder();
  const { shadow = false, ...finderOptions } = options ?? {};
  if (!shadow) return mountLoaded(element, finderOptions);
  const root = element.shadowRoot ?? element.attachShadow({ mode: "open" });
  root.adoptedStyleSheets = [styles()];
  const box = document.createElement("div");
  root.append(box);
  let handle;
  try {
    handle = mountLoaded(box, finderOptions);
  } catch (e) {
    box.remove();
    throw e;
  }
  // Unmounting leaves the shadow root as empty as it found it.
  const unmount = handle.unmount.bind(handle);
  handle.unmount = () => {
    unmount();
    box.remove();
  };
  return handle;
}

let sheet;

/** The finder's styles as one sheet, shared by every shadow root on the page. */
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(finderStyles());
  }
  return sheet;
}

/** The finder's events; `on()` refuses any other name. */
export const EVENTS = ["selectionchange", "selectionconfirm", "dragstart", "loginrequired", "error"];

/** The finder's MIME type for drags: any drop target can read it. */
export const ASSET_MIME = "application/vnd.tessera.asset+json";

const list = (value) => value?.split(/[\s,]+/).filter(Boolean);

/**
 * <tessera-finder repository="" remote-repository="https://dam.example.com" root="/content/dam/brand"
 *   accept="image/*" selection="multiple" filters="search type" theme="dark">
 * Rendered in its shadow root, with its own styles. Events: tessera-selectionchange,
 * tessera-selectionconfirm, tessera-dragstart, tessera-loginrequired, tessera-error,
 * each with the details in `event.detail`.
 * UI strings: the `strings` property (an object).
 */
class TesseraFinder extends HTMLElement {
  static observedAttributes = ["repository", "remote-repository", "root", "initial-folder", "accept", "selection", "filters", "theme"];

  #handle = null;
  #mounting = null;
  #strings = undefined;

  get strings() {
    return this.#strings;
  }

  set strings(value) {
    this.#strings = value;
    this.#update();
  }

  /** The options its attributes say, an absent attribute meaning the default (after loadFinder). */
  options() {
    const a = (name) => (this.hasAttribute(name) ? this.getAttribute(name) : undefined);
    const options = {
      repository: a("repository"),
      remoteRepository: a("remote-repository"),
      root: a("root"),
      initialFolder: a("initial-folder"),
      accept: list(a("accept")),
      selection: a("selection"),
      filters: list(a("filters")),
      theme: a("theme"),
      strings: this.#strings,
    };
    // The finder's own defaults, once its WebAssembly has loaded.
    return { ...finderDefaults(), ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  }

  async connectedCallback() {
    const mounting = loadFinder().then(() => mountFinder(this, { ...this.options(), shadow: true }));
    this.#mounting = mounting;
    let handle;
    try {
      handle = await mounting;
    } catch (e) {
      this.#fail(e);
      return;
    }
    if (this.#mounting !== mounting || !this.isConnected) {
      handle.unmount();
      handle.free();
      return;
    }
    this.#handle = handle;
    for (const name of EVENTS) {
      handle.on(name, (detail) => this.dispatchEvent(new CustomEvent(`tessera-${name}`, { detail, bubbles: true, composed: true })));
    }
    // Attributes set while the finder was mounting.
    this.#update();
  }

  disconnectedCallback() {
    this.#mounting = null;
    if (this.#handle) {
      this.#handle.unmount();
      this.#handle.free();
      this.#handle = null;
    }
  }

  attributeChangedCallback() {
    this.#update();
  }

  /** The assets selected now. */
  get selection() {
    return this.#handle?.selection() ?? [];
  }

  #update() {
    try {
      this.#handle?.setOptions(this.options());
    } catch (e) {
      this.#fail(e);
    }
  }

  #fail(e) {
    this.dispatchEvent(new CustomEvent("tessera-error", { detail: { message: String(e?.message ?? e) }, bubbles: true, composed: true }));
  }
}

if (!customElements.get("tessera-finder")) customElements.define("tessera-finder", TesseraFinder);
