import { UserEvent, UserEventType } from './gen/recsys/events/v1/events.js';

type Identified = Pick<UserEvent, 'eventId' | 'userId' | 'itemId'>;

/** For tests and benchmarks: a user event, by default a click on `home` now. */
export function userEvent(fields: Identified & Partial<UserEvent>): UserEvent {
  return UserEvent.fromPartial({
    type: UserEventType.USER_EVENT_TYPE_CLICK,
    timestamp: Date.now(),
    surface: 'home',
    ...fields,
  });
}
