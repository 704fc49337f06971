// The host app's own code, shared by every way it is built: mounts the finder against
// the DAM named in the page's address, and records what the finder tells it.
import { EVENTS, mountFinder, type AssetPayload, type FinderEventName, type FinderHandle } from "@tessera/finder";

declare global {
  interface Window {
    finder?: FinderHandle;
    heard: { event: FinderEventName; titles: string[] }[];
  }
}

const titles = (assets: AssetPayload[]): string[] => assets.map((asset) => asset.title);

export async function start(): Promise<void> {
  const dam = new URLSearchParams(location.search).get("dam");
  if (!dam) throw new Error("name the DAM: ?dam=<origin>");
  window.heard = [];
  const finder = await mountFinder(document.getElementById("finder") as HTMLElement, {
    remoteRepository: dam,
    accept: ["image/*"],
    selection: "multiple",
    strings: { search: "Search the brand's images" },
  });
  finder.on("selectionchange", (assets) => window.heard.push({ event: "selectionchange", titles: titles(assets) }));
  finder.on("selectionconfirm", (assets) => window.heard.push({ event: "selectionconfirm", titles: titles(assets) }));
  finder.on("dragstart", (asset) => window.heard.push({ event: "dragstart", titles: [asset.title] }));
  finder.on("loginrequired", ({ repository }) => window.heard.push({ event: "loginrequired", titles: [repository] }));
  finder.on("error", ({ message }) => window.heard.push({ event: "error", titles: [message] }));
  if (EVENTS.length !== 5) throw new Error(`the finder has ${EVENTS.length} events`);
  window.finder = finder;
  document.documentElement.dataset.finder = "mounted";
}
