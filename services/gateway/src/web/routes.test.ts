import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { fakeDeps } from '../testing.js';
import { MemoryBus } from '@recsys/kafka';

const KEYS = { events: 'events-key-0123', demo: 'demo-key-012345' };

describe('the web page', () => {
  it('serves the page, its script and style with a strict content security policy', async () => {
    const app = buildApp(fakeDeps().deps);
    const page = await app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.body).toContain('<script type="module" src="/ui/app.js">');
    const script = await app.inject('/ui/app.js');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toContain("fetch('/v1/events'");
    expect((await app.inject('/ui/style.css')).headers['content-type']).toMatch(/^text\/css/);
    await app.close();
  });

  it('hands out the demo key only when one is configured, never the real one', async () => {
    const plain = buildApp(fakeDeps().deps);
    expect((await plain.inject('/ui/config.json')).json()).toEqual({ events_key: null });
    await plain.close();
    const demo = buildApp({ ...fakeDeps().deps, ingest: { bus: new MemoryBus(), keys: KEYS } });
    const config = await demo.inject('/ui/config.json');
    expect(config.json()).toEqual({ events_key: KEYS.demo });
    expect(config.headers['cache-control']).toBe('no-store');
    const keyless = buildApp({
      ...fakeDeps().deps,
      ingest: { bus: new MemoryBus(), keys: { events: KEYS.events } },
    });
    expect((await keyless.inject('/ui/config.json')).json()).toEqual({ events_key: null });
    await Promise.all([demo.close(), keyless.close()]);
  });

  it('looks up titles of the items on screen', async () => {
    const itemTitles = new Map([
      ['i1', 'Toy Story (1995)'],
      ['i2', 'Heat (1995)'],
    ]);
    const app = buildApp({ ...fakeDeps().deps, itemTitles });
    const res = await app.inject('/ui/titles?ids=i1,i2,i3');
    expect(res.json()).toEqual({ titles: { i1: 'Toy Story (1995)', i2: 'Heat (1995)' } });
    const bad = await app.inject('/ui/titles?ids=i1,bad%20id');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { field: 'ids.1' } });
    await app.close();
  });
});
