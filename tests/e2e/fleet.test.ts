import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadArtifacts, type Artifacts } from '@recsys/artifacts';
import { tinyArtifacts } from '@recsys/artifacts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startFleet, type Fleet } from './fleet.js';
import { eventually, feed, ids, postClicks } from './http.js';

// The fleet (one process per service, real Redis and Kafka) on the tiny trained artifacts,
// driven through REST only. Home runs with MMR off and the trainer's candidate mix, so its
// top 10 can be replayed against the offline two-stage system.
const run = promisify(execFile);
let artifacts: Artifacts;
let dir: string;
let fleet: Fleet;

const trainingUsers = (count: number) =>
  Array.from({ length: count }, (_, i) => artifacts.histories!.users.valueOf(i + 1)!);
const seenOf = (userId: string) => {
  const h = artifacts.histories!;
  return Array.from(h.seenRows(h.userRow(userId)), (row) => artifacts.items.idOf(row)!);
};

beforeAll(async () => {
  dir = await tinyArtifacts();
  artifacts = await loadArtifacts(dir);
  const { retrieval } = artifacts.manifest;
  fleet = await startFleet({
    artifacts: dir,
    env: {
      gateway: {
        MMR_LAMBDA_HOME: '1',
        // The replay compares the ranker's order: no exploration slots either.
        EXPLORATION_SHARE_HOME: '0',
        // Generous: the 2-core machine runs every service at once; deadlines are tested below.
        CANDIDATES_DEADLINE_MS: '5000',
        RANKING_DEADLINE_MS: '5000',
        PROFILE_DEADLINE_MS: '1000',
      },
      candidates: {
        SOURCES_HOME: `ann:${retrieval!.annK},session_i2i:${retrieval!.i2iK},popular:${retrieval!.popularK}`,
        // The replay below compares with the trainer's popularity; clicks posted by other
        // cases would reorder the live one (tests/integration/live-popular.test.ts covers it).
        POPULAR_LIVE: 'false',
        SESSION_DEADLINE_MS: '1000',
        SOURCE_DEADLINE_MS: '2000',
        ENCODER_DEADLINE_MS: '2000',
      },
      ranking: { SESSION_TIMEOUT_MS: '1000' },
    },
  });
}, 300_000);

afterAll(async () => {
  await fleet?.close();
});

describe('fleet mode through REST', () => {
  it('answers every surface with items', async () => {
    const user = trainingUsers(1)[0]!;
    const home = await feed(fleet.url, { user_id: user, surface: 'home', n: '10' });
    expect(home.status, JSON.stringify(home.body)).toBe(200);
    expect(home.body.items).toHaveLength(10);
    expect(home.body.model_version).toBe(artifacts.version);
    expect(home.body.degraded).toEqual([]);
    const seed = home.body.items[0]!.item_id;
    const title = artifacts.items.title(artifacts.items.rowOf(seed)!)!;
    const word = title.split(/\W+/).find((w) => w.length >= 4) ?? title;
    const surfaces: Record<string, string>[] = [
      { surface: 'more_like_this', item_id: seed },
      { surface: 'search', q: word },
      { surface: 'email_digest' },
    ];
    for (const params of surfaces) {
      const res = await feed(fleet.url, { user_id: user, n: '5', ...params });
      expect(res.status, `${params.surface}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.items.length, params.surface).toBeGreaterThan(0);
      expect(res.body.degraded, params.surface).toEqual([]);
    }
  });

  it('never serves an item the user touched in training', async () => {
    const user = trainingUsers(2)[1]!;
    const res = await feed(fleet.url, { user_id: user, surface: 'home', n: '100' });
    const seen = new Set(seenOf(user));
    expect(ids(res.body).filter((id) => seen.has(id))).toEqual([]);
  });

  it('excludes items a user clicked (events -> Kafka -> stream processor -> Redis)', async () => {
    const user = `e2e-clicker-${Date.now()}`;
    const before = await feed(fleet.url, { user_id: user, surface: 'home', n: '20' });
    expect(before.status).toBe(200);
    const clicked = ids(before.body).slice(0, 3);
    expect(clicked).toHaveLength(3);
    expect(await postClicks(fleet.url, fleet.apiKey, user, clicked)).toMatchObject({
      accepted: 3,
    });
    await eventually(async () => {
      const after = await feed(fleet.url, { user_id: user, surface: 'home', n: '20' });
      return after.status === 200 && ids(after.body).every((id) => !clicked.includes(id));
    }, 'the clicked items to leave the feed');
    const after = await feed(fleet.url, { user_id: user, surface: 'home', n: '50' });
    expect(after.body.items.length).toBeGreaterThan(0);
    expect(ids(after.body).filter((id) => clicked.includes(id))).toEqual([]);
  });

  it('serves a cold user (an id nobody has seen)', async () => {
    const res = await feed(fleet.url, { user_id: `cold-${Date.now()}`, surface: 'home', n: '10' });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(10);
    expect(res.body.degraded).toEqual([]);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ user_id: 'u 1', surface: 'home' }, 'user_id'],
      [{ user_id: 'x'.repeat(129), surface: 'home' }, 'user_id'],
      [{ surface: 'home' }, 'user_id'],
      [{ user_id: 'u1', surface: 'nope' }, 'surface'],
      [{ user_id: 'u1', surface: 'home', n: '0' }, 'n'],
      [{ user_id: 'u1', surface: 'home', n: '201' }, 'n'],
      [{ user_id: 'u1', surface: 'home', n: 'ten' }, 'n'],
      [{ user_id: 'u1', surface: 'more_like_this' }, 'item_id'],
      [{ user_id: 'u1', surface: 'search' }, 'q'],
    ];
    for (const [params, field] of cases) {
      const res = await feed(fleet.url, params);
      const what = `${JSON.stringify(params)} -> ${JSON.stringify(res.body)}`;
      expect(res.status, what).toBe(400);
      expect(res.body.error?.message, what).toMatch(new RegExp(`\\b${field}\\b`));
    }
  });

  it("serves, for training users, the offline two-stage system's top 10 (MMR off)", async () => {
    const users = trainingUsers(4);
    for (let attempt = 0; ; attempt++) {
      const clock = () => {
        const now = new Date();
        return `${now.getUTCHours()} ${now.getUTCDay() === 0 ? 7 : now.getUTCDay()}`;
      };
      const before = clock();
      const served = new Map<string, string[]>();
      for (const user of users) {
        const res = await feed(fleet.url, { user_id: user, surface: 'home', n: '10' });
        expect(res.body.degraded, user).toEqual([]);
        served.set(user, ids(res.body));
      }
      // The hour is a model input: replay only what was served within one hour.
      if (clock() !== before && attempt < 2) continue;
      const script = join(ROOT, 'tests/e2e/replay_reference.py');
      const python = join(ROOT, 'training/.venv/bin/python');
      const { stdout } = await run(python, [script, dir, ...before.split(' '), '10', ...users], {
        timeout: 120_000,
      });
      const offline = JSON.parse(stdout) as Record<string, string[]>;
      for (const user of users) {
        expect({ user, top10: served.get(user) }).toEqual({ user, top10: offline[user] });
      }
      return;
    }
  });

  // Last: it stops a service.
  it('falls back to retrieval order, still 200, when the ranking service is down', async () => {
    await fleet.stop('ranking');
    const user = trainingUsers(1)[0]!;
    const res = await feed(fleet.url, { user_id: user, surface: 'home', n: '10' });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(10);
    expect(res.body.degraded.some((d) => d.includes('ranking'))).toBe(true);
  });
});
