import { events, type Decoded } from '@recsys/contracts';
import type { BusBatch, BusMessage } from './bus.js';

/** Decodes and validates one record value; must not throw. */
export type Decoder<T> = (bytes: Uint8Array) => Decoded<T>;

/** A record that decoded, with where it came from. */
export interface Accepted<T> {
  value: T;
  partition: number;
  offset: string;
}

export interface Routed<T> {
  accepted: Accepted<T>[];
  /** Dead letters ready to publish to the dead-letter topic, in offset order. */
  rejected: events.DeadLetter[];
}

/**
 * Splits a batch into the records the handler gets and the dead letters. A bad
 * record never blocks the ones around it: it is parked with its original bytes
 * and the reason, so it can be inspected and replayed once the cause is fixed.
 */
export function routeBatch<T>(batch: BusBatch, decode: Decoder<T>, now = Date.now()): Routed<T> {
  const accepted: Accepted<T>[] = [];
  const rejected: events.DeadLetter[] = [];
  for (const record of batch.records) {
    const decoded: Decoded<T> =
      record.value === null
        ? { ok: false, reason: 'empty value (tombstone)' }
        : safeDecode(decode, record.value);
    if (decoded.ok) {
      accepted.push({ value: decoded.value, partition: batch.partition, offset: record.offset });
      continue;
    }
    rejected.push({
      sourceTopic: batch.topic,
      partition: batch.partition,
      offset: Number(record.offset),
      key: record.key ?? Buffer.alloc(0),
      value: record.value ?? Buffer.alloc(0),
      reason: decoded.reason,
      failedAt: now,
    });
  }
  return { accepted, rejected };
}

/** A dead letter as a bus message: keyed like the original, so replays keep its partitioning. */
export function deadLetterMessage(letter: events.DeadLetter): BusMessage {
  return {
    key: letter.key.length > 0 ? letter.key : null,
    value: events.DeadLetter.encode(letter).finish(),
  };
}

/** A decoder that throws is a bug, but one bad record must still not stop the stream. */
function safeDecode<T>(decode: Decoder<T>, bytes: Uint8Array): Decoded<T> {
  try {
    return decode(bytes);
  } catch (err) {
    return {
      ok: false,
      reason: `decoder failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
