/**
 * The "hashing" text encoder of training/src/recsys_training/text.py, the hashing trick
 * (Weinberger et al. 2009): tokens = runs of [a-z0-9] in the lower-cased text, features =
 * tokens and adjacent pairs joined by one space, v[h mod dim] += (bit 31 of h ? -1 : +1) with
 * h = FNV-1a 32 of the feature's UTF-8, then L2-normalised.
 */
const TOKEN = /[a-z0-9]+/g;
const OFFSET = 0x811c9dc5;

/** FNV-1a 32-bit over bytes, as an unsigned integer. */
export function fnv1a32(bytes: Uint8Array, h = OFFSET): number {
  for (const byte of bytes) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h >>> 0;
}

// Tokens are [a-z0-9] runs, so their UTF-8 bytes are their char codes: hash them in place,
// and a bigram's hash continues its first token's through the space.
function fnvAscii(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Writes the hashed embedding of `text` into `out` (length dim). */
export function hashText(text: string, out: Float32Array): void {
  const dim = out.length;
  // Accumulate in float64: counts are small integers, exact either way, and the norm then
  // rounds once into float32 as numpy's float32 division does per element.
  const acc = new Float64Array(dim);
  const tokens = text.toLowerCase().match(TOKEN) ?? [];
  const add = (h: number) => (acc[h % dim]! += h >>> 31 ? -1 : 1);
  let previous = 0;
  tokens.forEach((t, i) => {
    const h = fnvAscii(t, OFFSET);
    add(h);
    if (i > 0) add(fnvAscii(t, Math.imul(previous ^ 0x20, 0x01000193) >>> 0));
    previous = h;
  });
  let sq = 0;
  for (const v of acc) sq += v * v;
  const norm = Math.max(Math.sqrt(sq), 1e-12);
  for (let j = 0; j < dim; j++) out[j] = acc[j]! / norm;
}

/** [n, dim] hashed embeddings of `texts`. */
export function hashTexts(texts: readonly string[], dim: number): Float32Array {
  const out = new Float32Array(texts.length * dim);
  texts.forEach((t, i) => hashText(t, out.subarray(i * dim, (i + 1) * dim)));
  return out;
}
