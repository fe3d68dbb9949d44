import { decodeUserEvent, encodeUserEvent, events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { describe, expect, it } from 'vitest';
import type { BusBatch } from './bus.js';
import { deadLetterMessage, routeBatch } from './dead-letter.js';

const valid: events.UserEvent = userEvent({
  eventId: 'e-1',
  userId: 'u-1',
  itemId: 'i-1',
  timestamp: 1_764_000_000_000,
  position: 1,
  device: 'web',
});
const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
const badId = Buffer.from(encodeUserEvent({ ...valid, eventId: 'e-2', userId: 'has space' }));

function batch(values: (Buffer | null)[]): BusBatch {
  return {
    topic: 'user-events',
    partition: 3,
    records: values.map((value, i) => ({
      key: Buffer.from('u-1'),
      value,
      offset: String(100 + i),
      timestamp: '0',
    })),
  };
}

describe('routeBatch', () => {
  it('passes valid records on and turns every bad one into a dead letter with its reason', () => {
    const good = Buffer.from(encodeUserEvent(valid));
    const { accepted, rejected } = routeBatch(
      batch([good, garbage, badId, null, good]),
      decodeUserEvent,
      42,
    );
    expect(accepted.map((a) => [a.offset, a.value.eventId])).toEqual([
      ['100', 'e-1'],
      ['104', 'e-1'],
    ]);
    expect(rejected.map((r) => [r.offset, r.reason.split(':')[0]])).toEqual([
      [101, 'undecodable protobuf'],
      [102, 'invalid userId'],
      [103, 'empty value (tombstone)'],
    ]);
    expect(rejected[0]).toMatchObject({ sourceTopic: 'user-events', partition: 3, failedAt: 42 });
    expect(rejected[0]!.value.equals(garbage)).toBe(true);
    expect(rejected[0]!.key.toString()).toBe('u-1');
  });

  it('dead-letters a record whose decoder throws instead of stopping the batch', () => {
    const { accepted, rejected } = routeBatch(batch([garbage, garbage]), () => {
      throw new Error('boom');
    });
    expect(accepted).toHaveLength(0);
    expect(rejected.map((r) => r.reason)).toEqual(['decoder failed: boom', 'decoder failed: boom']);
  });

  it('encodes a dead letter that decodes back to the same fields', () => {
    const [letter] = routeBatch(batch([badId]), decodeUserEvent, 7).rejected;
    const message = deadLetterMessage(letter!);
    expect(Buffer.from(message.key as Uint8Array).toString()).toBe('u-1');
    const back = events.DeadLetter.decode(message.value);
    expect(back).toEqual(letter);
    expect(decodeUserEvent(back.value)).toMatchObject({ ok: false });
  });
});
