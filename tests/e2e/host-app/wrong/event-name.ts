// Must not type-check: the finder has no event "selectionchanged".
import { mountFinder } from "@tessera/finder";

const finder = await mountFinder(document.body, { remoteRepository: "https://dam.example.com" });
finder.on("selectionchanged", (assets) => console.log(assets));
