import { AppError } from '@recsys/errors';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { fakeDeps } from './testing.js';

/** The value of the one sample of `name` carrying all of `labels` (in any order). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const matches = text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
  return matches.length === 1 ? Number(matches[0]!.split(' ').at(-1)) : undefined;
}

describe('operations endpoints', () => {
  it('answers liveness always and readiness as told', async () => {
    let ready = false;
    const app = buildApp({ ...fakeDeps().deps, isReady: () => ready });
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(503);
    ready = true;
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    await app.close();
  });

  it('exposes request, stage, per-source and fallback metrics', async () => {
    const { deps, ranking } = fakeDeps();
    const app = buildApp(deps);
    await app.inject('/v1/feed?user_id=u');
    ranking.handler = () => {
      throw new AppError('unavailable', 'down');
    };
    await app.inject('/v1/feed?user_id=u');
    await app.inject('/v1/feed?user_id=');
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(
      sample(text, 'recsys_request_duration_seconds_count', { route: '/v1/feed', status: '200' }),
    ).toBe(2);
    expect(
      sample(text, 'recsys_request_duration_seconds_count', { route: '/v1/feed', status: '400' }),
    ).toBe(1);
    for (const stage of ['profile', 'retrieval', 'ranking', 'rerank']) {
      expect(sample(text, 'recsys_stage_duration_seconds_count', { stage })).toBe(2);
    }
    expect(sample(text, 'recsys_candidates_total', { source: 'ann' })).toBe(100);
    expect(sample(text, 'recsys_fallbacks_total', { reason: 'ranking_unavailable' })).toBe(1);
    await app.close();
  });

  it('publishes an OpenAPI document listing every route with its parameters', async () => {
    const app = buildApp(fakeDeps().deps);
    const doc = (await app.inject('/docs/json')).json<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { parameters: Array<Record<string, unknown>>; requestBody?: unknown }>
      >;
    }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/docs/json',
      '/healthz',
      '/metrics',
      '/readyz',
      '/v1/feed',
      '/v1/users/{user_id}/preferences',
    ]);
    const feed = doc.paths['/v1/feed']!.get!;
    expect(feed.parameters.map((p) => p.name)).toEqual([
      'user_id',
      'surface',
      'n',
      'item_id',
      'q',
      'device',
      'locale',
    ]);
    expect(feed.parameters.find((p) => p.name === 'user_id')).toMatchObject({
      in: 'query',
      required: true,
    });
    expect(feed.parameters.find((p) => p.name === 'n')).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
    });
    expect(feed.parameters.find((p) => p.name === 'surface')?.schema).toMatchObject({
      enum: ['home', 'more_like_this', 'search', 'email_digest'],
    });
    const prefs = doc.paths['/v1/users/{user_id}/preferences']!;
    expect(Object.keys(prefs).sort()).toEqual(['get', 'post']);
    expect(prefs.post!.parameters[0]).toMatchObject({
      name: 'user_id',
      in: 'path',
      required: true,
    });
    expect(prefs.post!.requestBody).toMatchObject({
      content: {
        'application/json': { schema: { properties: { categories: { type: 'array' } } } },
      },
    });
    await app.close();
  });

  it('keeps a sane caller request id and answers unknown routes with a JSON 404', async () => {
    const app = buildApp(fakeDeps().deps);
    const kept = await app.inject({
      url: '/v1/feed?user_id=u',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.json()).toMatchObject({ request_id: 'abc-123' });
    const replaced = await app.inject({
      url: '/v1/feed?user_id=u',
      headers: { 'x-request-id': 'a b' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await app.inject('/v2/nothing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found', retryable: false } });
    await app.close();
  });

  it('hides unexpected errors behind a 500 with no detail', async () => {
    const { deps } = fakeDeps();
    deps.metrics.fallbacks.inc = () => {
      throw new Error('secret internals');
    };
    deps.itemVectors = undefined; // forces a fallback, so the counter is touched
    const app = buildApp(deps);
    const res = await app.inject('/v1/feed?user_id=u');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: { code: 'internal', message: 'internal error', retryable: false },
    });
    await app.close();
  });
});
