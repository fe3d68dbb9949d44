import { describe, expect, it } from 'vitest';
import { DEFAULT_MIXES, SourceMix, defaultMixes, parseMix } from './source-mix.js';

describe('SourceMix', () => {
  it('parses name:count lists in order', () => {
    expect(parseMix('ann:700, popular:100', 'home')).toEqual([
      { name: 'ann', count: 700 },
      { name: 'popular', count: 100 },
    ]);
  });

  it('rejects an unknown source by name, listing the known ones', () => {
    expect(() => parseMix('ann:10,popularr:5', 'SOURCES_HOME')).toThrow(
      /SOURCES_HOME: unknown candidate source "popularr"; known: ann, session_i2i/,
    );
  });

  it('rejects bad counts, repeats and empty mixes', () => {
    expect(SourceMix.safeParse('ann').success).toBe(false);
    expect(SourceMix.safeParse('ann:0').success).toBe(false);
    expect(SourceMix.safeParse('ann:1:2').success).toBe(false);
    expect(SourceMix.safeParse('ann:5,ann:6').success).toBe(false);
    expect(SourceMix.safeParse(' , ').success).toBe(false);
  });

  it('ships valid defaults for every surface and the cold start', () => {
    const mixes = defaultMixes();
    expect(Object.keys(mixes)).toEqual(Object.keys(DEFAULT_MIXES));
    expect(mixes.more_like_this?.map((s) => s.name)).toEqual(['seed_i2i', 'seed_ann', 'ann']);
  });
});
