// A QR code reader for camera frames and images, written from ISO/IEC 18004 (no library): the scanner page's fallback
// where the browser has no BarcodeDetector (Chromium on Linux, Firefox).
//
// decodeQR(imageData) → { text, bytes, version, level, mask } or null. The steps:
// 1. greyscale, then black and white: a global (Otsu) threshold first, a local-mean one if that reads nothing;
// 2. the three finder patterns: runs of dark:light:dark:light:dark in the ratio 1:1:3:1:1 along each row, checked again
//    down the column and along the row through the centre they give, close hits merged;
// 3. the module size and the version from the finders' spacing (the version information of versions 7 and up, BCH
//    checked, corrects it), the grid mapped from the finder centres (an affine map; with the bottom right alignment
//    pattern found, a perspective one), each module sampled at its centre;
// 4. the format information (level and mask), BCH checked against the 32 valid words (up to 3 bits wrong), unmasking,
//    the codewords in the standard's zigzag order, the blocks de-interleaved (Table 9 for levels L, M, Q and H,
//    versions 1-40), each block's Reed-Solomon errors corrected (Berlekamp-Massey, Chien search, Forney; a block with
//    more errors than its code can correct makes the attempt fail rather than answer wrong data);
// 5. the segments: numeric, alphanumeric and byte mode (ECI skipped), bytes read as UTF-8.
// Works on axis-aligned, scaled, mildly rotated and mildly tilted codes, which is what a ticket held up to a camera
// or a screenshot gives; it does not look for mirrored codes or several codes in one frame.

// MARK: GF(256) and Reed-Solomon (§7.5.2: x⁸ + x⁴ + x³ + x² + 1, generator roots α⁰ … α^(n−1))

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i += 1) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i += 1) EXP[i] = EXP[i - 255];
}
const mul = (a, b) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);
const div = (a, b) => (a ? EXP[(LOG[a] + 255 - LOG[b]) % 255] : 0);

/** A polynomial given lowest degree first, at x. */
function evaluate(poly, x) {
  let result = 0;
  for (let i = poly.length - 1; i >= 0; i -= 1) result = mul(result, x) ^ poly[i];
  return result;
}

function syndromes(block, eccLength) {
  const result = new Uint8Array(eccLength);
  let clean = true;
  for (let j = 0; j < eccLength; j += 1) {
    let s = 0;
    for (let k = 0; k < block.length; k += 1) s = mul(s, EXP[j]) ^ block[k];
    result[j] = s;
    if (s) clean = false;
  }
  return clean ? null : result;
}

/** Corrects a block (data then error-correction codewords, highest degree first) in place; false when it has more
 * errors than `eccLength` codewords can correct. */
export function correctBlock(block, eccLength) {
  const s = syndromes(block, eccLength);
  if (!s) return true;
  // Berlekamp-Massey: the error locator Λ(x), lowest degree first.
  let locator = [1];
  let previous = [1];
  let errors = 0;
  let shift = 1;
  let lastDiscrepancy = 1;
  for (let n = 0; n < eccLength; n += 1) {
    let d = s[n];
    for (let i = 1; i <= errors; i += 1) d ^= mul(locator[i] || 0, s[n - i]);
    if (d === 0) {
      shift += 1;
      continue;
    }
    const coefficient = div(d, lastDiscrepancy);
    const next = locator.slice();
    for (let i = 0; i < previous.length; i += 1) {
      while (next.length <= i + shift) next.push(0);
      next[i + shift] ^= mul(coefficient, previous[i]);
    }
    if (2 * errors <= n) {
      previous = locator;
      errors = n + 1 - errors;
      lastDiscrepancy = d;
      shift = 1;
    } else {
      shift += 1;
    }
    locator = next;
  }
  if (2 * errors > eccLength) return false;
  // Chien search: position k (0 = first codeword) is in error when Λ(α^−(N−1−k)) = 0.
  const n = block.length;
  const positions = [];
  for (let k = 0; k < n; k += 1) {
    const power = n - 1 - k;
    if (evaluate(locator, EXP[(255 - (power % 255)) % 255]) === 0) positions.push(k);
  }
  if (positions.length !== errors) return false;
  // Forney: eₖ = Xₖ · Ω(Xₖ⁻¹) / Λ'(Xₖ⁻¹), Ω = S·Λ mod x^eccLength (first consecutive root α⁰).
  const omega = new Uint8Array(eccLength);
  for (let i = 0; i < eccLength; i += 1) {
    let value = 0;
    for (let j = 0; j <= i; j += 1) value ^= mul(s[j], locator[i - j] || 0);
    omega[i] = value;
  }
  const derivative = [];
  for (let i = 1; i < locator.length; i += 1) derivative[i - 1] = i & 1 ? locator[i] : 0;
  for (const k of positions) {
    const power = (n - 1 - k) % 255;
    const x = EXP[power];
    const inverse = EXP[(255 - power) % 255];
    const denominator = evaluate(derivative, inverse);
    if (!denominator) return false;
    block[k] ^= mul(x, div(evaluate(omega, inverse), denominator));
  }
  return syndromes(block, eccLength) === null;
}

// MARK: Versions, levels and blocks (§7.1, §7.5.1 Table 9)

/** Format bits of a level (Table 12) → its name. */
const LEVELS = { 1: "L", 0: "M", 3: "Q", 2: "H" };
const ECC_PER_BLOCK = {
  L: [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  Q: [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  H: [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
};
const BLOCKS = {
  L: [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  Q: [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  H: [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
};

/** Modules left for data and error correction: the symbol minus its function patterns. */
function rawDataModules(version) {
  let result = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const alignments = Math.floor(version / 7) + 2;
    result -= (25 * alignments - 10) * alignments - 55;
    if (version >= 7) result -= 36;
  }
  return result;
}

/** The centres of the alignment patterns along each axis (§6.3.6, Annex E). */
function alignmentPositions(version) {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const size = version * 4 + 17;
  const step = version === 32 ? 26 : Math.floor((version * 4 + count * 2 + 1) / (count * 2 - 2)) * 2;
  const positions = [6];
  for (let i = 0; i < count - 1; i += 1) positions.splice(1, 0, size - 7 - i * step);
  return positions;
}

const functionCache = new Map();
/** Which modules of a version are function patterns (finders with separators, timing, alignment, format and version
 * information, the dark module): everything else carries codewords. */
function functionModules(version) {
  if (functionCache.has(version)) return functionCache.get(version);
  const size = version * 4 + 17;
  const mark = new Uint8Array(size * size);
  const set = (x, y) => { if (x >= 0 && y >= 0 && x < size && y < size) mark[y * size + x] = 1; };
  for (let i = 0; i < size; i += 1) { set(6, i); set(i, 6); }
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
    for (let dy = -4; dy <= 4; dy += 1) for (let dx = -4; dx <= 4; dx += 1) set(cx + dx, cy + dy);
  }
  const positions = alignmentPositions(version);
  positions.forEach((y, i) => positions.forEach((x, j) => {
    const last = positions.length - 1;
    if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
    for (let dy = -2; dy <= 2; dy += 1) for (let dx = -2; dx <= 2; dx += 1) set(x + dx, y + dy);
  }));
  for (let i = 0; i <= 8; i += 1) { set(8, i); set(i, 8); }
  for (let i = 0; i < 8; i += 1) { set(size - 1 - i, 8); set(8, size - 1 - i); }
  if (version >= 7) {
    for (let i = 0; i < 18; i += 1) {
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(a, b);
      set(b, a);
    }
  }
  functionCache.set(version, mark);
  return mark;
}

/** Whether a mask pattern inverts the module at column x, row y (§7.8.2, Table 10). */
function inverts(mask, x, y) {
  switch (mask) {
    case 0: return (x + y) % 2 === 0;
    case 1: return y % 2 === 0;
    case 2: return x % 3 === 0;
    case 3: return (x + y) % 3 === 0;
    case 4: return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
    case 5: return ((x * y) % 2) + ((x * y) % 3) === 0;
    case 6: return (((x * y) % 2) + ((x * y) % 3)) % 2 === 0;
    default: return (((x + y) % 2) + ((x * y) % 3)) % 2 === 0;
  }
}

// MARK: Format and version information (§7.9, §7.10): BCH codes, decoded to the nearest valid word

const bitCount = (value) => { let n = 0; for (let v = value; v; v &= v - 1) n += 1; return n; };

const FORMAT_WORDS = Array.from({ length: 32 }, (_, data) => {
  let remainder = data;
  for (let i = 0; i < 10; i += 1) remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537);
  return ((data << 10) | remainder) ^ 0x5412;
});

const VERSION_WORDS = Array.from({ length: 41 }, (_, version) => {
  if (version < 7) return -1;
  let remainder = version;
  for (let i = 0; i < 12; i += 1) remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1f25);
  return (version << 12) | remainder;
});

/** The level and mask of a sampled symbol from the better of its two format information copies, or null when
 * neither is within 3 bits of a valid word. */
function readFormat(grid, size) {
  const at = (x, y) => grid[y * size + x];
  let first = 0;
  let second = 0;
  for (let i = 0; i <= 5; i += 1) first |= at(8, i) << i;
  first |= at(8, 7) << 6;
  first |= at(8, 8) << 7;
  first |= at(7, 8) << 8;
  for (let i = 9; i < 15; i += 1) first |= at(14 - i, 8) << i;
  for (let i = 0; i < 8; i += 1) second |= at(size - 1 - i, 8) << i;
  for (let i = 8; i < 15; i += 1) second |= at(8, size - 15 + i) << i;
  let best = null;
  let distance = 4;
  FORMAT_WORDS.forEach((word, data) => {
    for (const read of [first, second]) {
      const d = bitCount(word ^ read);
      if (d < distance) { distance = d; best = data; }
    }
  });
  if (best === null) return null;
  return { level: LEVELS[best >> 3], mask: best & 7 };
}

/** The version its version information names (versions 7+), or 0 when neither copy is within 3 bits of a valid word. */
function readVersion(grid, size) {
  let first = 0;
  let second = 0;
  for (let i = 0; i < 18; i += 1) {
    const a = size - 11 + (i % 3);
    const b = Math.floor(i / 3);
    first |= grid[b * size + a] << i;
    second |= grid[a * size + b] << i;
  }
  let best = 0;
  let distance = 4;
  for (let version = 7; version <= 40; version += 1) {
    for (const read of [first, second]) {
      const d = bitCount(VERSION_WORDS[version] ^ read);
      if (d < distance) { distance = d; best = version; }
    }
  }
  return best;
}

// MARK: Codewords, blocks and segments

/** The codewords of a sampled symbol, unmasked, in the zigzag of two-module columns from the bottom right (§7.7.3). */
function readCodewords(grid, version, mask) {
  const size = version * 4 + 17;
  const isFunction = functionModules(version);
  const total = rawDataModules(version) >> 3;
  const codewords = new Uint8Array(total);
  let bit = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let vertical = 0; vertical < size; vertical += 1) {
      const y = upward ? size - 1 - vertical : vertical;
      for (let column = 0; column < 2; column += 1) {
        const x = right - column;
        if (isFunction[y * size + x] || bit >= total * 8) continue;
        const dark = grid[y * size + x] ^ (inverts(mask, x, y) ? 1 : 0);
        if (dark) codewords[bit >> 3] |= 0x80 >> (bit & 7);
        bit += 1;
      }
    }
  }
  return codewords;
}

/** The data codewords, the interleaved blocks taken apart (§7.6) and each corrected; null when a block cannot be. */
function dataCodewords(codewords, version, level) {
  const blocks = BLOCKS[level][version];
  const eccLength = ECC_PER_BLOCK[level][version];
  const raw = codewords.length;
  const shortBlocks = blocks - (raw % blocks);
  const shortLength = Math.floor(raw / blocks);
  const dataLengths = Array.from({ length: blocks }, (_, i) => shortLength - eccLength + (i < shortBlocks ? 0 : 1));
  const parts = dataLengths.map((length) => new Uint8Array(length + eccLength));
  let next = 0;
  for (let index = 0; index <= shortLength - eccLength; index += 1) {
    for (let b = 0; b < blocks; b += 1) if (index < dataLengths[b]) parts[b][index] = codewords[next++];
  }
  for (let index = 0; index < eccLength; index += 1) {
    for (let b = 0; b < blocks; b += 1) parts[b][dataLengths[b] + index] = codewords[next++];
  }
  const data = [];
  for (let b = 0; b < blocks; b += 1) {
    if (!correctBlock(parts[b], eccLength)) return null;
    for (let i = 0; i < dataLengths[b]; i += 1) data.push(parts[b][i]);
  }
  return data;
}

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/** The bytes of the segments (§7.4); null for a mode this reader does not know (Kanji, structured append, FNC1). */
function readSegments(data, version) {
  let position = 0;
  const remaining = () => data.length * 8 - position;
  const read = (count) => {
    let value = 0;
    for (let i = 0; i < count; i += 1) {
      value = (value << 1) | ((data[position >> 3] >> (7 - (position & 7))) & 1);
      position += 1;
    }
    return value;
  };
  const sizeClass = version < 10 ? 0 : version < 27 ? 1 : 2;
  const bytes = [];
  while (remaining() >= 4) {
    const mode = read(4);
    if (mode === 0) break;
    if (mode === 0b0111) { // ECI: its designator is skipped, the bytes are read as UTF-8 anyway
      const first = read(8);
      if ((first & 0x80) === 0x80) read((first & 0x40) ? 16 : 8);
      continue;
    }
    if (mode === 0b0100) {
      const count = read([8, 16, 16][sizeClass]);
      if (remaining() < count * 8) return null;
      for (let i = 0; i < count; i += 1) bytes.push(read(8));
    } else if (mode === 0b0001) {
      let count = read([10, 12, 14][sizeClass]);
      while (count >= 3) { bytes.push(...new TextEncoder().encode(String(read(10)).padStart(3, "0"))); count -= 3; }
      if (count === 2) bytes.push(...new TextEncoder().encode(String(read(7)).padStart(2, "0")));
      if (count === 1) bytes.push(...new TextEncoder().encode(String(read(4))));
    } else if (mode === 0b0010) {
      let count = read([9, 11, 13][sizeClass]);
      while (count >= 2) {
        const pair = read(11);
        bytes.push(ALPHANUMERIC.charCodeAt(Math.floor(pair / 45)), ALPHANUMERIC.charCodeAt(pair % 45));
        count -= 2;
      }
      if (count === 1) bytes.push(ALPHANUMERIC.charCodeAt(read(6)));
    } else {
      return null;
    }
  }
  return Uint8Array.from(bytes);
}

// MARK: Black and white

function greyscale({ data, width, height }) {
  const grey = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < grey.length; i += 1, p += 4) grey[i] = (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;
  return grey;
}

/** Dark (1) below Otsu's threshold, the one that best separates the histogram's two halves. */
function globalThreshold(grey) {
  const histogram = new Float64Array(256);
  for (const value of grey) histogram[value] += 1;
  let sum = 0;
  for (let i = 0; i < 256; i += 1) sum += i * histogram[i];
  let below = 0;
  let belowSum = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t += 1) {
    below += histogram[t];
    if (!below) continue;
    const above = grey.length - below;
    if (!above) break;
    belowSum += t * histogram[t];
    const difference = belowSum / below - (sum - belowSum) / above;
    const between = below * above * difference * difference;
    if (between > best) { best = between; threshold = t; }
  }
  const bits = new Uint8Array(grey.length);
  for (let i = 0; i < grey.length; i += 1) bits[i] = grey[i] <= threshold ? 1 : 0;
  return bits;
}

/** Dark (1) where a pixel is clearly darker than the mean around it: for uneven light. */
function localThreshold(grey, width, height) {
  const radius = Math.max(8, Math.floor(Math.min(width, height) / 8));
  const integral = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y += 1) {
    let row = 0;
    for (let x = 0; x < width; x += 1) {
      row += grey[y * width + x];
      integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + row;
    }
  }
  const bits = new Uint8Array(grey.length);
  for (let y = 0; y < height; y += 1) {
    const top = Math.max(0, y - radius);
    const bottom = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x += 1) {
      const left = Math.max(0, x - radius);
      const right = Math.min(width, x + radius + 1);
      const sum = integral[bottom * (width + 1) + right] - integral[top * (width + 1) + right]
        - integral[bottom * (width + 1) + left] + integral[top * (width + 1) + left];
      const mean = sum / ((bottom - top) * (right - left));
      bits[y * width + x] = grey[y * width + x] < mean - 6 ? 1 : 0;
    }
  }
  return bits;
}

// MARK: Finder patterns (§6.3.3)

/** Whether five runs look like a finder pattern's 1:1:3:1:1. */
function finderRatio(counts) {
  const total = counts[0] + counts[1] + counts[2] + counts[3] + counts[4];
  if (total < 7) return false;
  const module = total / 7;
  const tolerance = module / 1.8;
  return Math.abs(counts[0] - module) < tolerance && Math.abs(counts[1] - module) < tolerance
    && Math.abs(counts[2] - 3 * module) < 3 * tolerance && Math.abs(counts[3] - module) < tolerance
    && Math.abs(counts[4] - module) < tolerance;
}

/** The five runs through (x, y) along a direction (dx, dy) with the centre run dark; null when they do not look like a
 * finder (or, given an expected total, differ from it by 40 % or more). Returns the centre's offset from (x, y) along
 * that direction (pixel i spans [i, i + 1)) and the runs' total. */
function crossCheck(bits, width, height, x, y, dx, dy, expectedTotal) {
  const dark = (px, py) => px >= 0 && py >= 0 && px < width && py < height && bits[py * width + px] === 1;
  if (!dark(x, y)) return null;
  const counts = [0, 0, 0, 0, 0];
  const limit = expectedTotal ? expectedTotal * 1.5 : Math.max(width, height);
  let px = x;
  let py = y;
  // Backwards from the centre: the centre run, a light run, a dark run.
  while (dark(px, py)) { counts[2] += 1; px -= dx; py -= dy; if (counts[2] > limit) return null; }
  while (px >= 0 && py >= 0 && px < width && py < height && !dark(px, py)) { counts[1] += 1; px -= dx; py -= dy; if (counts[1] > limit) return null; }
  while (dark(px, py)) { counts[0] += 1; px -= dx; py -= dy; if (counts[0] > limit) return null; }
  px = x + dx;
  py = y + dy;
  while (dark(px, py)) { counts[2] += 1; px += dx; py += dy; if (counts[2] > limit) return null; }
  while (px >= 0 && py >= 0 && px < width && py < height && !dark(px, py)) { counts[3] += 1; px += dx; py += dy; if (counts[3] > limit) return null; }
  while (dark(px, py)) { counts[4] += 1; px += dx; py += dy; if (counts[4] > limit) return null; }
  if (!counts[0] || !counts[1] || !counts[3] || !counts[4]) return null;
  const total = counts.reduce((a, b) => a + b, 0);
  if ((expectedTotal && Math.abs(total - expectedTotal) * 5 >= expectedTotal * 2) || !finderRatio(counts)) return null;
  // The centre: where the last dark run ended, back by the outer runs and half the centre run.
  const end = dx ? px - x : py - y;
  return { offset: end - counts[4] - counts[3] - counts[2] / 2, total };
}

function findFinders(bits, width, height) {
  const found = [];
  const add = (x, y, module) => {
    for (const candidate of found) {
      if (Math.abs(candidate.x - x) <= module * 1.5 && Math.abs(candidate.y - y) <= module * 1.5
        && Math.abs(candidate.module - module) <= Math.max(1, candidate.module * 0.5)) {
        const n = candidate.count;
        candidate.x = (candidate.x * n + x) / (n + 1);
        candidate.y = (candidate.y * n + y) / (n + 1);
        candidate.module = (candidate.module * n + module) / (n + 1);
        candidate.count = n + 1;
        return;
      }
    }
    found.push({ x, y, module, count: 1 });
  };
  const examine = (counts, end, y) => {
    if (!finderRatio(counts)) return;
    const total = counts[0] + counts[1] + counts[2] + counts[3] + counts[4];
    const cx = Math.floor(end - counts[4] - counts[3] - counts[2] / 2);
    const vertical = crossCheck(bits, width, height, cx, y, 0, 1, total);
    if (!vertical) return;
    const cy = Math.floor(y + vertical.offset);
    const horizontal = crossCheck(bits, width, height, cx, cy, 1, 0, total);
    if (!horizontal) return;
    const centerX = cx + horizontal.offset;
    const centerY = y + vertical.offset;
    // A diagonal check weeds out the corners of square blobs.
    const diagonal = crossCheck(bits, width, height, Math.floor(centerX), Math.floor(centerY), 1, 1, null);
    if (!diagonal) return;
    add(centerX, centerY, (horizontal.total + vertical.total) / 14);
  };
  for (let y = 0; y < height; y += 1) {
    const counts = [0, 0, 0, 0, 0];
    let state = 0;
    const row = y * width;
    for (let x = 0; x < width; x += 1) {
      if (bits[row + x]) {
        if (state & 1) state += 1;
        counts[state] += 1;
      } else if (state & 1) {
        counts[state] += 1;
      } else if (state === 4) {
        examine(counts, x, y);
        counts[0] = counts[2]; counts[1] = counts[3]; counts[2] = counts[4]; counts[3] = 1; counts[4] = 0;
        state = 3;
      } else if (state === 0 && counts[0] === 0) {
        // light before the first dark run
      } else {
        state += 1;
        counts[state] += 1;
      }
    }
    if (state === 4) examine(counts, width, y);
  }
  return found;
}

/** Triples of finders that could be one code's, best first: legs of about equal length at about a right angle, finders of
 * about one module size. Each as { topLeft, topRight, bottomLeft }. */
function finderTriples(found) {
  const strong = found.filter((f) => f.count >= 2);
  const pool = (strong.length >= 3 ? strong : found).sort((a, b) => b.count - a.count).slice(0, 10);
  const triples = [];
  const distance = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);
  for (let i = 0; i < pool.length; i += 1) {
    for (let j = i + 1; j < pool.length; j += 1) {
      for (let k = j + 1; k < pool.length; k += 1) {
        const three = [pool[i], pool[j], pool[k]];
        const modules = three.map((f) => f.module);
        if (Math.max(...modules) > Math.min(...modules) * 1.5) continue;
        // The corner opposite the longest side is the top left.
        const sides = [[0, distance(three[1], three[2])], [1, distance(three[0], three[2])], [2, distance(three[0], three[1])]]
          .sort((a, b) => b[1] - a[1]);
        const corner = three[sides[0][0]];
        let [b, c] = three.filter((f) => f !== corner);
        const legB = distance(corner, b);
        const legC = distance(corner, c);
        const hypotenuse = sides[0][1];
        const module = (modules[0] + modules[1] + modules[2]) / 3;
        if (Math.min(legB, legC) < module * 10) continue; // version 1: 14 modules apart
        const legSkew = Math.abs(legB - legC) / Math.max(legB, legC);
        const angleSkew = Math.abs(hypotenuse * hypotenuse - legB * legB - legC * legC) / (hypotenuse * hypotenuse);
        if (legSkew > 0.3 || angleSkew > 0.3) continue;
        // Top right then bottom left go clockwise: in image coordinates (y down) their cross product is positive.
        if ((b.x - corner.x) * (c.y - corner.y) - (b.y - corner.y) * (c.x - corner.x) < 0) [b, c] = [c, b];
        const score = legSkew + angleSkew + (Math.max(...modules) - Math.min(...modules)) / module;
        triples.push({ topLeft: corner, topRight: b, bottomLeft: c, module, score });
      }
    }
  }
  return triples.sort((a, b) => a.score - b.score);
}

// MARK: The grid

/** The perspective transform (x, y) = H(u, v) taking four module points to four image points; null when singular. */
function homography(from, to) {
  const a = [];
  const b = [];
  for (let i = 0; i < 4; i += 1) {
    const [u, v] = from[i];
    const [x, y] = to[i];
    a.push([u, v, 1, 0, 0, 0, -u * x, -v * x]); b.push(x);
    a.push([0, 0, 0, u, v, 1, -u * y, -v * y]); b.push(y);
  }
  // Gaussian elimination with partial pivoting.
  for (let col = 0; col < 8; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < 8; row += 1) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    if (Math.abs(a[pivot][col]) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    [b[col], b[pivot]] = [b[pivot], b[col]];
    for (let row = 0; row < 8; row += 1) {
      if (row === col) continue;
      const factor = a[row][col] / a[col][col];
      if (!factor) continue;
      for (let k = col; k < 8; k += 1) a[row][k] -= factor * a[col][k];
      b[row] -= factor * b[col];
    }
  }
  const h = b.map((value, i) => value / a[i][i]);
  return (u, v) => {
    const w = h[6] * u + h[7] * v + 1;
    return [(h[0] * u + h[1] * v + h[2]) / w, (h[3] * u + h[4] * v + h[5]) / w];
  };
}

/** Samples each module's centre; null when the grid runs off the image. */
function sampleGrid(bits, width, height, transform, size) {
  const grid = new Uint8Array(size * size);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const [px, py] = transform(x + 0.5, y + 0.5);
      const ix = Math.floor(px);
      const iy = Math.floor(py);
      if (ix < 0 || iy < 0 || ix >= width || iy >= height) return null;
      grid[y * size + x] = bits[iy * width + ix];
    }
  }
  return grid;
}

/** The bottom right alignment pattern near where the affine map puts it: a dark module ringed by light, about one
 * module each; null when none is found. */
function findAlignment(bits, width, height, near, module) {
  const dark = (x, y) => x >= 0 && y >= 0 && x < width && y < height && bits[y * width + x] === 1;
  const reach = Math.ceil(module * 4);
  const run = (x, y, dx, dy, wanted) => {
    let n = 0;
    while (dark(x + n * dx, y + n * dy) === wanted && n <= module * 2.5) n += 1;
    return n;
  };
  let best = null;
  for (let y = Math.floor(near[1] - reach); y <= near[1] + reach; y += 1) {
    for (let x = Math.floor(near[0] - reach); x <= near[0] + reach; x += 1) {
      if (!dark(x, y) || dark(x - 1, y)) continue;
      const center = run(x, y, 1, 0, true);
      if (Math.abs(center - module) > module * 0.6) continue;
      const cx = x + center / 2;
      const left = run(x - 1, y, -1, 0, false);
      const right = run(x + center, y, 1, 0, false);
      if (Math.abs(left - module) > module * 0.6 || Math.abs(right - module) > module * 0.6) continue;
      const ix = Math.floor(cx);
      const up = run(ix, y, 0, -1, true);
      const down = run(ix, y, 0, 1, true);
      const vertical = up + down - 1;
      if (Math.abs(vertical - module) > module * 0.6) continue;
      const above = run(ix, y - up, 0, -1, false);
      const below = run(ix, y + down, 0, 1, false);
      if (Math.abs(above - module) > module * 0.6 || Math.abs(below - module) > module * 0.6) continue;
      const cy = y - up + 1 + vertical / 2;
      const d = Math.hypot(cx - near[0], cy - near[1]);
      if (!best || d < best.d) best = { point: [cx, cy], d };
    }
  }
  return best?.point ?? null;
}

/** Reads a sampled symbol; null when its format, blocks or segments do not read. */
function readGrid(grid, version) {
  const size = version * 4 + 17;
  const format = readFormat(grid, size);
  if (!format) return null;
  const data = dataCodewords(readCodewords(grid, version, format.mask), version, format.level);
  if (!data) return null;
  const bytes = readSegments(data, version);
  if (!bytes) return null;
  return { bytes, version, level: format.level, mask: format.mask };
}

function decodeWith(bits, width, height, triple) {
  const { topLeft, topRight, bottomLeft, module } = triple;
  const span = (Math.hypot(topRight.x - topLeft.x, topRight.y - topLeft.y) + Math.hypot(bottomLeft.x - topLeft.x, bottomLeft.y - topLeft.y)) / 2;
  const estimate = Math.round((span / module + 7 - 17) / 4);
  const versions = [estimate, estimate - 1, estimate + 1].filter((v) => v >= 1 && v <= 40);
  const tried = new Set();
  while (versions.length) {
    const version = versions.shift();
    if (tried.has(version)) continue;
    tried.add(version);
    const size = version * 4 + 17;
    const corners = [[3.5, 3.5], [size - 3.5, 3.5], [3.5, size - 3.5]];
    const points = [[topLeft.x, topLeft.y], [topRight.x, topRight.y], [bottomLeft.x, bottomLeft.y]];
    const affine = homography([...corners, [size - 3.5, size - 3.5]],
      [...points, [topRight.x + bottomLeft.x - topLeft.x, topRight.y + bottomLeft.y - topLeft.y]]);
    if (!affine) continue;
    const transforms = [affine];
    if (version >= 2) {
      const alignment = findAlignment(bits, width, height, affine(size - 6.5, size - 6.5), span / (size - 7));
      if (alignment) {
        const perspective = homography([...corners, [size - 6.5, size - 6.5]], [...points, alignment]);
        if (perspective) transforms.unshift(perspective);
      }
    }
    for (const transform of transforms) {
      const grid = sampleGrid(bits, width, height, transform, size);
      if (!grid) continue;
      if (version >= 7) {
        const named = readVersion(grid, size);
        if (named && named !== version) {
          if (!tried.has(named)) versions.unshift(named);
          continue;
        }
      }
      const result = readGrid(grid, version);
      if (result) return result;
    }
  }
  return null;
}

/** The text of the QR code in an ImageData ({ data, width, height }, RGBA), or null when none reads. */
export function decodeQR(imageData) {
  const { width, height } = imageData;
  const grey = greyscale(imageData);
  for (const binarize of [globalThreshold, (g) => localThreshold(g, width, height)]) {
    const bits = binarize(grey);
    const triples = finderTriples(findFinders(bits, width, height)).slice(0, 6);
    for (const triple of triples) {
      const result = decodeWith(bits, width, height, triple);
      if (result) {
        let text;
        try {
          text = new TextDecoder("utf-8", { fatal: true }).decode(result.bytes);
        } catch {
          text = String.fromCharCode(...result.bytes);
        }
        return { text, ...result };
      }
    }
  }
  return null;
}

/** For tests: the parts below decodeQR. */
export const internals = { correctBlock, rawDataModules, alignmentPositions, functionModules, readSegments };
