import { tinyArtifacts } from '@recsys/artifacts/testing';
import { loadConfig } from '@recsys/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllInOneConfig } from './all-in-one-config.js';
import { startAllInOne, type AllInOne } from './all-in-one-app.js';
import { GatewayConfig } from './config.js';

// The all-in-one mode on real (tiny) trained artifacts: every stage in this process.
const KEY = 'all-in-one-test-key';
const ADMIN_KEY = 'all-in-one-admin-key';
let running: AllInOne;

beforeAll(async () => {
  const env = {
    ARTIFACTS_DIR: await tinyArtifacts(),
    ARTIFACTS_POLL_MS: '0',
    RECSYS_API_KEY: KEY,
    RECSYS_ADMIN_KEY: ADMIN_KEY,
    LOG_LEVEL: 'silent',
    // Generous: the test machine is small and shared.
    CANDIDATES_DEADLINE_MS: '5000',
    RANKING_DEADLINE_MS: '5000',
    ENCODER_DEADLINE_MS: '2000',
    SOURCE_DEADLINE_MS: '2000',
  };
  running = await startAllInOne(loadConfig(GatewayConfig, env), loadConfig(AllInOneConfig, env));
}, 300_000);

afterAll(async () => {
  await running?.app.close();
  await running?.close();
});

async function feedIds(userId: string): Promise<{ ids: string[]; degraded: string[] }> {
  const res = await running.app.inject(`/v1/feed?user_id=${userId}&surface=home&n=20`);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ items: { item_id: string }[]; degraded: string[] }>();
  return { ids: body.items.map((i) => i.item_id), degraded: body.degraded };
}

describe('all-in-one mode', () => {
  it('serves a training user from the artifacts, with titles and MMR', async () => {
    const user = running.sampleUser()!;
    expect(user).toBeDefined();
    const { ids, degraded } = await feedIds(user);
    expect(ids).toHaveLength(20);
    // Embeddings and titles come from the artifacts: no diversity fallback.
    expect(degraded).toEqual([]);
  });

  it('drops a clicked item from the next feed (bus -> consumer -> session store)', async () => {
    const user = `aio-${Date.now()}`;
    const [clicked] = (await feedIds(user)).ids;
    const post = await running.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'x-api-key': KEY },
      payload: {
        events: [
          { event_id: 'e1', user_id: user, item_id: clicked, type: 'click', timestamp: Date.now() },
        ],
      },
    });
    expect(post.statusCode, post.body).toBe(202);
    const deadline = Date.now() + 10_000;
    let ids = (await feedIds(user)).ids;
    while (ids.includes(clicked!) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ids = (await feedIds(user)).ids;
    }
    expect(ids).not.toContain(clicked);
    expect(ids.length).toBeGreaterThan(0);
  });

  it('serves a posted item (bus -> content encoder -> live index), then forgets it retired', async () => {
    const itemId = `aio-item-${Date.now()}`;
    const postItem = (item: object) =>
      running.app.inject({
        method: 'POST',
        url: '/v1/items',
        headers: { 'x-api-key': ADMIN_KEY },
        payload: { items: [item] },
      });
    const seeded = () =>
      running.app.inject(`/v1/feed?user_id=aio-u&surface=more_like_this&item_id=${itemId}&n=5`);
    expect((await seeded()).statusCode).toBe(404);
    const upsert = { item_id: itemId, op: 'upsert', title: 'Zebra Quest', categories: ['Drama'] };
    expect((await postItem(upsert)).statusCode).toBe(202);
    const until = async (status: number) => {
      const deadline = Date.now() + 10_000;
      let res = await seeded();
      while (res.statusCode !== status && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        res = await seeded();
      }
      return res;
    };
    const served = await until(200);
    expect(served.statusCode, served.body).toBe(200);
    const search = await running.app.inject('/v1/feed?user_id=aio-u&surface=search&q=zebra&n=5');
    expect(search.json<{ items: { item_id: string }[] }>().items[0]?.item_id).toBe(itemId);
    expect((await postItem({ item_id: itemId, op: 'retire' })).statusCode).toBe(202);
    expect((await until(404)).statusCode).toBe(404);
  });
});
