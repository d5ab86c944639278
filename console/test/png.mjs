// What a screenshot shows: pixels of given colours in a region of a PNG (decoded with pngjs).
import { PNG } from 'pngjs';

/** The RGB triple of '#rrggbb'. */
export const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/**
 * Per colour name, how many pixels of `region` ({ x, y, width, height } in CSS pixels, at scale
 * 1) are that colour within `tolerance` per channel.
 */
export function countColours(buffer, region, colours, tolerance = 6) {
  const png = PNG.sync.read(buffer);
  const counts = Object.fromEntries(Object.keys(colours).map((k) => [k, 0]));
  const targets = Object.entries(colours).map(([k, hex]) => [k, rgb(hex)]);
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(png.width, Math.ceil(region.x + region.width));
  const y1 = Math.min(png.height, Math.ceil(region.y + region.height));
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      const i = (y * png.width + x) * 4;
      for (const [k, [r, g, b]] of targets) {
        if (Math.abs(png.data[i] - r) <= tolerance && Math.abs(png.data[i + 1] - g) <= tolerance && Math.abs(png.data[i + 2] - b) <= tolerance) counts[k] += 1;
      }
    }
  }
  return { counts, width: png.width, height: png.height };
}
