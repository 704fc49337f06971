// Types of the embeddable Content Finder (@tessera/finder). Self-contained: nothing
// here depends on the WebAssembly glue's own declarations.

/** A MIME type or family, such as "image/*" or "application/pdf". */
export type MimePattern = string;

/**
 * The finder's words a host may replace, by key; `{name}` is filled in where the
 * word is shown. The defaults:
 *   search: Search assets
 *   logIn: Log in to Connected Assets
 *   logInLocal: Log in to Tessera
 *   logInButton: Log in
 *   userName: User name
 *   password: Password
 *   cancel: Cancel
 *   dam: DAM: {dam}
 *   loggedInAs: Connected Assets: logged in as {user}
 *   logOut: Log out of Connected Assets
 *   logOutFailed: Logging out of Connected Assets failed: {error}
 *   remoteLoginNeeded: Log in to Connected Assets to browse the remote DAM.
 *   localLoginNeeded: Log in to browse this deployment's assets.
 *   repository: Repository
 *   local: Local
 *   remote: Remote
 *   noRemote: This deployment has no remote DAM configured.
 *   region: Content Finder
 *   breadcrumb: Breadcrumb
 *   rootFolder: Assets
 *   loading: Loading…
 *   nothingHere: Nothing here.
 *   loadMore: Load more
 *   type: Type
 *   allTypes: All
 *   images: Images
 *   documents: Documents
 *   documentType: Document type
 *   anyDocument: Any
 *   textDocuments: Text
 *   image: {title} (image)
 *   document: {title} (document)
 *   connectedCopy: Connected: a read-only copy from {dam}
 *   liveCopy: Live Copy: kept in step with its source
 *   connectedBadge: Connected
 *   liveCopyBadge: Live Copy
 */
export type FinderStringKey =
  | "search"
  | "logIn"
  | "logInLocal"
  | "logInButton"
  | "userName"
  | "password"
  | "cancel"
  | "dam"
  | "loggedInAs"
  | "logOut"
  | "logOutFailed"
  | "remoteLoginNeeded"
  | "localLoginNeeded"
  | "repository"
  | "local"
  | "remote"
  | "noRemote"
  | "region"
  | "breadcrumb"
  | "rootFolder"
  | "loading"
  | "nothingHere"
  | "loadMore"
  | "type"
  | "allTypes"
  | "images"
  | "documents"
  | "documentType"
  | "anyDocument"
  | "textDocuments"
  | "image"
  | "document"
  | "connectedCopy"
  | "liveCopy"
  | "connectedBadge"
  | "liveCopyBadge";

export interface FinderOptions {
  /** This site's own DAM, on a Tessera deployment (its origin; "" for the page's own); none when absent or null. */
  repository?: string | null;
  /** A remote DAM (Connected Assets), by its origin. Its CORS allow-list must name the page's origin. */
  remoteRepository?: string | null;
  /** A folder the user cannot leave, e.g. "/content/dam/brand". */
  root?: string;
  /** The folder shown first, and again after logging in; inside root. */
  initialFolder?: string | null;
  /** Only assets of these types are offered (the DAM's search filters by them); all when empty. */
  accept?: MimePattern[];
  selection?: "single" | "multiple";
  /** Which filters show: the search box, images/documents, document types. */
  filters?: ("search" | "type" | "doctype")[];
  theme?: "light" | "dark";
  /** Replacements for the finder's words. */
  strings?: Partial<Record<FinderStringKey, string>>;
}

/** What `mountFinder` takes: the finder's options, and where it renders. */
export interface MountOptions extends FinderOptions {
  /**
   * Renders into the element's shadow root, with the finder's own styles, where the
   * page's styles do not reach (its `--tessera-finder-*` custom properties do).
   * `<tessera-finder>` always does. Default false.
   */
  shadow?: boolean;
}

/** What a drag out of the finder carries as "application/vnd.tessera.asset+json", and what its events carry. */
export interface AssetPayload {
  /** The origin of the DAM that holds the asset. */
  repository: string;
  path: string;
  title: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  /** Absolute URL of each rendition: original, web-1280, thumbnail-319, thumbnail-140, thumbnail-48. */
  renditions: Record<string, string>;
  /** The whole asset record, as the DAM's API returns it. */
  asset: Record<string, unknown>;
}

/** Each event's name, and what its listeners receive. */
export interface FinderEvents {
  selectionchange: AssetPayload[];
  selectionconfirm: AssetPayload[];
  dragstart: AssetPayload;
  loginrequired: { repository: string };
  error: { message: string };
}

export type FinderEventName = keyof FinderEvents;

export type FinderListener<E extends FinderEventName> = (detail: FinderEvents[E]) => void;

/** A mounted Content Finder. */
export interface FinderHandle {
  /** Calls `listener` on each `event`; returns a function that stops it. Throws on a name the finder does not have. */
  on<E extends FinderEventName>(event: E, listener: FinderListener<E>): () => void;
  /** Changes the options it names, keeping the others (`strings` key by key). */
  setOptions(options: Partial<FinderOptions>): void;
  /** The assets selected now. */
  selection(): AssetPayload[];
  /** Removes the finder: its DOM, its state, its listeners. */
  unmount(): void;
  /** Frees the handle itself, after `unmount()`. */
  free(): void;
}

/** Where the finder's WebAssembly is: its URL, a response (or its promise), its bytes, or a compiled module. */
export type FinderWasm = string | URL | Request | Response | Promise<Response> | BufferSource | WebAssembly.Module;

/**
 * Loads the finder's WebAssembly once per page. Without an argument it is looked for
 * next to `finder.js`, as Vite and plain module pages have it; an esbuild bundle, an
 * IIFE script, or a page that serves the file elsewhere passes where it is, before or
 * instead of the first `mountFinder`.
 */
export function loadFinder(wasm?: FinderWasm): Promise<void>;

/** Loads the WebAssembly (once per page) and mounts a Content Finder into `element`. */
export function mountFinder(element: HTMLElement, options?: MountOptions): Promise<FinderHandle>;

/** The names `FinderHandle.on` takes. */
export const EVENTS: readonly FinderEventName[];

/** The MIME type of the finder's drag data: `event.dataTransfer.getData(ASSET_MIME)` is an AssetPayload as JSON. */
export const ASSET_MIME: "application/vnd.tessera.asset+json";

/** <tessera-finder>: the same finder as a custom element; its events are `tessera-<name>` with the details in `event.detail`. */
export interface TesseraFinderElement extends HTMLElement {
  strings: Partial<Record<FinderStringKey, string>> | undefined;
  readonly selection: AssetPayload[];
}

declare global {
  interface HTMLElementTagNameMap {
    "tessera-finder": TesseraFinderElement;
  }
  interface HTMLElementEventMap {
    "tessera-selectionchange": CustomEvent<AssetPayload[]>;
    "tessera-selectionconfirm": CustomEvent<AssetPayload[]>;
    "tessera-dragstart": CustomEvent<AssetPayload>;
    "tessera-loginrequired": CustomEvent<{ repository: string }>;
    "tessera-error": CustomEvent<{ message: string }>;
  }
}
