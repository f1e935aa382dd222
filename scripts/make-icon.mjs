// Draws media/icon.png (128x128 RGBA): sample paths of a 2-D reverse diffusion, from a noisy cloud
// (faint dots) to two clean modes (bright dots), on a rounded dark tile. Run: node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const S = 128;
const px = new Float64Array(S * S * 4); // premultiplied RGBA in [0, 1]

function blend(x, y, rgb, a) {
  if (x < 0 || y < 0 || x >= S || y >= S || a <= 0) return;
  const i = (y * S + x) * 4;
  for (let c = 0; c < 3; c++) px[i + c] = rgb[c] * a + px[i + c] * (1 - a);
  px[i + 3] = a + px[i + 3] * (1 - a);
}

// Rounded tile with a vertical gradient.
const r = 22;
for (let y = 0; y < S; y++) {
  for (let x = 0; x < S; x++) {
    const dx = Math.max(r - x - 0.5, x + 0.5 - (S - r), 0);
    const dy = Math.max(r - y - 0.5, y + 0.5 - (S - r), 0);
    const cover = Math.min(1, Math.max(0, r - Math.hypot(dx, dy) + 0.5));
    const g = y / (S - 1);
    blend(x, y, [0.07 + 0.05 * g, 0.09 + 0.06 * g, 0.2 + 0.12 * g], cover);
  }
}

function disc(cx, cy, rad, rgb, alpha) {
  for (let y = Math.floor(cy - rad - 1); y <= Math.ceil(cy + rad + 1); y++) {
    for (let x = Math.floor(cx - rad - 1); x <= Math.ceil(cx + rad + 1); x++) {
      const cover = Math.min(1, Math.max(0, rad - Math.hypot(x + 0.5 - cx, y + 0.5 - cy) + 0.5));
      blend(x, y, rgb, cover * alpha);
    }
  }
}

// A tiny deterministic generator (LCG) so the icon is reproducible.
let state = 12345;
const uniform = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const modes = [
  [42, 86],
  [88, 44]
];
for (let k = 0; k < 14; k++) {
  const start = [20 + uniform() * 88, 20 + uniform() * 88];
  const end = modes[k % 2].map((m) => m + (uniform() - 0.5) * 10);
  const bend = [(uniform() - 0.5) * 40, (uniform() - 0.5) * 40];
  const steps = 60;
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const x = start[0] * (1 - t) * (1 - t) + 2 * t * (1 - t) * ((start[0] + end[0]) / 2 + bend[0]) + t * t * end[0];
    const y = start[1] * (1 - t) * (1 - t) + 2 * t * (1 - t) * ((start[1] + end[1]) / 2 + bend[1]) + t * t * end[1];
    const rgb = [0.35 + 0.6 * t, 0.55 + 0.35 * t, 1 - 0.55 * t];
    disc(x, y, 1.1, rgb, 0.25 + 0.5 * t);
  }
  disc(start[0], start[1], 2.2, [0.55, 0.65, 1], 0.6);
  disc(end[0], end[1], 3.2, [1, 0.78, 0.3], 1);
}

// PNG encoding: 8-bit RGBA, filter 0 per row, one IDAT.
const raw = Buffer.alloc(S * (S * 4 + 1));
for (let y = 0; y < S; y++) {
  raw[y * (S * 4 + 1)] = 0;
  for (let x = 0; x < S; x++) {
    const i = (y * S + x) * 4;
    const a = px[i + 3];
    const o = y * (S * 4 + 1) + 1 + x * 4;
    for (let c = 0; c < 3; c++) raw[o + c] = a > 0 ? Math.round(Math.min(1, px[i + c] / a) * 255) : 0;
    raw[o + 3] = Math.round(a * 255);
  }
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(S, 0);
ihdr.writeUInt32BE(S, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0))
]);
writeFileSync(new URL('../media/icon.png', import.meta.url), png);
console.log(`media/icon.png: ${png.length} bytes`);
