import { encodeUserEvent, events } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { createPublisher, type EventBus, type Publisher } from '@recsys/kafka';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter, Registry } from 'prom-client';
import { ErrorBody } from './api-schemas.js';
import { withDeadline } from './deadline.js';
import { decode } from './http-errors.js';
import { keyGuard } from './ingest-auth.js';
import { checkEvents, checkItems, type Checked } from './ingest-batch.js';
import { ingestMetrics } from './ingest-metrics.js';
import {
  EventsBodyDoc,
  EventsEnvelope,
  IngestResult,
  ItemsBodyDoc,
  ItemsEnvelope,
} from './ingest-schemas.js';
import type { ApiRoute } from './openapi.js';

/** What ingestion needs; main.ts builds it from the config (Kafka), tests from a MemoryBus. */
export interface IngestDeps {
  bus: EventBus;
  /** Unset keys lock their route: 401 for everyone (see ingest-auth.ts). */
  keys: {
    /** RECSYS_API_KEY: POST /v1/events. */
    events?: string;
    /** RECSYS_ADMIN_KEY: POST /v1/items. */
    items?: string;
    /** RECSYS_DEMO_UI_KEY: POST /v1/events only, and handed to the page at / (demo only). */
    demo?: string;
  };
  topics?: { userEvents?: string; catalogEvents?: string };
  publishTimeoutMs?: number;
  maxFutureMs?: number;
  bodyLimitBytes?: number;
  now?: () => number;
}

const RESPONSES = {
  202: {
    description: 'Valid entries were published; the others are listed in rejections',
    schema: IngestResult,
  },
  400: { description: 'The envelope is bad (named in error.field)', schema: ErrorBody },
  401: { description: 'x-api-key is missing or wrong', schema: ErrorBody },
  413: { description: 'The body is too large', schema: ErrorBody },
  503: {
    description:
      'The event bus cannot take them now; nothing is acknowledged. Retry the same request ' +
      'after Retry-After: some entries may already have been published, which is safe, ' +
      'because consumers apply each event_id once and catalog changes are idempotent by item_id',
    schema: ErrorBody,
  },
};

export const INGEST_ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: '/v1/events',
    summary:
      'Ingest up to 1,000 user events (x-api-key: the events key), published to user-events ' +
      'keyed by user_id. Retries are idempotent by event_id.',
    body: EventsBodyDoc,
    responses: RESPONSES,
  },
  {
    method: 'POST',
    path: '/v1/items',
    summary:
      'Upsert or retire up to 1,000 catalog items (x-api-key: the admin key), published to ' +
      'catalog-events keyed by item_id. Other numeric fields become the item numeric content.',
    body: ItemsBodyDoc,
    responses: RESPONSES,
  },
];

export function registerIngestRoutes(
  app: FastifyInstance,
  deps: IngestDeps,
  registry: Registry,
): void {
  const metrics = ingestMetrics(registry);
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.publishTimeoutMs ?? 5_000;
  const eventsKey = keyGuard([deps.keys.events, deps.keys.demo]);
  const itemsKey = keyGuard([deps.keys.items]);
  const userEvents = createPublisher<events.UserEvent>({
    bus: deps.bus,
    topic: deps.topics?.userEvents ?? 'user-events',
    encode: encodeUserEvent,
    keyOf: (e) => e.userId,
  });
  const catalog = createPublisher<events.CatalogEvent>({
    bus: deps.bus,
    topic: deps.topics?.catalogEvents ?? 'catalog-events',
    encode: (e) => events.CatalogEvent.encode(e).finish(),
    keyOf: (e) => e.itemId,
  });

  /** Publishes every accepted entry or throws a retryable 503; counts the outcome. */
  async function publish<T>(
    publisher: Publisher<T>,
    checked: Checked<T>,
    counter: Counter<'outcome'>,
  ): Promise<IngestResult> {
    counter.inc({ outcome: 'rejected' }, checked.rejections.length);
    if (checked.accepted.length > 0) {
      try {
        await withDeadline(publisher.publish(checked.accepted), timeoutMs, 'event bus');
      } catch (err) {
        counter.inc({ outcome: 'unavailable' }, checked.accepted.length);
        throw new AppError(
          'unavailable',
          'the event bus cannot take this batch now; retry the same request',
          true,
          { cause: err },
        );
      }
      counter.inc({ outcome: 'accepted' }, checked.accepted.length);
    }
    return {
      accepted: checked.accepted.length,
      rejected: checked.rejections.length,
      rejections: checked.rejections,
    };
  }

  // The key is checked on request, before the body is read.
  const options = (guard: (header: unknown) => void) => ({
    bodyLimit: deps.bodyLimitBytes ?? 2 * 1024 * 1024,
    onRequest: (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
      try {
        guard(request.headers['x-api-key']);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });

  app.post('/v1/events', options(eventsKey), async (request, reply) => {
    const body = decode(EventsEnvelope, request.body, 'body');
    const checked = checkEvents(body.events, now(), deps.maxFutureMs ?? 5 * 60_000);
    return reply.code(202).send(await publish(userEvents, checked, metrics.events));
  });

  app.post('/v1/items', options(itemsKey), async (request, reply) => {
    const body = decode(ItemsEnvelope, request.body, 'body');
    const checked = checkItems(body.items, now());
    return reply.code(202).send(await publish(catalog, checked, metrics.items));
  });
}
