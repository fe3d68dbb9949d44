import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveVersion } from './versions.js';
import { VersionWatcher, type WatchEvent } from './watcher.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'artifacts-watch-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function version(name: string, body = name): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: body }));
  return dir;
}

const load = async ({ dir }: { dir: string }) => {
  const { version } = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    version: string;
  };
  if (version.startsWith('bad')) throw new Error(`cannot load ${version}`);
  return { version, value: version };
};

describe('resolveVersion', () => {
  it('takes the newest folder that holds a manifest, skipping incomplete ones', async () => {
    await version('20260101T000000Z');
    await mkdir(join(root, '20270101T000000Z')); // still being written: no manifest yet
    const dir = await version('20260601T000000Z');
    expect((await resolveVersion(root)).dir).toBe(dir);
  });

  it('follows a current symlink or pointer file, and accepts a version folder itself', async () => {
    const old = await version('a-old');
    await version('z-new');
    await symlink(old, join(root, 'current'));
    expect((await resolveVersion(root)).dir).toBe(old);
    await rm(join(root, 'current'));
    await writeFile(join(root, 'current'), 'a-old\n');
    expect((await resolveVersion(root)).dir).toBe(old);
    expect((await resolveVersion(old)).dir).toBe(old);
  });

  it('names the root when there is nothing to serve', async () => {
    await expect(resolveVersion(root)).rejects.toThrow(/no version under/);
  });
});

describe('VersionWatcher', () => {
  it('loads the current version, then moves to a newer one and closes the old', async () => {
    await version('v1');
    const closed: string[] = [];
    const events: WatchEvent['kind'][] = [];
    const watcher = await VersionWatcher.start({
      root,
      load,
      close: (v) => void closed.push(v),
      onEvent: (e) => events.push(e.kind),
    });
    expect(watcher.live.version).toBe('v1');
    expect(await watcher.check()).toBe(false);
    await version('v2');
    expect(await watcher.check()).toBe(true);
    expect(watcher.live.version).toBe('v2');
    await new Promise((r) => setTimeout(r, 0));
    expect(closed).toEqual(['v1']);
    expect(events).toEqual(['loaded', 'loaded']);
    await watcher.close();
    expect(closed).toEqual(['v1', 'v2']);
  });

  it('keeps serving the old version when a new one fails, and does not retry it', async () => {
    await version('v1');
    const failures: string[] = [];
    const watcher = await VersionWatcher.start({
      root,
      load,
      close: () => {},
      onEvent: (e) => {
        if (e.kind === 'load_failed') failures.push(e.message);
      },
    });
    await version('v2', 'bad-v2');
    expect(await watcher.check()).toBe(false);
    expect(await watcher.check()).toBe(false);
    expect(watcher.live.version).toBe('v1');
    expect(failures).toEqual(['cannot load bad-v2']);
    await version('v3');
    expect(await watcher.check()).toBe(true);
    expect(watcher.live.version).toBe('v3');
    await watcher.close();
  });

  it('fails start when the first version cannot load', async () => {
    await version('v1', 'bad-v1');
    await expect(VersionWatcher.start({ root, load, close: () => {} })).rejects.toThrow(
      /cannot load bad-v1/,
    );
  });

  it('polls on its own when asked to', async () => {
    await version('v1');
    const watcher = await VersionWatcher.start({ root, load, close: () => {}, pollMs: 10 });
    await version('v2');
    for (let i = 0; i < 100 && watcher.live.version !== 'v2'; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(watcher.live.version).toBe('v2');
    await watcher.close();
  });
});
