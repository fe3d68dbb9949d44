import { encodeUserEvent, events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import type { BusMessage } from '@recsys/kafka';

const TYPES = [
  events.UserEventType.USER_EVENT_TYPE_IMPRESSION,
  events.UserEventType.USER_EVENT_TYPE_IMPRESSION,
  events.UserEventType.USER_EVENT_TYPE_CLICK,
  events.UserEventType.USER_EVENT_TYPE_WATCH,
  events.UserEventType.USER_EVENT_TYPE_LIKE,
  events.UserEventType.USER_EVENT_TYPE_SKIP,
];

/** Two malformed records, one of each kind the dead-letter topic must catch. */
export const GARBAGE = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]);
export const BAD_ID_EVENT = 'bad-id-event';

export interface Plan {
  /** One publish call each, in order. */
  sends: BusMessage[][];
  /** Distinct valid events (by event_id). */
  distinct: number;
  /** Valid records including the deliberate duplicates. */
  validRecords: number;
  /** Per user: distinct events and impressions per item. */
  expected: Map<string, { count: number; impressions: Record<string, number> }>;
  users: string[];
}

/**
 * A deterministic stream of `n` distinct user events over `users` users, sent
 * in chunks; every chunk after the first repeats a few earlier events and one
 * of its own (a producer retrying), and two chunks carry a malformed record.
 */
export function makePlan(n: number, users: number, chunk: number): Plan {
  let seed = 42;
  const rand = (k: number) => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed % k;
  };
  const userIds = Array.from({ length: users }, (_, u) => `user-${u}`);
  const all: events.UserEvent[] = Array.from({ length: n }, (_, i) =>
    userEvent({
      eventId: `evt-${i}`,
      userId: userIds[rand(users)]!,
      itemId: `item-${rand(300)}`,
      type: TYPES[rand(TYPES.length)]!,
      timestamp: 1_764_000_000_000 + i * 1_000,
      position: rand(20),
      device: 'it',
    }),
  );
  const message = (e: events.UserEvent): BusMessage => ({
    key: e.userId,
    value: encodeUserEvent(e),
  });
  const sends: BusMessage[][] = [];
  let validRecords = 0;
  for (let start = 0; start < n; start += chunk) {
    const own = all.slice(start, start + chunk);
    const batch = own.map(message);
    if (start > 0) {
      for (let d = 0; d < 5; d++) batch.push(message(all[rand(start)]!));
      batch.splice(rand(batch.length), 0, message(own[rand(own.length)]!));
    }
    validRecords += batch.length;
    const index = sends.length;
    if (index === 2) batch.splice(rand(batch.length), 0, { key: 'garbage', value: GARBAGE });
    if (index === 5) {
      const bad = { ...own[0]!, eventId: BAD_ID_EVENT, userId: 'not a valid id' };
      batch.splice(rand(batch.length), 0, { key: bad.userId, value: encodeUserEvent(bad) });
    }
    sends.push(batch);
  }
  const expected: Plan['expected'] = new Map(
    userIds.map((u) => [u, { count: 0, impressions: {} }]),
  );
  for (const e of all) {
    const x = expected.get(e.userId)!;
    x.count++;
    if (e.type === events.UserEventType.USER_EVENT_TYPE_IMPRESSION) {
      x.impressions[e.itemId] = (x.impressions[e.itemId] ?? 0) + 1;
    }
  }
  return { sends, distinct: n, validRecords, expected, users: userIds };
}

/** Distinct valid events among the first `sends` chunks. */
export function distinctIn(plan: Plan, sends: number): number {
  const ids = new Set<string>();
  for (const batch of plan.sends.slice(0, sends)) {
    for (const m of batch) {
      if (m.value === GARBAGE) continue;
      const { eventId } = events.UserEvent.decode(m.value);
      if (eventId !== BAD_ID_EVENT) ids.add(eventId);
    }
  }
  return ids.size;
}
