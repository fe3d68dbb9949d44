import type { EventBus } from '@recsys/kafka';
import type { Log } from '@recsys/telemetry';
import { followItemUpdates } from './follow.js';
import type { LiveCatalog } from './live-catalog.js';

export interface LiveFollowOptions<S extends object> {
  bus: EventBus;
  topic: string;
  groupPrefix: string;
  catalog: LiveCatalog<S>;
  /** The served state the updates go to as they arrive; versions being loaded sync themselves. */
  current: () => S | undefined;
  log: Log;
  /** Wait before subscribing again after the bus refused (broker down at start). */
  retryMs?: number;
}

export interface LiveFollow {
  /** True once subscribed. */
  following(): boolean;
  stop(): Promise<void>;
}

/**
 * Follows item-updates into a LiveCatalog and the served state, in the background: a replica
 * serves from its artifacts while the broker is away, and starts following once it is back.
 */
export function followLive<S extends object>(options: LiveFollowOptions<S>): LiveFollow {
  const { log } = options;
  let stopped = false;
  let subscription: { stop(): Promise<void> } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const subscribe = async () => {
    try {
      const sub = await followItemUpdates({
        bus: options.bus,
        topic: options.topic,
        groupPrefix: options.groupPrefix,
        log,
        onUpdates: async (updates) => {
          options.catalog.record(updates);
          const state = options.current();
          if (state !== undefined) await options.catalog.sync(state);
        },
        onFatal: (err) => {
          log.error('item-updates subscription died; subscribing again', { err });
          subscription = undefined;
          retry();
        },
      });
      if (stopped) await sub.stop();
      else subscription = sub;
    } catch (err) {
      log.warn('cannot follow item-updates yet; retrying', { err });
      retry();
    }
  };
  const retry = () => {
    if (stopped) return;
    timer = setTimeout(() => void subscribe(), options.retryMs ?? 5_000);
    timer.unref();
  };
  void subscribe();
  return {
    following: () => subscription !== undefined,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await subscription?.stop();
    },
  };
}
