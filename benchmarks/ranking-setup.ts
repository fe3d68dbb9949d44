/**
 * What the ranking benchmark ranks with: reference tables and models at serving sizes,
 * live sessions for every user, prepared requests, and a parity check at that size.
 */
import type { common } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import type { SessionStore } from '@recsys/feature-store';
import { Ranker, type RankerSource, type RankRequest } from '@recsys/ranker';
import type { Reference } from '@recsys/ranker/testing';

export const CONTEXT: common.RequestContext = {
  device: 'mobile',
  locale: '',
  region: '',
  hourOfDay: 20,
  dayOfWeek: 5,
  preferredCategories: [],
};

export function sourceOf(ref: Reference, version = 'bench'): RankerSource {
  return {
    version,
    tables: ref.tables,
    denseColumns: ref.doc.columns,
    rankerPath: ref.rankerPath,
    userTowerPath: ref.userTowerPath,
  };
}

/** Gives every reference user a live session of five clicks, so the session path works. */
export async function seedSessions(store: SessionStore, ref: Reference): Promise<void> {
  const users = ref.doc.history_rows.length;
  const items = ref.doc.counts.length - 1;
  const now = Date.now();
  await store.applyUserEvents(
    Array.from({ length: users * 5 }, (_, i) =>
      userEvent({
        eventId: `bench-${now}-${i}`,
        userId: ref.userId(i % users),
        itemId: ref.itemId(1 + ((i * 7919) % items)),
        timestamp: now - 60_000 + i,
        device: 'mobile',
      }),
    ),
  );
}

/** `count` requests over the reference users, each `size` random items, ~1% unknown ids. */
export function prepareRequests(ref: Reference, count: number, size: number): RankRequest[] {
  const users = ref.doc.history_rows.length;
  const items = ref.doc.counts.length - 1;
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, r) => ({
    userId: ref.userId(r % users),
    surface: 'home',
    context: CONTEXT,
    itemIds: Array.from({ length: size }, (_, i) =>
      rand() < 0.01 ? `new-${r}-${i}` : ref.itemId(1 + Math.floor(rand() * items)),
    ),
  }));
}

/** The request that reproduces the reference's user `u`: its context and candidates. */
export function referenceRequest(ref: Reference, u: number): RankRequest {
  const c = ref.doc.context;
  const [surface, hour, device] = [c.surface[u]!, c.hour[u]!, c.device[u]!];
  return {
    userId: ref.userId(u),
    surface: surface > 0 ? ref.doc.surfaces[surface - 1]! : '',
    context: {
      ...CONTEXT,
      device: device > 0 ? ref.doc.devices[device - 1]! : '',
      hourOfDay: hour > 0 ? hour - 1 : 0,
      dayOfWeek: c.dow[u]!,
    },
    itemIds: ref.doc.candidates[u]!.map((row) => (row > 0 ? ref.itemId(row) : 'unknown')),
  };
}

/**
 * Max |score - torch score| over every reference user and candidate, through a ranker
 * without a session store (the reference knows the stored histories only).
 */
export async function parityMaxAbsDiff(ref: Reference): Promise<number> {
  const ranker = await Ranker.open(sourceOf(ref, 'parity'));
  let worst = 0;
  try {
    const k = ref.doc.candidates[0]!.length;
    for (let u = 0; u < ref.doc.candidates.length; u++) {
      const result = await ranker.rank(referenceRequest(ref, u));
      result.scores.forEach((s, i) => {
        worst = Math.max(worst, Math.abs(s - ref.doc.scores[u * k + i]!));
      });
    }
  } finally {
    await ranker.close();
  }
  return worst;
}
