import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifest } from '@recsys/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadArtifacts } from './load.js';
import { writeTestArtifacts } from './testing/write-artifacts.js';

let dir: string;
beforeEach(async () => {
  dir = await writeTestArtifacts(await mkdtemp(join(tmpdir(), 'artifacts-load-')));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function editManifest(edit: (m: Record<string, unknown>) => void): Promise<void> {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(m);
  await writeFile(path, JSON.stringify(m));
}

describe('loadArtifacts', () => {
  it('reads every table by item row, with ids at the edges', async () => {
    const a = await loadArtifacts(dir, { verify: true });
    expect(a.version).toBe('test-v1');
    expect(a.items.size).toBe(12);
    expect(a.items.rowOf('i3')).toBe(3);
    expect(a.items.title(3)).toBe('Item 3 Comedy');
    expect(a.items.createdAt(1)).toBe(1_700_086_400_000);
    expect(a.embeddings.vector(1)?.length).toBe(4);
    expect(a.embeddings.vector(0)).toBeUndefined();
    expect(Array.from(a.neighbours.of(12).rows)).toEqual([1, 2]);
    expect(Array.from(a.histories!.history(a.histories!.userRow('u2')))).toEqual([2, 3, 4]);
    expect(a.histories!.historyTimes(2)[0]).toBe(1_700_000_000_000);
    expect(a.histories!.userRow('nobody')).toBe(0);
    // Every training interaction, older ones included: the history holds 2..4, the seen set 12.
    expect(Array.from(a.histories!.seenRows(2))).toEqual([2, 3, 4, 12]);
    expect(Array.from(a.histories!.seenRows(0))).toEqual([]);
    expect(Array.from(a.popularity.get({ kind: 'region', name: 'eu' })!.rows)).toEqual([12, 11]);
    expect(Array.from(a.popularity.get({ kind: 'category', name: 'Drama' })!.rows)).toEqual([
      2, 5, 8, 11,
    ]);
    expect(a.features.scalarNames).toEqual(['year', 'even']);
    expect(a.features.scalars[2 * 2]).toBe(2002);
    expect(a.features.categories[2]).toBe(2);
    expect(a.features.usesContent[12]).toBe(1);
    expect(a.vocabularies.get('devices')?.rowOf('desktop')).toBe(2);
    expect(a.modelPath(manifest.ModelRole.MODEL_ROLE_USER_TOWER)).toBeUndefined();
  });

  it('rejects seen sets whose offsets do not cover the rows', async () => {
    const offsets = new BigInt64Array([0n, 3n, 2n, 9n, 12n]);
    await writeFile(join(dir, 'user_seen_offsets.i64'), Buffer.from(offsets.buffer));
    await expect(loadArtifacts(dir)).rejects.toThrow(/user_seen_offsets.*offsets fall at user 1/);
  });

  it('can skip the user histories', async () => {
    expect((await loadArtifacts(dir, { histories: false })).histories).toBeUndefined();
  });

  it('names the file when a table disagrees with the manifest', async () => {
    await writeFile(join(dir, 'item_embeddings.f32'), Buffer.alloc(13 * 3 * 4));
    await expect(loadArtifacts(dir)).rejects.toThrow(
      /item_embeddings\.f32: holds 39 values, the manifest implies 52/,
    );
  });

  it('rejects a neighbour row outside the item table', async () => {
    const rows = new Int32Array(13 * 2);
    rows[5] = 99;
    await writeFile(join(dir, 'item_neighbours_rows.i32'), Buffer.from(rows.buffer));
    await expect(loadArtifacts(dir)).rejects.toThrow(/outside the item table/);
  });

  it('rejects a bad item line, naming the line and field', async () => {
    const path = join(dir, 'item_features.jsonl');
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('"title":"Item 3 Comedy"', '"title":3');
    await writeFile(path, lines.join('\n'));
    await expect(loadArtifacts(dir)).rejects.toThrow(/item_features\.jsonl: line 3: title:/);
  });

  it('rejects an item vocabulary with a padding row, an id twice or an id its line disagrees with', async () => {
    const path = join(dir, 'vocab_items.json');
    const ids = JSON.parse(await readFile(path, 'utf8')) as string[];
    await writeFile(path, JSON.stringify(['i0', ...ids.slice(1)]));
    await expect(loadArtifacts(dir)).rejects.toThrow(/vocab_items\.json: 0: row 0 must be ""/);
    await writeFile(path, JSON.stringify([...ids.slice(0, 3), 'i1', ...ids.slice(4)]));
    await expect(loadArtifacts(dir)).rejects.toThrow(/vocab_items\.json: 3: listed twice/);
    await writeFile(path, JSON.stringify([...ids.slice(0, 3), 'other', ...ids.slice(4)]));
    await expect(loadArtifacts(dir)).rejects.toThrow(
      /item_features\.jsonl: line 3: id i3 is not vocab_items\[3\]/,
    );
  });

  it('checks sha256 only when asked', async () => {
    const path = join(dir, 'vocab_regions.json');
    await writeFile(path, JSON.stringify(['', 'us', 'eu']));
    await expect(loadArtifacts(dir)).resolves.toBeDefined();
    await expect(loadArtifacts(dir, { verify: true })).rejects.toThrow(/vocab_regions.*sha256/);
  });

  it('rejects manifests that serving cannot use', async () => {
    await editManifest((m) => (m.version = ''));
    await expect(loadArtifacts(dir)).rejects.toThrow(/manifest\.json: version: is required/);
    await editManifest((m) => {
      m.version = 'v';
      (m.artifacts as { path: string }[])[0]!.path = '../etc/passwd';
    });
    await expect(loadArtifacts(dir)).rejects.toThrow(/artifacts\.0\.path: must be a path inside/);
  });

  it('reports a missing file and a missing table by name', async () => {
    await rm(join(dir, 'popularity.json'));
    await expect(loadArtifacts(dir)).rejects.toThrow(/artifact popularity: .* is missing/);
    await editManifest((m) => {
      m.artifacts = (m.artifacts as { name: string }[]).filter(
        (a) => a.name !== 'popularity' && a.name !== 'item_features',
      );
    });
    await expect(loadArtifacts(dir)).rejects.toThrow(/lists no "item_features"/);
  });
});
