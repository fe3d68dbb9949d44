import { randomUUID } from 'node:crypto';
import { ID_PATTERN } from '@recsys/contracts';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { z } from 'zod';
import type { FeedDeps } from './context.js';
import { FEED_ROUTES, registerFeedRoutes } from './feed-routes.js';
import { errorReply } from './http-errors.js';
import { INGEST_ROUTES, registerIngestRoutes, type IngestDeps } from './ingest-routes.js';
import { openApiDocument, type ApiRoute } from './openapi.js';
import { PREFERENCE_ROUTES, registerPreferenceRoutes } from './preference-routes.js';
import { registerWebRoutes } from './web/routes.js';

export interface AppDeps extends FeedDeps {
  /** Readiness: false while starting or draining; /readyz then answers 503. */
  isReady?: () => boolean;
  logger?: FastifyServerOptions['logger'];
  bodyLimitBytes?: number;
  /** POST /v1/events and /v1/items; without it those routes do not exist. */
  ingest?: IngestDeps;
}

const OPS_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness',
    responses: { 200: { description: 'Alive' } },
  },
  {
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: 503 while starting or draining',
    responses: { 200: { description: 'Serving' }, 503: { description: 'Not serving' } },
  },
  {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'Text exposition format', contentType: 'text/plain' } },
  },
  {
    method: 'GET',
    path: '/docs/json',
    summary: 'This OpenAPI document',
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
  },
];

/**
 * The REST edge: decode -> domain call -> encode. Every error is mapped to a
 * status and a public body here and nowhere else. Everything with state or I/O
 * arrives in `deps`, so fleet and all-in-one modes differ only in main.ts.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    // Ids may be 128 characters; longer ones get the 400 that names the field.
    routerOptions: { maxParamLength: 512 },
    requestIdHeader: false,
    // A caller's request id is kept when it is a sane id, so logs join up across hops.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && ID_PATTERN.test(given) ? given : randomUUID();
    },
  });
  const { metrics } = deps;
  // JSON only: a text/plain body gets the 400 that names the content type.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requestSeconds.observe(
      { route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.setErrorHandler((err, request, reply) => {
    const { status, body, appError } = errorReply(err);
    if (status >= 500) request.log[status === 500 ? 'error' : 'warn']({ err }, appError.message);
    if (appError.retryable) void reply.header('retry-after', '1');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'not_found',
        message: `no route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`,
        retryable: false,
      },
    }),
  );

  registerFeedRoutes(app, deps);
  registerPreferenceRoutes(app, deps);
  if (deps.ingest) registerIngestRoutes(app, deps.ingest, metrics.registry);
  // The demo page at /: a person's view of the API, not part of it (so not documented).
  registerWebRoutes(app, { itemTitles: deps.itemTitles, demoKey: deps.ingest?.keys.demo });

  const routes = [
    ...FEED_ROUTES,
    ...PREFERENCE_ROUTES,
    ...(deps.ingest ? INGEST_ROUTES : []),
    ...OPS_ROUTES,
  ];
  const document = openApiDocument(routes, { title: 'recsys gateway', version: 'v1' });
  app.get('/docs/json', () => document);
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', (_request, reply) => {
    const ready = deps.isReady?.() ?? true;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  return app;
}
