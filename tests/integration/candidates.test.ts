import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { loadArtifacts, type Artifacts } from '@recsys/artifacts';
import { tinyArtifacts } from '@recsys/artifacts/testing';
import { CandidatesConfig, buildCandidates, type CandidatesApp } from '@recsys/candidates';
import { loadConfig } from '@recsys/config';
import { candidates, common } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { RedisSessionStore } from '@recsys/feature-store';
import { startGrpcServer, type RunningGrpcServer } from '@recsys/grpc';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, uniqueName } from './infra.js';

const run = promisify(execFile);
const PYTHON = fileURLToPath(new URL('../../training/.venv/bin/python', import.meta.url));
const REFERENCE = fileURLToPath(new URL('./candidates_reference.py', import.meta.url));
// Errors reach the test output; the rest is noise here.
const quiet = {
  info: () => {},
  warn: () => {},
  error: (msg: string, fields?: object) => console.error(msg, fields),
};
// Generous deadlines: these tests check behaviour on a shared 2-core machine, not latency.
const DEADLINES = {
  SESSION_DEADLINE_MS: '500',
  SOURCE_DEADLINE_MS: '5000',
  ENCODER_DEADLINE_MS: '5000',
};
const prefix = `${uniqueName('candidates')}:`;

let tiny: string;
let root: string;
let artifacts: Artifacts;
let redis: Redis;
let store: RedisSessionStore;
let app: CandidatesApp;
let server: RunningGrpcServer;
let client: candidates.CandidateServiceClient;

async function start(env: Record<string, string>, sessions: RedisSessionStore) {
  const config = loadConfig(CandidatesConfig, { ARTIFACTS_POLL_MS: '0', ...DEADLINES, ...env });
  const built = await buildCandidates(config, { sessions, log: quiet });
  const grpc = await startGrpcServer({ port: 0, host: '127.0.0.1', services: [built.service] });
  const c = new candidates.CandidateServiceClient(
    `127.0.0.1:${grpc.port}`,
    credentials.createInsecure(),
  );
  return { app: built, server: grpc, client: c };
}

beforeAll(async () => {
  tiny = await tinyArtifacts();
  artifacts = await loadArtifacts(tiny);
  root = await mkdtemp(join(tmpdir(), 'it-candidates-'));
  await symlink(tiny, join(root, 'v1'));
  redis = await connectRedis();
  store = new RedisSessionStore({ redis, keyPrefix: prefix });
  ({ app, server, client } = await start({ ARTIFACTS_DIR: root, REDIS_KEY_PREFIX: prefix }, store));
}, 900_000); // the first run of a clean checkout trains the tiny artifacts

afterAll(async () => {
  client.close();
  await server?.shutdown(1000);
  await app?.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
  await rm(root, { recursive: true, force: true });
});

function generate(
  req: Partial<candidates.GenerateRequest>,
  c = client,
): Promise<candidates.GenerateResponse> {
  const request = candidates.GenerateRequest.fromPartial({ surface: 'home', limit: 1000, ...req });
  return new Promise((resolve, reject) =>
    c.generate(request, new Metadata(), { deadline: Date.now() + 10_000 }, (err, res) =>
      err ? reject(err) : resolve(res),
    ),
  );
}

const ids = (res: candidates.GenerateResponse) => res.candidates.map((c) => c.itemId);
/** Everything the user touched in training: the history and older items. */
const seenOf = (userId: string) => {
  const h = artifacts.histories!;
  return Array.from(h.seenRows(h.userRow(userId)), (row) => artifacts.items.idOf(row)!);
};
const userIds = () =>
  Array.from({ length: 5 }, (_, i) => artifacts.histories!.users.valueOf(i + 1)!);

describe('candidates service on the tiny trained artifacts and a real Redis', () => {
  it('serves every source for a training user, never an item they have seen', async () => {
    const user = userIds()[0]!;
    const res = await generate({ userId: user });
    expect(res.modelVersion).toBe(artifacts.version);
    expect(res.degraded).toEqual([]);
    expect(Object.keys(res.sourceCounts)).toEqual(['ann', 'session_i2i', 'popular', 'fresh']);
    expect(new Set(ids(res)).size).toBe(res.candidates.length);
    const seen = new Set(seenOf(user));
    expect(ids(res).filter((id) => seen.has(id))).toEqual([]);
    expect(res.candidates.length).toBe(artifacts.items.size - seen.size);
  });

  it('matches the offline candidate generation of the trainer, item for item', async () => {
    const { retrieval } = artifacts.manifest;
    const env = {
      ARTIFACTS_DIR: root,
      REDIS_KEY_PREFIX: prefix,
      SOURCES_HOME: `ann:${retrieval!.annK},session_i2i:${retrieval!.i2iK},popular:${retrieval!.popularK}`,
    };
    const offline = await start(env, store);
    try {
      const users = userIds();
      const surfaceRow = artifacts.vocabularies.get('surfaces')!.rowOf('home');
      const args = [REFERENCE, tiny, `${retrieval!.annK}`, `${retrieval!.i2iK}`];
      args.push(`${retrieval!.popularK}`, `${surfaceRow}`, ...users);
      const { stdout } = await run(PYTHON, args, { cwd: join(tiny, '..') });
      const expected = JSON.parse(stdout) as Record<string, string[]>;
      // Sequentially (one user-tower row per call) and all at once (batched into one call).
      const one: candidates.GenerateResponse[] = [];
      for (const user of users)
        one.push(await generate({ userId: user, limit: 2000 }, offline.client));
      const all = await Promise.all(
        users.map((user) => generate({ userId: user, limit: 2000 }, offline.client)),
      );
      users.forEach((user, i) => {
        const want = { user, items: [...expected[user]!].sort() };
        expect({ user, items: ids(one[i]!).sort() }).toEqual(want);
        expect({ user, items: ids(all[i]!).sort() }).toEqual(want);
      });
    } finally {
      offline.client.close();
      await offline.server.shutdown(1000);
      await offline.app.close();
    }
  });

  it('follows a click in Redis on the very next request', async () => {
    const user = uniqueName('clicker');
    const clicked = artifacts.items.idOf(artifacts.popularity.get({ kind: 'global' })!.rows[0]!)!;
    await store.applyUserEvents([
      userEvent({
        eventId: uniqueName('e'),
        userId: user,
        itemId: clicked,
        device: 'mobile',
      }),
    ]);
    const res = await generate({ userId: user });
    expect(ids(res)).not.toContain(clicked);
    expect(
      res.candidates.some((c) => c.viaItemId === clicked && c.sources.includes('session_i2i')),
    ).toBe(true);
  });

  it('serves a cold user their onboarding categories first', async () => {
    const category = artifacts.vocabularies.get('categories')!.valueOf(3)!;
    const context = common.RequestContext.fromPartial({ preferredCategories: [category] });
    const res = await generate({ userId: uniqueName('cold'), limit: 5, context });
    const first = artifacts.items.rowOf(res.candidates[0]!.itemId)!;
    expect(artifacts.items.categories(first)).toContain(category);
    expect(res.candidates[0]!.sources[0]).toBe('popular');
  });

  it('answers more_like_this, search and email_digest', async () => {
    const user = userIds()[1]!;
    const seed = artifacts.items.idOf(7)!;
    const similar = await generate({ userId: user, surface: 'more_like_this', seedItemId: seed });
    expect(ids(similar)).not.toContain(seed);
    expect(similar.candidates[0]?.viaItemId).toBe(seed);
    const title = artifacts.items.title(9)!;
    const found = await generate({ userId: 'anyone', surface: 'search', query: title });
    expect(ids(found)[0]).toBe(artifacts.items.idOf(9));
    const digest = await generate({ userId: user, surface: 'email_digest', limit: 50 });
    expect(digest.candidates).toHaveLength(50);
    expect(ids(digest).filter((id) => seenOf(user).includes(id))).toEqual([]);
  });

  it('rejects bad input with INVALID_ARGUMENT or NOT_FOUND', async () => {
    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as ServiceError,
      );
    expect((await err(generate({ userId: '' })))?.code).toBe(status.INVALID_ARGUMENT);
    expect((await err(generate({ userId: 'u', surface: 'more_like_this' })))?.details).toMatch(
      /^seed_item_id:/,
    );
    const missing = await err(
      generate({ userId: 'u', surface: 'more_like_this', seedItemId: 'no' }),
    );
    expect(missing?.code).toBe(status.NOT_FOUND);
  });

  it('degrades, still answering, when Redis is unreachable', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    dead.on('error', () => {});
    const down = await start({ ARTIFACTS_DIR: root }, new RedisSessionStore({ redis: dead }));
    try {
      const user = userIds()[0]!;
      const res = await generate({ userId: user }, down.client);
      expect(res.degraded).toEqual(['session_store_unavailable']);
      expect(res.candidates.length).toBeGreaterThan(0);
      expect(ids(res).filter((id) => seenOf(user).includes(id))).toEqual([]);
    } finally {
      down.client.close();
      await down.server.shutdown(1000);
      await down.app.close();
      dead.disconnect();
    }
  });

  it('swaps to a new version while requests run, failing none', async () => {
    const v2 = join(root, 'v2');
    await cp(tiny, v2, { recursive: true });
    const manifestPath = join(v2, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { version: string };
    await writeFile(
      manifestPath,
      JSON.stringify({ ...manifest, version: `${manifest.version}-v2` }),
    );
    const users = userIds();
    const during = Array.from({ length: 100 }, (_, i) => generate({ userId: users[i % 5]! }));
    const swapped = app.watcher.check();
    const results = await Promise.all(during);
    expect(await swapped).toBe(true);
    expect(results.every((r) => r.candidates.length > 0 && r.degraded.length === 0)).toBe(true);
    expect((await generate({ userId: users[0]! })).modelVersion).toBe(`${manifest.version}-v2`);
  });
});
