import { describe, expect, it } from 'vitest';
import { PackedStrings } from './packed-strings.js';
import { Vocabulary } from './vocabulary.js';

describe('Vocabulary', () => {
  it('maps values to rows from 1, unknown values and "" to 0, the same from a list or packed rows', () => {
    const packed = new PackedStrings(true);
    for (const value of ['', 'web', 'ios', 'web']) packed.push(value);
    for (const v of [
      new Vocabulary('devices', ['web', 'ios', 'web']),
      new Vocabulary('devices', packed),
    ]) {
      expect([
        v.size,
        v.rowOf('web'),
        v.rowOf('ios'),
        v.rowOf('tv'),
        v.rowOf(''),
        v.rowOf(undefined),
      ]).toEqual([4, 1, 2, 0, 0, 0]);
      expect([v.valueOf(0), v.valueOf(2), v.valueOf(4)]).toEqual([undefined, 'ios', undefined]);
    }
  });
});
