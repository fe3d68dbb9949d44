import { describe, expect, it } from 'vitest';
import { Preferences } from './api-schemas.js';
import { buildApp } from './app.js';
import { fakeDeps } from './testing.js';

describe('preferences', () => {
  it('round-trips and reaches retrieval in the request context', async () => {
    const { deps, candidates } = fakeDeps();
    const app = buildApp(deps);
    const url = '/v1/users/new-user.1/preferences';

    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(404);
    const first = await app.inject({
      method: 'POST',
      url,
      payload: { categories: ['Sci-Fi', 'Film-Noir', 'Sci-Fi'], region: 'eu', device: 'tv' },
    });
    expect(first.statusCode).toBe(200);
    expect(Preferences.parse(first.json())).toMatchObject({
      user_id: 'new-user.1',
      categories: ['Sci-Fi', 'Film-Noir'],
      region: 'eu',
      device: 'tv',
    });
    // A later POST replaces only the fields it names.
    await app.inject({ method: 'POST', url, payload: { categories: ["Children's"] } });
    const stored = (await app.inject({ method: 'GET', url })).json<Preferences>();
    expect(stored).toMatchObject({ categories: ["Children's"], region: 'eu', device: 'tv' });

    await app.inject({ method: 'GET', url: '/v1/feed?user_id=new-user.1' });
    expect(candidates.calls[0]?.context).toMatchObject({
      preferredCategories: ["Children's"],
      region: 'eu',
      device: 'tv',
    });
    // The request's own device wins over the stored one.
    await app.inject({ method: 'GET', url: '/v1/feed?user_id=new-user.1&device=ios' });
    expect(candidates.calls[1]?.context?.device).toBe('ios');
    // Another user sees none of it.
    await app.inject({ method: 'GET', url: '/v1/feed?user_id=someone-else' });
    expect(candidates.calls[2]?.context).toMatchObject({ preferredCategories: [], region: '' });
    await app.close();
  });

  it('answers 503, retryable, when the store is down', async () => {
    const { deps } = fakeDeps();
    deps.profiles = {
      get: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
      put: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
    };
    const app = buildApp(deps);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/users/u/preferences',
      payload: { region: 'eu' },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'unavailable', retryable: true } });
    expect(res.body).not.toMatch(/ECONNREFUSED/);
    await app.close();
  });
});
