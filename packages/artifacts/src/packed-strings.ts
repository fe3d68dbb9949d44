/** Slots per entry at most before the hash table doubles (load factor 0.5). */
const MAX_LOAD = 0.5;

/**
 * Many short strings (a million item ids or titles) as UTF-8 bytes in one buffer, with an
 * optional open-addressing hash index from string to position. A `string[]` plus a
 * `Map<string, number>` of a million entries is two million heap objects that every major
 * garbage collection traces, and a pause of tens of milliseconds on a busy event loop; here they
 * are five typed arrays. `get` decodes a new string per call: for per-request work over a few
 * thousand entries, not for scanning the whole table.
 *
 * A rewritten entry (a live catalog update) appends its new bytes; the old ones stay unused.
 */
export class PackedStrings {
  private bytes: Buffer = Buffer.allocUnsafe(1024);
  private used = 0;
  private starts: Int32Array<ArrayBuffer> = new Int32Array(256);
  private ends: Int32Array<ArrayBuffer> = new Int32Array(256);
  private hashes: Int32Array<ArrayBuffer> = new Int32Array(256);
  private count = 0;
  /** Position + 1 per slot, 0 when empty; length a power of two. Empty without an index. */
  private slots = new Int32Array(0);

  /**
   * @param indexed whether indexOf() is needed (ids: yes; titles: no).
   * @param capacity entries expected: a table sized once never rehashes a million entries in
   * one step (tens of milliseconds); it still grows past the hint.
   */
  constructor(
    private readonly indexed = false,
    capacity = 0,
  ) {
    if (capacity > this.starts.length) {
      this.starts = new Int32Array(capacity);
      this.ends = new Int32Array(capacity);
      this.hashes = new Int32Array(capacity);
    }
    let slots = 64;
    while (slots * MAX_LOAD < capacity) slots *= 2;
    if (indexed) this.slots = new Int32Array(slots);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a string; returns its position. Duplicates are kept; indexOf finds the first. */
  push(value: string): number {
    const at = this.append();
    this.write(at, value);
    this.index(at);
    return at;
  }

  /**
   * Appends the string whose UTF-8 bytes are `source[start, end)` (valid UTF-8: the caller
   * checks), without making a JavaScript string of it; returns its position, as push() does.
   */
  pushBytes(source: Uint8Array, start: number, end: number): number {
    const at = this.append();
    const n = end - start;
    this.reserve(n);
    if (n > 64) this.bytes.set(source.subarray(start, end), this.used);
    else for (let i = 0; i < n; i++) this.bytes[this.used + i] = source[start + i]!;
    this.starts[at] = this.used;
    this.ends[at] = this.used + n;
    this.hashes[at] = hashBytes(source, start, end);
    this.used += n;
    this.index(at);
    return at;
  }

  /** The first position holding the string of UTF-8 bytes `source[start, end)`, or -1. */
  indexOfBytes(source: Uint8Array, start: number, end: number): number {
    return this.find(hashBytes(source, start, end), source, start, end);
  }

  /** indexOfBytes with the bytes' hash already known. */
  private find(hash: number, source: Uint8Array, start: number, end: number): number {
    const mask = this.slots.length - 1;
    if (mask < 0) return -1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      const at = entry - 1;
      if (this.hashes[at] === hash && this.compareBytes(at, source, start, end) === 0) return at;
    }
  }

  /** Appends empty strings up to `length` entries (rows to be set() later), in one step. */
  extend(length: number): void {
    if (this.indexed) throw new Error('PackedStrings: an indexed table cannot be extended');
    if (length <= this.count) return;
    if (length > this.starts.length) {
      this.starts = grow(this.starts, length);
      this.ends = grow(this.ends, length);
      this.hashes = grow(this.hashes, length);
    }
    this.starts.fill(this.used, this.count, length);
    this.ends.fill(this.used, this.count, length);
    this.hashes.fill(hashBytes(this.bytes, 0, 0), this.count, length);
    this.count = length;
  }

  /** Replaces the string at `at` (a position below length). Not for indexed tables. */
  set(at: number, value: string): void {
    if (this.indexed) throw new Error('PackedStrings: an indexed entry cannot be rewritten');
    if (at < 0 || at >= this.count) throw new RangeError(`PackedStrings: no position ${at}`);
    this.write(at, value);
  }

  /** The string at `at`, or undefined past the end. */
  get(at: number): string | undefined {
    if (at < 0 || at >= this.count) return undefined;
    return this.bytes.toString('utf8', this.starts[at], this.ends[at]);
  }

  /** The first position holding `value`, or -1 (always -1 without an index). */
  indexOf(value: string): number {
    const mask = this.slots.length - 1;
    if (mask < 0) return -1;
    const hash = hashOf(value);
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      const at = entry - 1;
      if (this.hashes[at] === hash && this.matches(at, value)) return at;
    }
  }

  /** A new position at the end (its bytes are written next). */
  private append(): number {
    const at = this.count;
    if (at === this.starts.length) {
      this.starts = grow(this.starts, at * 2);
      this.ends = grow(this.ends, at * 2);
      this.hashes = grow(this.hashes, at * 2);
    }
    this.count++;
    return at;
  }

  /** Enters a new position in the index, unless an earlier one holds the same string. */
  private index(at: number): void {
    if (!this.indexed) return;
    if (this.count > this.slots.length * MAX_LOAD) this.rehash(this.slots.length * 2);
    const hash = this.hashes[at]!;
    if (this.find(hash, this.bytes, this.starts[at]!, this.ends[at]!) < 0) this.place(at);
  }

  /** Room for `n` more bytes. */
  private reserve(n: number): void {
    const need = this.used + n;
    if (need <= this.bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2));
    this.bytes.copy(bigger, 0, 0, this.used);
    this.bytes = bigger;
  }

  private write(at: number, value: string): void {
    this.reserve(value.length * 3); // three bytes per UTF-16 unit at most
    const written = this.bytes.write(value, this.used, 'utf8');
    this.starts[at] = this.used;
    this.ends[at] = this.used + written;
    this.hashes[at] = hashBytes(this.bytes, this.used, this.used + written);
    this.used += written;
  }

  private place(at: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[at]! & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = at + 1;
  }

  private rehash(size: number): void {
    const old = this.slots;
    this.slots = new Int32Array(size);
    for (const entry of old) if (entry !== 0) this.place(entry - 1);
  }

  /**
   * Orders the strings at `a` and `b` by their UTF-8 bytes (code point order), without
   * decoding them: negative, 0 or positive.
   */
  compare(a: number, b: number): number {
    return this.compareBytes(a, this.bytes, this.starts[b]!, this.ends[b]!);
  }

  /** Orders the string at `at` against UTF-8 `bytes` (Buffer.from(value)), as compare() does. */
  compareTo(at: number, bytes: Uint8Array): number {
    return this.compareBytes(at, bytes, 0, bytes.length);
  }

  private compareBytes(at: number, other: Uint8Array, from: number, to: number): number {
    const start = this.starts[at]!;
    const length = this.ends[at]! - start;
    const n = Math.min(length, to - from);
    for (let i = 0; i < n; i++) {
      const d = this.bytes[start + i]! - other[from + i]!;
      if (d !== 0) return d;
    }
    return length - (to - from);
  }

  /** Whether the string at `at` is `value`, without decoding it (ASCII fast path). */
  matches(at: number, value: string): boolean {
    if (at < 0 || at >= this.count) return false;
    const start = this.starts[at]!;
    const end = this.ends[at]!;
    if (end - start < value.length) return false;
    if (end - start === value.length) {
      let i = 0;
      for (; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        if (this.bytes[start + i] !== c) return false;
      }
      if (i === value.length) return true;
    }
    return this.bytes.toString('utf8', start, end) === value;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a (Fowler, Noll and Vo) over UTF-8 bytes, as a signed 32-bit value. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h ^ (h >>> 16);
}

/**
 * hashBytes of a string's UTF-8 encoding, encoded on the fly (no buffer), as Buffer.write
 * encodes it: a lone surrogate becomes U+FFFD.
 */
function hashOf(value: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, FNV_PRIME);
      continue;
    }
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), FNV_PRIME);
      continue;
    }
    const next = value.charCodeAt(i + 1);
    if (c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      i++;
      h = Math.imul(h ^ (0xf0 | (c >> 18)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), FNV_PRIME);
    } else {
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
      h = Math.imul(h ^ (0xe0 | (c >> 12)), FNV_PRIME);
    }
    h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), FNV_PRIME);
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), FNV_PRIME);
  }
  return h ^ (h >>> 16);
}

function grow(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.max(size, 16));
  out.set(array);
  return out;
}
