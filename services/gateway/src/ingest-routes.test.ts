import { decodeUserEvent, events } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { MemoryBus, type EventBus } from '@recsys/kafka';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import type { IngestDeps } from './ingest-routes.js';
import { fakeDeps } from './testing.js';

const NOW = 1_764_000_000_000;
const KEYS = { events: 'events-key-0123', items: 'admin-key-01234', demo: 'demo-key-012345' };

function gateway(ingest: Partial<IngestDeps> = {}) {
  const bus = new MemoryBus();
  const { deps } = fakeDeps();
  const app = buildApp({ ...deps, ingest: { bus, keys: KEYS, now: () => NOW, ...ingest } });
  return { app, bus, metrics: deps.metrics };
}

const event = (n: number, over: Record<string, unknown> = {}) => ({
  event_id: `e-${n}`,
  user_id: `u-${n % 3}`,
  item_id: `i-${n}`,
  type: 'click',
  timestamp: NOW - 1_000,
  surface: 'home',
  position: n,
  watch_seconds: 0,
  device: 'web',
  ...over,
});

const post = (app: ReturnType<typeof gateway>['app'], url: string, body: unknown, key?: string) =>
  app.inject({
    method: 'POST',
    url,
    headers: key === undefined ? {} : { 'x-api-key': key },
    payload: body as Record<string, unknown>,
  });

describe('POST /v1/events', () => {
  it('publishes valid events to user-events keyed by user_id, as protobuf', async () => {
    const { app, bus, metrics } = gateway();
    const sent = [event(1), event(2, { type: 'watch', watch_seconds: 42.5 }), event(3)];
    const res = await post(app, '/v1/events', { events: sent }, KEYS.events);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 3, rejected: 0, rejections: [] });
    const records = bus.records('user-events');
    expect(records).toHaveLength(3);
    const decoded = records.map((r) => {
      const d = decodeUserEvent(r.value!);
      if (!d.ok) throw new Error(d.reason);
      expect(r.key?.toString()).toBe(d.value.userId);
      return d.value;
    });
    const watch = decoded.find((e) => e.eventId === 'e-2');
    expect(watch).toMatchObject({
      userId: 'u-2',
      itemId: 'i-2',
      type: events.UserEventType.USER_EVENT_TYPE_WATCH,
      timestamp: NOW - 1_000,
      position: 2,
      watchSeconds: 42.5,
      device: 'web',
    });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/recsys_ingest_events_total\{outcome="accepted"[^}]*\} 3/);
    await app.close();
  });

  it('answers 202 with one rejection per bad event and publishes the rest', async () => {
    const { app, bus, metrics } = gateway();
    const body = {
      events: [
        event(0),
        event(1, { type: 'purchase' }),
        event(2, { user_id: undefined }),
        event(3, { colour: 'red' }),
        event(4, { timestamp: NOW + 10 * 60_000 }),
        event(0, { item_id: 'other' }),
        'not an event',
        event(7, { event_id: 'bad id' }),
      ],
    };
    const res = await post(app, '/v1/events', body, KEYS.events);
    expect(res.statusCode).toBe(202);
    const result = res.json<{ accepted: number; rejected: number; rejections: unknown[] }>();
    expect(result).toMatchObject({ accepted: 1, rejected: 7 });
    expect(result.rejections).toEqual([
      {
        index: 1,
        event_id: 'e-1',
        field: 'type',
        reason: expect.stringMatching(/click/) as string,
      },
      { index: 2, event_id: 'e-2', field: 'user_id', reason: 'required' },
      { index: 3, event_id: 'e-3', field: 'colour', reason: 'unknown field' },
      {
        index: 4,
        event_id: 'e-4',
        field: 'timestamp',
        reason: expect.stringMatching(/ahead/) as string,
      },
      { index: 5, event_id: 'e-0', field: 'event_id', reason: 'repeated in this request' },
      { index: 6, field: 'entry', reason: expect.stringMatching(/object/) as string },
      {
        index: 7,
        event_id: 'bad id',
        field: 'event_id',
        reason: expect.stringMatching(/128/) as string,
      },
    ]);
    expect(bus.records('user-events')).toHaveLength(1);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/recsys_ingest_events_total\{outcome="rejected"[^}]*\} 7/);
    await app.close();
  });

  it('rejects a bad envelope with 400 naming the field', async () => {
    const { app, bus } = gateway();
    const cases: Array<[unknown, string]> = [
      [{}, 'events'],
      [{ events: [] }, 'events'],
      [{ events: Array.from({ length: 1_001 }, (_, i) => event(i)) }, 'events'],
      [{ events: {} }, 'events'],
      [{ events: [event(1)], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await post(app, '/v1/events', body, KEYS.events);
      expect({
        status: res.statusCode,
        field: res.json<{ error: { field: string } }>().error.field,
      }).toEqual({ status: 400, field });
    }
    // 1,000 is the limit, not past it.
    const full = { events: Array.from({ length: 1_000 }, (_, i) => event(i)) };
    expect((await post(app, '/v1/events', full, KEYS.events)).json()).toMatchObject({
      accepted: 1_000,
    });
    expect(bus.records('user-events')).toHaveLength(1_000);
    await app.close();
  });

  it('answers 401 without the right key, before reading the body', async () => {
    const { app, bus } = gateway();
    for (const key of [undefined, '', 'wrong-key-0123456', KEYS.items]) {
      const res = await post(app, '/v1/events', { events: [event(1)] }, key);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'unauthenticated', retryable: false } });
    }
    const garbage = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(garbage.statusCode).toBe(401);
    // The demo key is an events key too.
    const demo = await post(app, '/v1/events', { events: [event(1)] }, KEYS.demo);
    expect(demo.statusCode).toBe(202);
    expect(bus.records('user-events')).toHaveLength(1);
    await app.close();
  });

  it('answers 401 to everyone when no key is configured', async () => {
    const { app } = gateway({ keys: {} });
    const res = await post(app, '/v1/events', { events: [event(1)] }, 'anything-at-all');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({
      error: { message: expect.stringMatching(/no API key/) as string },
    });
    await app.close();
  });

  it('answers 503 with Retry-After when the bus cannot take the batch', async () => {
    const down: EventBus = {
      publish: () => Promise.reject(new AppError('unavailable', 'kafka: publish failed')),
      subscribe: () => Promise.reject(new Error('unused')),
      close: () => Promise.resolve(),
    };
    const stuck: EventBus = { ...down, publish: () => new Promise(() => undefined) };
    for (const bus of [down, stuck]) {
      const { app, metrics } = gateway({ bus, publishTimeoutMs: 50 });
      const res = await post(app, '/v1/events', { events: [event(1), event(2)] }, KEYS.events);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ error: { code: 'unavailable', retryable: true } });
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/recsys_ingest_events_total\{outcome="unavailable"[^}]*\} 2/);
      await app.close();
    }
  });
});

describe('POST /v1/items', () => {
  it('publishes upserts and retirements to catalog-events keyed by item_id', async () => {
    const { app, bus } = gateway();
    const body = {
      items: [
        {
          item_id: 'new-1',
          op: 'upsert',
          title: '  Arrival ',
          categories: ['Sci-Fi', 'Drama', 'Sci-Fi'],
          tags: ['aliens'],
          year: 2016,
          duration_min: 116,
        },
        { item_id: 'old-9', op: 'retire' },
      ],
    };
    const res = await post(app, '/v1/items', body, KEYS.items);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2, rejected: 0, rejections: [] });
    const records = bus.records('catalog-events');
    const decoded = records.map((r) => events.CatalogEvent.decode(r.value!));
    expect(records.map((r) => r.key?.toString())).toEqual(decoded.map((d) => d.itemId));
    expect(decoded).toEqual([
      {
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
        itemId: 'new-1',
        op: events.CatalogOp.CATALOG_OP_UPSERT,
        content: {
          title: 'Arrival',
          categories: ['Sci-Fi', 'Drama'],
          tags: ['aliens'],
          numeric: { year: 2016, duration_min: 116 },
        },
        timestamp: NOW,
      },
      {
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
        itemId: 'old-9',
        op: events.CatalogOp.CATALOG_OP_RETIRE,
        content: undefined,
        timestamp: NOW,
      },
    ]);
    await app.close();
  });

  it('rejects bad items one by one', async () => {
    const { app, bus } = gateway();
    const body = {
      items: [
        { item_id: 'a', op: 'upsert' },
        { item_id: 'b', op: 'upsert', title: 'B', year: 'nineteen' },
        { item_id: 'c', op: 'upsert', title: 'C', 'bad name': 1 },
        { item_id: 'd', op: 'delete' },
        { item_id: 'e', op: 'upsert', title: 'E', categories: ['<script>'] },
        { item_id: 'f', op: 'retire' },
      ],
    };
    const res = await post(app, '/v1/items', body, KEYS.items);
    expect(res.json()).toEqual({
      accepted: 1,
      rejected: 5,
      rejections: [
        { index: 0, item_id: 'a', field: 'title', reason: 'required for upsert' },
        {
          index: 1,
          item_id: 'b',
          field: 'year',
          reason: expect.stringMatching(/number/) as string,
        },
        {
          index: 2,
          item_id: 'c',
          field: 'bad name',
          reason: expect.stringMatching(/letter/) as string,
        },
        { index: 3, item_id: 'd', field: 'op', reason: expect.stringMatching(/upsert/) as string },
        {
          index: 4,
          item_id: 'e',
          field: 'categories.0',
          reason: expect.stringMatching(/letters/) as string,
        },
      ],
    });
    expect(bus.records('catalog-events')).toHaveLength(1);
    await app.close();
  });

  it('takes the admin key only', async () => {
    const { app } = gateway();
    const body = { items: [{ item_id: 'a', op: 'retire' }] };
    for (const key of [KEYS.events, KEYS.demo, undefined]) {
      expect((await post(app, '/v1/items', body, key)).statusCode).toBe(401);
    }
    expect((await post(app, '/v1/items', body, KEYS.items)).statusCode).toBe(202);
    await app.close();
  });
});

describe('ingestion in the OpenAPI document', () => {
  it('documents both routes with their bodies, only when ingestion is wired', async () => {
    const { app } = gateway();
    const doc = (await app.inject('/docs/json')).json<{
      paths: Record<
        string,
        { post?: { requestBody: unknown; responses: Record<string, unknown> } }
      >;
    }>();
    for (const path of ['/v1/events', '/v1/items']) {
      expect(Object.keys(doc.paths[path]!.post!.responses).sort()).toEqual([
        '202',
        '400',
        '401',
        '413',
        '503',
      ]);
    }
    expect(doc.paths['/v1/events']!.post!.requestBody).toMatchObject({
      content: {
        'application/json': {
          schema: {
            properties: {
              events: { maxItems: 1_000, items: { properties: { event_id: {}, type: {} } } },
            },
          },
        },
      },
    });
    await app.close();
    const plain = buildApp(fakeDeps().deps);
    const without = (await plain.inject('/docs/json')).json<{ paths: object }>();
    expect(Object.keys(without.paths)).not.toContain('/v1/events');
    await plain.close();
  });
});
