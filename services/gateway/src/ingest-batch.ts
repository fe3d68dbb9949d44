import { randomUUID } from 'node:crypto';
import { UserEventJson, events, userEventFromJson } from '@recsys/contracts';
import type { z } from 'zod';
import { ItemJson, type Rejection } from './ingest-schemas.js';

export interface Checked<T> {
  accepted: T[];
  rejections: Rejection[];
}

/**
 * Validates each event on its own. Besides the schema: an event_id twice in
 * one request is refused the second time (downstream would drop it anyway,
 * and the client learns its ids are not unique), and a timestamp too far
 * ahead of this clock is refused (it would outweigh real traffic in the
 * time-decayed counters).
 */
export function checkEvents(
  raw: readonly unknown[],
  now: number,
  maxFutureMs: number,
): Checked<events.UserEvent> {
  const accepted: events.UserEvent[] = [];
  const rejections: Rejection[] = [];
  const ids = new Set<string>();
  const problemOf = (event: UserEventJson): Omit<Rejection, 'index'> | undefined => {
    if (ids.has(event.event_id)) return { field: 'event_id', reason: 'repeated in this request' };
    if (event.timestamp > now + maxFutureMs) {
      const reason = `more than ${maxFutureMs} ms ahead of the server clock`;
      return { field: 'timestamp', reason };
    }
    return undefined;
  };
  for (const [index, entry] of raw.entries()) {
    const parsed = UserEventJson.safeParse(entry);
    const problem = parsed.success ? problemOf(parsed.data) : firstIssue(parsed.error);
    if (problem) {
      rejections.push({ index, ...idOf(entry, 'event_id'), ...problem });
    } else if (parsed.success) {
      ids.add(parsed.data.event_id);
      accepted.push(userEventFromJson(parsed.data));
    }
  }
  return { accepted, rejections };
}

/** Validates each item on its own and turns it into a catalog event stamped `now`. */
export function checkItems(raw: readonly unknown[], now: number): Checked<events.CatalogEvent> {
  const accepted: events.CatalogEvent[] = [];
  const rejections: Rejection[] = [];
  raw.forEach((entry, index) => {
    const parsed = ItemJson.safeParse(entry);
    if (!parsed.success) {
      rejections.push({ index, ...idOf(entry, 'item_id'), ...firstIssue(parsed.error) });
      return;
    }
    accepted.push(catalogEvent(parsed.data, now));
  });
  return { accepted, rejections };
}

function catalogEvent(item: ItemJson, now: number): events.CatalogEvent {
  const { item_id: itemId, op, title, categories, tags, ...rest } = item;
  const retire = op === 'retire';
  return {
    // Catalog changes are idempotent by item (an upsert replaces, a retire
    // drops), so a fresh id per change is enough to trace it.
    eventId: randomUUID(),
    itemId,
    op: retire ? events.CatalogOp.CATALOG_OP_RETIRE : events.CatalogOp.CATALOG_OP_UPSERT,
    content: retire
      ? undefined
      : { title: title ?? '', categories: [...new Set(categories)], tags, numeric: rest },
    timestamp: now,
  };
}

/** The entry's own id, echoed in its rejection when it is a plausible string. */
function idOf(entry: unknown, key: 'event_id' | 'item_id'): Partial<Record<typeof key, string>> {
  if (typeof entry !== 'object' || entry === null) return {};
  const id = (entry as Record<string, unknown>)[key];
  return typeof id === 'string' && id.length <= 128 ? { [key]: id } : {};
}

/** The first problem, worded like the 400s of the other routes. */
function firstIssue(error: z.ZodError): { field: string; reason: string } {
  const issue = error.issues[0];
  if (!issue) return { field: 'entry', reason: 'invalid' };
  if (issue.code === 'unrecognized_keys') {
    return { field: issue.keys[0] ?? 'entry', reason: 'unknown field' };
  }
  const field = issue.path.map(String).join('.') || 'entry';
  const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
  return { field, reason: missing ? 'required' : issue.message };
}
