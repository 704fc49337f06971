// The peer of Tessera's rendition bench: `node sharp-renditions.mjs THREADS FILE...`
// makes the same renditions of the same files with sharp (libvips), THREADS images at a
// time, each taking the next file as soon as it is free. Prints {"images", "seconds"}.
import sharp from "sharp";

const [threadsArg, ...files] = process.argv.slice(2);
const threads = Number(threadsArg);
// One libvips thread per image at a time: THREADS images in flight use THREADS cores.
sharp.concurrency(1);
sharp.cache(false);
const fit = (w, h) => ({ width: w, height: h, fit: "inside", withoutEnlargement: true });
let next = 0;
async function worker() {
  while (next < files.length) {
    const image = sharp(files[next++]).rotate();
    await image.clone().resize(fit(1280, 1280)).jpeg({ quality: 82 }).toBuffer();
    await image.clone().resize(fit(319, 319)).png().toBuffer();
    await image.clone().resize(fit(140, 100)).png().toBuffer();
    await image.clone().resize(fit(48, 48)).png().toBuffer();
  }
}
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: threads }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ images: files.length, seconds }));
