// The peer of Tessera's rendition bench: the same renditions of the same files with
// sharp (libvips), one image at a time on one thread. Prints {"images", "seconds"}.
import sharp from "sharp";

sharp.concurrency(1);
sharp.cache(false);
const files = process.argv.slice(2);
const fit = (w, h) => ({ width: w, height: h, fit: "inside", withoutEnlargement: true });
const started = process.hrtime.bigint();
for (const file of files) {
  const image = sharp(file).rotate();
  await image.clone().resize(fit(1280, 1280)).jpeg({ quality: 82 }).toBuffer();
  await image.clone().resize(fit(319, 319)).png().toBuffer();
  await image.clone().resize(fit(140, 100)).png().toBuffer();
  await image.clone().resize(fit(48, 48)).png().toBuffer();
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ images: files.length, seconds }));
