#!/usr/bin/env node
// Generates the tray and app icons as PNG using only node:zlib (no image libraries).
//   node build/scripts/make-icons.mjs
// Writes the app icons build/icons/{256x256,512x512}.png and build/icon.png (electron-builder reads
// them from build/), and the tray icons, once, to electron/main/tray/images/: the shell loads them
// from there in development and electron-builder ships that folder as `extraResources` (tray/).
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const buildIcons = join(root, 'build', 'icons');
const trayOut = [join(root, 'electron', 'main', 'tray', 'images')];

/** Tray state colours, RGB. */
const COLORS = {
  green: [0x2e, 0xa0, 0x43],
  amber: [0xd2, 0x99, 0x22],
  red: [0xcf, 0x22, 0x2e],
  grey: [0x8c, 0x95, 0x9f],
};

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes RGBA pixels (Uint8Array, size*size*4) as an 8-bit RGBA PNG. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Renders a shape with 4x4 supersampling. `paint(x, y)` takes coordinates in [0,1) and returns
 * [r,g,b,a] (a in 0..1) or null for transparent.
 */
function render(size, paint) {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = paint((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size);
          if (!c) continue;
          r += c[0] * c[3]; g += c[1] * c[3]; b += c[2] * c[3]; a += c[3];
        }
      }
      const o = (y * size + x) * 4;
      if (a > 0) {
        px[o] = Math.round(r / a); px[o + 1] = Math.round(g / a); px[o + 2] = Math.round(b / a);
        px[o + 3] = Math.round((a / (S * S)) * 255);
      }
    }
  }
  return encodePng(size, px);
}

const dist = (x, y) => Math.hypot(x - 0.5, y - 0.5);
/** Filled circle with a 6% margin. */
const disc = (rgb) => (x, y) => (dist(x, y) <= 0.44 ? [...rgb, 1] : null);
/** macOS template shapes (black + alpha; the OS recolours them): state shown by shape. */
const TEMPLATE_SHAPES = {
  '': disc([0, 0, 0]), // green: filled
  Amber: (x, y) => (dist(x, y) <= 0.44 && (dist(x, y) >= 0.32 || x < 0.5) ? [0, 0, 0, 1] : null), // half
  Red: (x, y) => {
    const d = dist(x, y);
    const onX = Math.abs(x - y) < 0.09 || Math.abs(x + y - 1) < 0.09;
    return d <= 0.44 && (d >= 0.33 || (onX && d < 0.26)) ? [0, 0, 0, 1] : null; // ring with a cross
  },
  Grey: (x, y) => (dist(x, y) <= 0.44 && dist(x, y) >= 0.33 ? [0, 0, 0, 1] : null), // ring
};

function writeAll(dirs, name, png) {
  for (const d of dirs) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, name), png);
  }
}

for (const [color, rgb] of Object.entries(COLORS)) {
  for (const size of [16, 24, 32]) {
    writeAll(trayOut, `tray-${color}-${size}.png`, render(size, disc(rgb)));
    writeAll(trayOut, `tray-${color}-${size}@2x.png`, render(size * 2, disc(rgb)));
  }
}
for (const [state, paint] of Object.entries(TEMPLATE_SHAPES)) {
  writeAll(trayOut, `tray${state}Template.png`, render(16, paint));
  writeAll(trayOut, `tray${state}Template@2x.png`, render(32, paint));
}

/** App icon: blue rounded square, white downward arrow into a tray line. */
function appIcon(x, y) {
  const m = 0.06, rad = 0.2;
  const cx = Math.min(Math.max(x, m + rad), 1 - m - rad);
  const cy = Math.min(Math.max(y, m + rad), 1 - m - rad);
  if (Math.hypot(x - cx, y - cy) > rad) return null;
  const white = [255, 255, 255, 1];
  if (Math.abs(x - 0.5) < 0.07 && y > 0.2 && y < 0.55) return white; // shaft
  if (y >= 0.45 && y < 0.7 && Math.abs(x - 0.5) < 0.7 - y) return white; // head
  if (y > 0.76 && y < 0.82 && x > 0.24 && x < 0.76) return white; // tray line
  return [0x1f, 0x6f, 0xeb, 1];
}
for (const size of [256, 512]) writeAll([buildIcons], `${size}x${size}.png`, render(size, appIcon));
writeAll([join(root, 'build')], 'icon.png', render(512, appIcon));
console.log('icons written to build/icons, build/icon.png and electron/main/tray/images');
