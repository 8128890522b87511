/**
 * Saving the browser tests' screenshots only when the picture really changed, so a test run leaves
 * git clean. Two notions of "changed": the pixels (the editors, which render the same on every run)
 * and what a picture shows (the panels, whose demo data moves with the calendar).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** A PNG's chunks after its signature, in order. */
function* chunks(png: Buffer): Generator<{ type: string; data: Buffer }> {
  for (let i = 8; i < png.length;) {
    const length = png.readUInt32BE(i);
    yield { type: png.toString('latin1', i + 4, i + 8), data: png.subarray(i + 8, i + 8 + length) };
    i += 12 + length;
  }
}

/** Writes `png` to `file` unless there is a file there that `unchanged` accepts. */
function writeUnlessUnchanged(file: string, png: Buffer, unchanged: (old: Buffer) => boolean): void {
  if (fs.existsSync(file) && unchanged(fs.readFileSync(file))) {
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png);
}

/** A PNG's inflated image data (IDAT chunks), to compare two renderings byte for byte. */
function pixels(png: Buffer): Buffer {
  return zlib.inflateSync(Buffer.concat([...chunks(png)].filter((c) => c.type === 'IDAT').map((c) => c.data)));
}

/** Writes a screenshot unless the saved one differs only by antialiasing noise (< 0.1% of its bytes). */
export function saveScreenshot(file: string, png: Buffer): void {
  writeUnlessUnchanged(file, png, (old) => {
    const [a, b] = [pixels(old), pixels(png)];
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
      diff += a[i] === b[i] ? 0 : 1;
    }
    return a.length === b.length && diff < a.length / 1000;
  });
}

/** CRC-32 of a PNG chunk's type and data. */
function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) {
      c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
  }
  return ~c >>> 0;
}

/** The PNG with a tEXt chunk `panels` (after IHDR) recording what the picture shows. */
function withSignature(png: Buffer, signature: string): Buffer {
  const body = Buffer.concat([Buffer.from('tEXtpanels\0', 'latin1'), Buffer.from(signature, 'latin1')]);
  const chunk = Buffer.alloc(body.length + 8);
  chunk.writeUInt32BE(body.length - 4, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), chunk.length - 4);
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

function signatureOf(png: Buffer): string | undefined {
  for (const { type, data } of chunks(png)) {
    const text = data.toString('latin1');
    if (type === 'tEXt' && text.startsWith('panels\0')) {
      return text.slice('panels\0'.length);
    }
  }
  return undefined;
}

/**
 * Writes the picture when what it shows changed: its size, or `signature` (what the panels show,
 * kept in the PNG). UPDATE_SCREENSHOTS=1 rewrites it anyway.
 */
export function saveSignedScreenshot(file: string, png: Buffer, signature: string): void {
  writeUnlessUnchanged(
    file,
    withSignature(png, signature),
    (old) =>
      process.env.UPDATE_SCREENSHOTS !== '1' &&
      old.readUInt32BE(16) === png.readUInt32BE(16) &&
      old.readUInt32BE(20) === png.readUInt32BE(20) &&
      signatureOf(old) === signature
  );
}
