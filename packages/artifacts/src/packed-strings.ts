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

  /** @param indexed whether indexOf() is needed (ids: yes; titles: no). */
  constructor(private readonly indexed = false) {
    if (indexed) this.slots = new Int32Array(64);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a string; returns its position. Duplicates are kept; indexOf finds the first. */
  push(value: string): number {
    const at = this.count;
    if (at === this.starts.length) {
      this.starts = grow(this.starts, at * 2);
      this.ends = grow(this.ends, at * 2);
      this.hashes = grow(this.hashes, at * 2);
    }
    this.count++;
    this.write(at, value);
    if (this.indexed) {
      if (this.count > this.slots.length * MAX_LOAD) this.rehash(this.slots.length * 2);
      if (this.indexOf(value) < 0) this.place(at);
    }
    return at;
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
      if (this.hashes[at] === hash && this.equals(at, value)) return at;
    }
  }

  private write(at: number, value: string): void {
    // Three bytes per UTF-16 unit at most.
    const need = this.used + value.length * 3;
    if (need > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    const written = this.bytes.write(value, this.used, 'utf8');
    this.starts[at] = this.used;
    this.ends[at] = this.used + written;
    this.hashes[at] = hashOf(value);
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

  /** Compares stored bytes with a string without decoding them (ASCII fast path). */
  private equals(at: number, value: string): boolean {
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

/** FNV-1a over UTF-16 code units (Fowler, Noll and Vo), as a signed 32-bit value. */
function hashOf(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 16);
}

function grow(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.max(size, 16));
  out.set(array);
  return out;
}
