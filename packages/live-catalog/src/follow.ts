import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { decodeItemUpdate, type events } from '@recsys/contracts';
import type { EventBus, Subscription } from '@recsys/kafka';
import type { Log } from '@recsys/telemetry';

export interface FollowOptions {
  bus: EventBus;
  /** The compacted topic the stream processor writes (`item-updates`). */
  topic: string;
  /** Names the consumer group; each replica adds its host, pid and a random suffix. */
  groupPrefix: string;
  /** Gets each batch's valid updates in partition order; a rejection redelivers the batch. */
  onUpdates: (updates: events.ItemUpdate[]) => Promise<void>;
  log: Log;
  onFatal?: (err: unknown) => void;
}

/**
 * Follows the item-updates topic from its beginning in a consumer group of this replica's own:
 * every replica must see every update (not a share of them, as a shared group would give), and
 * a restarted one must read them all again, its in-memory catalog being gone. The topic is
 * compacted, so "from the beginning" is as long as the catalog's changes, not its history.
 * An undecodable record is logged and skipped: only the stream processor writes this topic.
 */
export function followItemUpdates(options: FollowOptions): Promise<Subscription> {
  const groupId = `${options.groupPrefix}.${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`;
  return options.bus.subscribe({
    groupId,
    topic: options.topic,
    fromBeginning: true,
    ...(options.onFatal === undefined ? {} : { onFatal: options.onFatal }),
    onBatch: async (batch) => {
      const updates: events.ItemUpdate[] = [];
      for (const record of batch.records) {
        const decoded =
          record.value === null
            ? { ok: false as const, reason: 'tombstone' }
            : decodeItemUpdate(record.value);
        if (decoded.ok) updates.push(decoded.value);
        else
          options.log.warn('skipped an item update', {
            topic: batch.topic,
            partition: batch.partition,
            offset: record.offset,
            reason: decoded.reason,
          });
      }
      if (updates.length > 0) await options.onUpdates(updates);
    },
  });
}
