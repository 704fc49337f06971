// Types of the embeddable Content Finder (pkg/finder.js).
import type { AssetPayload, FinderEventName, FinderEvents, FinderHandle, FinderOptions } from "./tessera_finder.js";

export type { AssetPayload, FinderEventName, FinderEvents, FinderHandle, FinderOptions };

/** Loads the WebAssembly (once per page) and mounts a Content Finder into `element`. */
export function mountFinder(element: HTMLElement, options?: FinderOptions): Promise<FinderHandle>;

/** The names `FinderHandle.on` takes. */
export const EVENTS: FinderEventName[];

/** The MIME type of the finder's drag data: `event.dataTransfer.getData(ASSET_MIME)` is an AssetPayload as JSON. */
export const ASSET_MIME: "application/vnd.tessera.asset+json";

/** <tessera-finder>: the same finder as a custom element; its events are `tessera-<name>` with the details in `event.detail`. */
export interface TesseraFinderElement extends HTMLElement {
  strings: Record<string, string> | undefined;
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
