import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArtifacts, Vocabulary, type Artifacts } from '@recsys/artifacts';
import { writeTestArtifacts } from '@recsys/artifacts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemInputs } from './item-inputs.js';

let dir: string;
let artifacts: Artifacts;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'item-inputs-'));
  const loaded = await loadArtifacts(await writeTestArtifacts(dir));
  // Two category slots and training's derived scalars after a numeric field.
  artifacts = {
    ...loaded,
    vocabularies: new Map([
      ['categories', new Vocabulary('categories', ['Action', 'Drama', 'Comedy'])],
    ]),
    features: {
      ...loaded.features,
      categoryWidth: 2,
      scalarNames: ['year', 'tag_count', 'category_count'],
    },
  };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const content = (
  categories: string[],
  tags: string[] = [],
  numeric: Record<string, number> = {},
) => ({
  title: 'x',
  categories,
  tags,
  numeric,
});

describe('itemInputs (training category_rows, content_scalars)', () => {
  it('keeps known categories in first-seen order, drops unknown and repeated ones, pads with 0', () => {
    expect(
      Array.from(itemInputs(content(['Nope', 'Comedy', 'Comedy']), artifacts).categoryRows),
    ).toEqual([3, 0]);
    expect(
      Array.from(
        itemInputs(content(['Drama', 'Nope', 'Action', 'Comedy']), artifacts).categoryRows,
      ),
    ).toEqual([2, 1]);
    expect(Array.from(itemInputs(content([]), artifacts).categoryRows)).toEqual([0, 0]);
  });

  it('reads numeric fields by name, NaN when absent; derives distinct tag and category counts', () => {
    const { scalars } = itemInputs(
      content(['Drama', 'Drama', 'Nope'], ['a', 'a', ' a', ''], { other: 1 }),
      artifacts,
    );
    expect(scalars[0]).toBeNaN();
    expect(Array.from(scalars.subarray(1))).toEqual([3, 2]);
  });

  it('rounds numeric values to float32 and lets derived counts win over a same-named field', () => {
    const { scalars } = itemInputs(content([], [], { year: 1999.1, tag_count: 7 }), artifacts);
    expect(Array.from(scalars)).toEqual([Math.fround(1999.1), 0, 0]);
  });

  it('fails clearly when the version has no categories vocabulary', () => {
    const bare = { ...artifacts, vocabularies: new Map() };
    expect(() => itemInputs(content([]), bare)).toThrow(/no categories vocabulary/);
  });
});
