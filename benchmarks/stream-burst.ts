import { encodeUserEvent, events } from '@recsys/contracts';
import type { BusMessage } from '@recsys/kafka';

const T = events.UserEventType;
/** A feed's event mix: mostly impressions, then clicks, some watches, few likes and skips. */
const MIX: [events.UserEventType, number][] = [
  [T.USER_EVENT_TYPE_IMPRESSION, 0.6],
  [T.USER_EVENT_TYPE_CLICK, 0.2],
  [T.USER_EVENT_TYPE_WATCH, 0.1],
  [T.USER_EVENT_TYPE_LIKE, 0.05],
  [T.USER_EVENT_TYPE_SKIP, 0.05],
];
/** Types that carry popularity weight (impressions and skips are not counted there). */
const WEIGHTED = new Set([
  T.USER_EVENT_TYPE_CLICK,
  T.USER_EVENT_TYPE_WATCH,
  T.USER_EVENT_TYPE_LIKE,
]);

export interface Burst {
  messages: BusMessage[];
  users: string[];
  /** Distinct events per user: what each session's event count must end at. */
  perUser: Map<string, number>;
  /** Events that popularity counts (one idempotency mark each). */
  weighted: number;
}

/** Zipf(s) sampler over ranks 0..n-1 by inverse CDF: a few heavy users and items, a long tail. */
function zipf(n: number, s: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  return () => {
    const u = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * `n` distinct, valid user events keyed by user_id, as the gateway publishes them: users and
 * items (in the order given) Zipf-distributed (s = 0.8 and 1.0), types in the MIX shares,
 * timestamps one ms apart.
 */
export function makeBurst(
  n: number,
  userCount: number,
  itemIds: readonly string[],
  seed = 7,
): Burst {
  let state = seed >>> 0;
  const rand = () => {
    // mulberry32: small, seeded, good enough for a workload mix.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const user = zipf(userCount, 0.8, rand);
  const item = zipf(itemIds.length, 1.0, rand);
  const users = Array.from({ length: userCount }, (_, u) => `bu${u}`);
  const perUser = new Map<string, number>();
  const start = Date.now() - n;
  const messages: BusMessage[] = [];
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    let r = rand();
    const type = MIX.find(([, share]) => (r -= share) < 0)?.[0] ?? T.USER_EVENT_TYPE_IMPRESSION;
    const userId = users[user()]!;
    const event: events.UserEvent = {
      eventId: `be-${i}`,
      userId,
      itemId: itemIds[item()]!,
      type,
      timestamp: start + i,
      surface: 'home',
      position: Math.floor(rand() * 20),
      watchSeconds: type === T.USER_EVENT_TYPE_WATCH ? 30 + Math.floor(rand() * 600) : 0,
      device: 'bench',
    };
    messages.push({ key: userId, value: encodeUserEvent(event) });
    perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
    if (WEIGHTED.has(type)) weighted++;
  }
  return { messages, users, perUser, weighted };
}
