// The host page's own code for www/embed.html, in a file of its own so the page
// keeps a Content-Security-Policy without 'unsafe-inline' scripts.
// Everything a host page needs: the module, a container, options, and events.
import { mountFinder, ASSET_MIME } from "/pkg/finder.js";

const zone = document.getElementById("drop-zone");
const log = (name, detail) => {
  const item = document.createElement("li");
  item.textContent = `${name}: ${JSON.stringify(detail).slice(0, 300)}`;
  document.getElementById("events").append(item);
};
const show = (asset) => {
  const figure = document.createElement("figure");
  if (asset.mime.startsWith("image/")) {
    const img = document.createElement("img");
    img.src = asset.renditions["web-1280"] ?? asset.renditions.original;
    img.alt = asset.title;
    img.crossOrigin = "use-credentials";
    figure.append(img);
  }
  const caption = document.createElement("figcaption");
  caption.textContent = `${asset.title} (${asset.path}, ${asset.mime}, ${asset.size} bytes)`;
  figure.append(caption);
  zone.replaceChildren(figure);
};

zone.addEventListener("dragover", (e) => {
  if (e.dataTransfer.types.includes(ASSET_MIME)) {
    e.preventDefault();
    zone.classList.add("hover");
  }
});
zone.addEventListener("dragleave", () => zone.classList.remove("hover"));
zone.addEventListener("drop", (e) => {
  e.preventDefault();
  zone.classList.remove("hover");
  show(JSON.parse(e.dataTransfer.getData(ASSET_MIME)));
});

// The remote DAM this Sites deployment is connected to, if any.
const deployment = await fetch("/api/deployment").then((r) => r.json());
const remoteRepository = deployment.remote_dam_url ?? null;

// The side rail: the custom element, with its attributes and DOM events.
const rail = document.getElementById("rail");
if (remoteRepository) rail.setAttribute("remote-repository", remoteRepository);
for (const name of ["selectionchange", "selectionconfirm", "dragstart", "loginrequired", "error"]) {
  rail.addEventListener(`tessera-${name}`, (e) => log(`rail ${name}`, e.detail));
}

// The modal: mounted when opened, unmounted when closed.
const dialog = document.getElementById("picker");
let modal = null;
document.getElementById("choose").addEventListener("click", async () => {
  dialog.showModal();
  modal = await mountFinder(document.getElementById("modal-finder"), {
    repository: "", // this page's own deployment's DAM
    remoteRepository,
    accept: ["image/*"],
    filters: ["search"],
    strings: { search: "Search images" },
  });
  modal.on("selectionchange", (chosen) => log("modal selectionchange", chosen));
  modal.on("selectionconfirm", (chosen) => {
    log("modal selectionconfirm", chosen);
    show(chosen[0]);
    dialog.close();
  });
});
const close = () => dialog.close();
document.getElementById("close").addEventListener("click", close);
dialog.addEventListener("close", () => {
  modal?.unmount();
  modal?.free();
  modal = null;
});
document.documentElement.dataset.embedReady = "true";
