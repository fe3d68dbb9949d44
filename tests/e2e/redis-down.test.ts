import { tinyArtifacts } from '@recsys/artifacts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from './fleet.js';
import { feed } from './http.js';

// Candidates and ranking pointed at a Redis that is not there (a closed port): the session
// features are dropped, named in `degraded`, and the feed is still a 200 with items.
let fleet: Fleet;
const CLOSED_REDIS = 'redis://127.0.0.1:1';

beforeAll(async () => {
  fleet = await startFleet({
    artifacts: await tinyArtifacts(),
    services: ['candidates', 'ranking', 'gateway'],
    redisUrl: CLOSED_REDIS,
    env: { gateway: { CANDIDATES_DEADLINE_MS: '5000', RANKING_DEADLINE_MS: '5000' } },
  });
}, 300_000);

afterAll(async () => {
  await fleet?.close();
});

describe('fleet mode with Redis unreachable', () => {
  it('serves home, degraded, for a training user and a cold user', async () => {
    for (const user of ['u0000001', `cold-${Date.now()}`]) {
      const res = await feed(fleet.url, { user_id: user, surface: 'home', n: '10' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items).toHaveLength(10);
      expect(res.body.degraded.length, JSON.stringify(res.body.degraded)).toBeGreaterThan(0);
      expect(res.body.degraded.join(' ')).toMatch(/session|redis/);
    }
  });
});
