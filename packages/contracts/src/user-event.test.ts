import { describe, expect, it } from 'vitest';
import { UserEvent, UserEventType } from './gen/recsys/events/v1/events.js';
import {
  UserEventJson,
  decodeUserEvent,
  encodeUserEvent,
  userEventFromJson,
} from './user-event.js';

const json = {
  event_id: 'e-1',
  user_id: '42',
  item_id: 'movie:318',
  type: 'click',
  timestamp: 1_764_150_000_000,
  surface: 'home',
  position: 3,
  device: 'ios',
};

describe('user events', () => {
  it('round-trips JSON -> proto bytes -> validated event', () => {
    const event = userEventFromJson(UserEventJson.parse(json));
    const decoded = decodeUserEvent(encodeUserEvent(event));
    expect(decoded).toEqual({ ok: true, value: { ...event, watchSeconds: 0 } });
    expect(event.type).toBe(UserEventType.USER_EVENT_TYPE_CLICK);
  });

  it('names the field that is wrong in JSON', () => {
    const result = UserEventJson.safeParse({ ...json, user_id: 'has space' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['user_id']);
    expect(UserEventJson.safeParse({ ...json, type: 'purchase' }).success).toBe(false);
    expect(UserEventJson.safeParse({ ...json, extra: 1 }).success).toBe(false);
  });

  it('rejects bytes that are not an event, without throwing', () => {
    const garbage = decodeUserEvent(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(garbage.ok).toBe(false);
    const empty = decodeUserEvent(UserEvent.encode(UserEvent.fromPartial({})).finish());
    expect(empty.ok).toBe(false);
    expect(empty.ok ? '' : empty.reason).toContain('eventId');
  });

  it('rejects an unspecified event type', () => {
    const event = userEventFromJson(UserEventJson.parse(json));
    const bytes = encodeUserEvent({ ...event, type: UserEventType.USER_EVENT_TYPE_UNSPECIFIED });
    const decoded = decodeUserEvent(bytes);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.reason).toContain('type');
  });
});
