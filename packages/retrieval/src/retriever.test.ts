import { Live } from '@recsys/artifacts';
import { common, events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { AppError } from '@recsys/errors';
import { MemorySessionStore, type SessionStore } from '@recsys/feature-store';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RetrievalState } from './retrieval-state.js';
import { Retriever, type RetrieverOptions } from './retriever.js';
import type { CandidateSource, RetrievalRequest } from './source.js';
import { defaultMixes, parseMix } from './source-mix.js';
import { createSources } from './sources/index.js';
import { makeTestState } from './test-state.js';

let state: RetrievalState;
beforeAll(async () => {
  state = await makeTestState();
});

function liveOf(s: RetrievalState): Live<RetrievalState> {
  const live = new Live<RetrievalState>({ close: () => {} });
  live.publish(s.version, s);
  return live;
}

function retriever(over: Partial<RetrieverOptions> = {}): Retriever {
  return new Retriever({
    live: liveOf(state),
    sessions: new MemorySessionStore(),
    mixes: defaultMixes(),
    sessionDeadlineMs: 50,
    sourceDeadlineMs: 50,
    ...over,
  });
}

function request(over: Partial<RetrievalRequest> = {}): RetrievalRequest {
  return {
    userId: 'u1',
    surface: 'home',
    limit: 1000,
    excludeItemIds: [],
    ...over,
    context: common.RequestContext.fromPartial(over.context ?? {}),
  };
}

const ids = (r: { candidates: { itemId: string }[] }) => r.candidates.map((c) => c.itemId);

describe('Retriever', () => {
  it('merges the surface mix without the training history, naming sources and counts', async () => {
    const res = await retriever().generate(request());
    expect(ids(res)).not.toContain('i1');
    expect(ids(res)).not.toContain('i2');
    expect(new Set(ids(res)).size).toBe(ids(res).length);
    expect(ids(res)).toHaveLength(10);
    expect(Object.keys(res.sourceCounts)).toEqual(['ann', 'session_i2i', 'popular', 'fresh']);
    expect(res.modelVersion).toBe('test-v1');
    expect(res.degraded).toEqual([]);
    const i3 = res.candidates.find((c) => c.itemId === 'i3');
    expect(i3?.sources).toEqual(expect.arrayContaining(['ann', 'session_i2i', 'popular']));
    expect(i3?.viaItemId).toBe('i2');
  });

  it('removes what the session saw and what the caller excluded', async () => {
    const sessions = new MemorySessionStore();
    const click = (itemId: string, n: number): events.UserEvent =>
      userEvent({
        eventId: `e${n}`,
        userId: 'u1',
        itemId,
        device: 'web',
      });
    await sessions.applyUserEvents([click('i3', 1), click('i9', 2)]);
    const res = await retriever({ sessions }).generate(request({ excludeItemIds: ['i4'] }));
    for (const gone of ['i1', 'i2', 'i3', 'i4', 'i9']) expect(ids(res)).not.toContain(gone);
    // The click on i9 (drama) brings its neighbours in through the session source.
    expect(res.candidates.find((c) => c.itemId === 'i10')?.viaItemId).toBe('i9');
  });

  it('serves a cold user the cold-start mix led by the onboarding categories', async () => {
    const res = await retriever().generate(
      request({
        userId: 'stranger',
        limit: 3,
        context: { preferredCategories: ['Drama'] } as common.RequestContext,
      }),
    );
    // The best of each cold-start source: popular Drama, the newest item, the context-only ANN.
    expect(ids(res)).toEqual(['i7', 'i12', 'i6']);
    expect(res.candidates[0]?.sources[0]).toBe('popular');
    expect(Object.keys(res.sourceCounts)).toEqual(['popular', 'fresh', 'ann']);
  });

  it('degrades instead of failing when the session store is down', async () => {
    const down: SessionStore = {
      applyUserEvents: () => Promise.reject(new AppError('unavailable', 'redis down')),
      getSession: () => Promise.reject(new AppError('unavailable', 'redis down')),
    };
    const res = await retriever({ sessions: down }).generate(request());
    expect(res.degraded).toEqual(['session_store_unavailable']);
    expect(ids(res).length).toBeGreaterThan(0);
    expect(ids(res)).not.toContain('i1'); // the training history still counts as seen
  });

  it('drops a failing or late source and names it, keeping the others', async () => {
    const sources = new Map(createSources());
    const broken: CandidateSource = { name: 'ann', run: () => Promise.reject(new Error('boom')) };
    const slow: CandidateSource = {
      name: 'fresh',
      run: () => new Promise((resolve) => setTimeout(() => resolve([]), 500)),
    };
    sources.set('ann', broken).set('fresh', slow);
    const res = await retriever({ sources, sourceDeadlineMs: 30 }).generate(request());
    expect(res.degraded).toEqual(['ann_unavailable', 'fresh_timeout']);
    expect(res.sourceCounts.ann).toBeUndefined();
    expect(res.sourceCounts.popular).toBeGreaterThan(0);
  });

  it("reports a source's own fallbacks when it answers, and drops them when it is late", async () => {
    const sources = new Map(createSources());
    const noting = (name: string, delayMs: number): CandidateSource => ({
      name,
      run: async (ctx) => {
        ctx.degrade?.(`${name}_live_unavailable`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return [{ row: 5, score: 1 }];
      },
    });
    sources.set('popular', noting('popular', 0)).set('fresh', noting('fresh', 500));
    const res = await retriever({ sources, sourceDeadlineMs: 30 }).generate(request());
    expect(res.degraded).toEqual(['popular_live_unavailable', 'fresh_timeout']);
    expect(res.sourceCounts.popular).toBe(1);
  });

  it('rejects bad requests: unknown surface, a missing or unknown seed, search without q', async () => {
    const r = retriever();
    await expect(r.generate(request({ surface: 'nope' }))).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/^surface: unknown surface "nope"/) as string,
    });
    await expect(r.generate(request({ surface: 'cold_start' }))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(r.generate(request({ surface: 'more_like_this' }))).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/^seed_item_id:/) as string,
    });
    await expect(
      r.generate(request({ surface: 'more_like_this', seedItemId: 'zzz' })),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(r.generate(request({ surface: 'search', query: ' ' }))).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/^query:/) as string,
    });
  });

  it('answers more_like_this around the seed, never returning the seed', async () => {
    const res = await retriever().generate(
      request({ surface: 'more_like_this', seedItemId: 'i9', limit: 4 }),
    );
    expect(ids(res)).not.toContain('i9');
    expect(res.candidates[0]).toMatchObject({ itemId: 'i10', viaItemId: 'i9' });
  });

  it('stops at boot when a mix names a source that does not exist', () => {
    const sources = new Map(createSources());
    sources.delete('fresh');
    expect(() => retriever({ sources })).toThrow(/surface home: candidate source "fresh"/);
    expect(() => parseMix('ann:1,nope:2', 'SOURCES_HOME')).toThrow(/unknown candidate source/);
  });

  it('keeps answering while versions are swapped under concurrent requests', async () => {
    const live = liveOf(state);
    const r = retriever({ live });
    const next = await makeTestState({ version: 'test-v2' });
    const work = Array.from({ length: 40 }, (_, i) => r.generate(request({ userId: `u${i % 3}` })));
    live.publish('test-v2', next);
    const after = r.generate(request());
    const all = await Promise.all([...work, after]);
    expect(all.every((res) => res.candidates.length > 0)).toBe(true);
    expect(all.at(-1)?.modelVersion).toBe('test-v2');
  });
});
