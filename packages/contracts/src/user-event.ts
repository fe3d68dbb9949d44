import { z } from 'zod';
import { UserEvent, UserEventType } from './gen/recsys/events/v1/events.js';
import { decodeWith, type Decoded } from './decode.js';
import { Id } from './ids.js';

/** Event type names as clients send them, mapped to the proto enum. */
export const USER_EVENT_TYPES = {
  impression: UserEventType.USER_EVENT_TYPE_IMPRESSION,
  click: UserEventType.USER_EVENT_TYPE_CLICK,
  watch: UserEventType.USER_EVENT_TYPE_WATCH,
  like: UserEventType.USER_EVENT_TYPE_LIKE,
  skip: UserEventType.USER_EVENT_TYPE_SKIP,
} as const;

export type UserEventTypeName = keyof typeof USER_EVENT_TYPES;

const TYPE_NAMES = Object.fromEntries(
  Object.entries(USER_EVENT_TYPES).map(([name, value]) => [value, name]),
) as Record<UserEventType, UserEventTypeName | undefined>;

export function userEventTypeName(type: UserEventType): UserEventTypeName | undefined {
  return TYPE_NAMES[type];
}

/** A user event in its JSON form (HTTP ingestion, test fixtures). */
export const UserEventJson = z.strictObject({
  event_id: Id,
  user_id: Id,
  item_id: Id,
  type: z.enum(Object.keys(USER_EVENT_TYPES) as [UserEventTypeName, ...UserEventTypeName[]]),
  timestamp: z.number().int().positive(),
  surface: z.string().max(64).default(''),
  position: z.number().int().min(0).max(10_000).default(0),
  watch_seconds: z.number().min(0).max(86_400).default(0),
  device: z.string().max(64).default(''),
});
export type UserEventJson = z.infer<typeof UserEventJson>;

/** Semantic checks on a decoded proto event: what binary decoding cannot catch. */
const DecodedUserEvent = z.object({
  eventId: Id,
  userId: Id,
  itemId: Id,
  type: z.enum(UserEventType).refine((t) => TYPE_NAMES[t] !== undefined, 'unknown event type'),
  timestamp: z.number().int().positive(),
  surface: z.string().max(64),
  position: z.number().int().min(0).max(10_000),
  watchSeconds: z.number().min(0).max(86_400),
  device: z.string().max(64),
});

export function userEventFromJson(json: UserEventJson): UserEvent {
  return {
    eventId: json.event_id,
    userId: json.user_id,
    itemId: json.item_id,
    type: USER_EVENT_TYPES[json.type],
    timestamp: json.timestamp,
    surface: json.surface,
    position: json.position,
    watchSeconds: json.watch_seconds,
    device: json.device,
  };
}

/** Decodes and validates a `user-events` record value; never throws. */
export function decodeUserEvent(bytes: Uint8Array): Decoded<UserEvent> {
  return decodeWith(bytes, (b) => UserEvent.decode(b), DecodedUserEvent);
}

export function encodeUserEvent(event: UserEvent): Uint8Array {
  return UserEvent.encode(event).finish();
}
