import { describe, expect, it } from 'vitest';
import { Live } from './live.js';

function tracked() {
  const closed: string[] = [];
  const live = new Live<{ name: string }>({ close: (v) => void closed.push(v.name) });
  return { live, closed };
}

describe('Live', () => {
  it('refuses leases until a version is published', () => {
    const { live } = tracked();
    expect(live.ready).toBe(false);
    expect(() => live.acquire()).toThrow(/no artifacts version/);
  });

  it('keeps a leased version open across a swap and closes it when released', async () => {
    const { live, closed } = tracked();
    live.publish('v1', { name: 'one' });
    const lease = live.acquire();
    live.publish('v2', { name: 'two' });
    expect(live.version).toBe('v2');
    expect(lease.value.name).toBe('one');
    expect(closed).toEqual([]);
    lease.release();
    lease.release(); // a second release must not drive the count negative
    await Promise.resolve();
    expect(closed).toEqual(['one']);
    expect(live.acquire().value.name).toBe('two');
  });

  it('closes an unleased version at once on swap', async () => {
    const { live, closed } = tracked();
    live.publish('v1', { name: 'one' });
    live.publish('v2', { name: 'two' });
    await Promise.resolve();
    expect(closed).toEqual(['one']);
  });

  it('closes a version whose lease leaked after the drain timeout', async () => {
    const closed: string[] = [];
    const live = new Live<string>({ close: (v) => void closed.push(v), drainTimeoutMs: 20 });
    live.publish('v1', 'one');
    live.acquire(); // never released
    live.publish('v2', 'two');
    await new Promise((r) => setTimeout(r, 60));
    expect(closed).toEqual(['one']);
  });

  it('use() holds the version for the whole call, even while a new one is published', async () => {
    const { live, closed } = tracked();
    live.publish('v1', { name: 'one' });
    const seen = await live.use(async (value, version) => {
      live.publish('v2', { name: 'two' });
      await new Promise((r) => setTimeout(r, 5));
      expect(closed).toEqual([]);
      return `${version}:${value.name}`;
    });
    expect(seen).toBe('v1:one');
    await Promise.resolve();
    expect(closed).toEqual(['one']);
  });

  it('close() waits for leases and reports close errors instead of throwing', async () => {
    const errors: string[] = [];
    const live = new Live<string>({
      close: () => Promise.reject(new Error('boom')),
      onCloseError: (_err, version) => errors.push(version),
    });
    live.publish('v1', 'one');
    const lease = live.acquire();
    const closing = live.close();
    expect(() => live.acquire()).toThrow();
    setTimeout(() => lease.release(), 10);
    await closing;
    expect(errors).toEqual(['v1']);
  });
});
