import { afterAll, describe, expect, it } from 'vitest';
import { ErrorBody } from './api-schemas.js';
import { buildApp } from './app.js';
import { fakeDeps } from './testing.js';

const { deps, candidates } = fakeDeps();
const app = buildApp(deps);
afterAll(() => app.close());

const long = (n: number) => 'x'.repeat(n);

describe('GET /v1/feed rejects bad input with 400 naming the field', () => {
  const cases: Array<[string, string]> = [
    ['', 'user_id'],
    ['user_id=', 'user_id'],
    [`user_id=${long(129)}`, 'user_id'],
    ['user_id=a%20b', 'user_id'],
    ['user_id=%C3%BC', 'user_id'],
    ['user_id=u&user_id=v', 'user_id'],
    ['user_id=u&surface=nope', 'surface'],
    ['user_id=u&n=0', 'n'],
    ['user_id=u&n=201', 'n'],
    ['user_id=u&n=1.5', 'n'],
    ['user_id=u&n=abc', 'n'],
    ['user_id=u&n=', 'n'],
    ['user_id=u&n=1&n=2', 'n'],
    ['user_id=u&surface=more_like_this', 'item_id'],
    ['user_id=u&surface=more_like_this&item_id=a/b', 'item_id'],
    ['user_id=u&item_id=42', 'item_id'],
    ['user_id=u&surface=search', 'q'],
    ['user_id=u&surface=search&q=%20%20', 'q'],
    [`user_id=u&surface=search&q=${long(201)}`, 'q'],
    ['user_id=u&q=star', 'q'],
    [`user_id=u&device=${long(33)}`, 'device'],
    ['user_id=u&device=a.b', 'device'],
    ['user_id=u&locale=english!', 'locale'],
    ['user_id=u&locale=e', 'locale'],
    ['user_id=u&surprise=1', 'surprise'],
  ];
  it.each(cases)('?%s -> %s', async (query, field) => {
    const res = await app.inject({ method: 'GET', url: `/v1/feed?${query}` });
    expect(res.statusCode).toBe(400);
    const body = ErrorBody.parse(res.json());
    expect(body.error).toMatchObject({ code: 'invalid_argument', field, retryable: false });
    expect(body.error.message).toMatch(new RegExp(`^${field}: `));
  });

  it('says "required" for a missing field', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/feed?n=3' });
    expect(res.json()).toMatchObject({ error: { field: 'user_id', message: 'user_id: required' } });
  });

  it('never called retrieval for bad input', () => {
    expect(candidates.calls).toHaveLength(0);
  });

  it('accepts the edges: n 1 and 200, 128-char ids, ids with _.:-', async () => {
    for (const query of [
      'user_id=u&n=1',
      'user_id=u&n=200',
      `user_id=${long(128)}`,
      `user_id=${long(128)}&surface=more_like_this&item_id=${long(128)}`,
      'user_id=ml:user_1.a-b&surface=more_like_this&item_id=ml:item_9',
      'user_id=u&surface=email_digest&locale=pt-BR&device=android',
    ]) {
      const res = await app.inject({ method: 'GET', url: `/v1/feed?${query}` });
      expect(res.statusCode, query).toBe(200);
    }
  });
});

describe('POST /v1/users/{user_id}/preferences rejects bad input with 400 naming the field', () => {
  const cases: Array<[string, unknown, string]> = [
    ['u', { categories: 'Drama' }, 'categories'],
    ['u', { categories: [''] }, 'categories.0'],
    ['u', { categories: ['Drama', 7] }, 'categories.1'],
    ['u', { categories: Array.from({ length: 51 }, (_, i) => `c${i}`) }, 'categories'],
    ['u', { region: 'e u' }, 'region'],
    ['u', { device: long(40) }, 'device'],
    ['u', { categories: ['Drama'], admin: true }, 'admin'],
    ['u', {}, 'body'],
    ['u', [], 'body'],
    ['a%20b', { region: 'eu' }, 'user_id'],
    [long(129), { region: 'eu' }, 'user_id'],
  ];
  it.each(cases)('%s %j -> %s', async (user, payload, field) => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/users/${user}/preferences`,
      payload: payload as object,
    });
    expect(res.statusCode).toBe(400);
    expect(ErrorBody.parse(res.json()).error).toMatchObject({ code: 'invalid_argument', field });
  });

  it('rejects a body that is not JSON, or not sent as JSON', async () => {
    const broken = await app.inject({
      method: 'POST',
      url: '/v1/users/u/preferences',
      headers: { 'content-type': 'application/json' },
      payload: '{"region": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: { code: 'invalid_argument', field: 'body' } });
    const text = await app.inject({
      method: 'POST',
      url: '/v1/users/u/preferences',
      headers: { 'content-type': 'text/plain' },
      payload: 'region=eu',
    });
    expect(text.statusCode).toBe(400);
    expect(text.json()).toMatchObject({ error: { field: 'content-type' } });
    const none = await app.inject({ method: 'POST', url: '/v1/users/u/preferences' });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ error: { field: 'body' } });
  });

  it('rejects an oversized body with 413', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/users/u/preferences',
      payload: { categories: ['x'], pad: long(70 * 1024) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});
