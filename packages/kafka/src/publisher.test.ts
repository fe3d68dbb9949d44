import { decodeUserEvent, encodeUserEvent, events } from '@recsys/contracts';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from './memory-bus.js';
import { createPublisher } from './publisher.js';

describe('createPublisher', () => {
  it('encodes each value and keys it, so one key stays in one partition', async () => {
    const bus = new MemoryBus({ defaultPartitions: 8 });
    const publisher = createPublisher<events.UserEvent>({
      bus,
      topic: 'user-events',
      encode: encodeUserEvent,
      keyOf: (e) => e.userId,
    });
    const base = { itemId: 'i', type: events.UserEventType.USER_EVENT_TYPE_CLICK, timestamp: 1 };
    const sent = ['a', 'b', 'c', 'd'].map((eventId) => ({
      ...events.UserEvent.fromPartial(base),
      eventId,
      userId: 'u-7',
    }));
    await publisher.publish(sent);
    const records = bus.records('user-events');
    expect(records.map((r) => r.key?.toString())).toEqual(['u-7', 'u-7', 'u-7', 'u-7']);
    expect(records.map((r) => r.offset)).toEqual(['0', '1', '2', '3']);
    const back = records.map((r) => decodeUserEvent(r.value!));
    expect(back).toEqual(sent.map((value) => ({ ok: true, value })));
  });
});
