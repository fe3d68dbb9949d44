import type { FastifyInstance } from 'fastify';
import { ErrorBody, FeedQuery, FeedResponse } from './api-schemas.js';
import { newContext, type FeedDeps } from './context.js';
import { serveFeed } from './feed.js';
import { decode } from './http-errors.js';
import type { ApiRoute } from './openapi.js';

export const FEED_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/v1/feed',
    summary: 'Recommendations for one user on one surface',
    query: FeedQuery,
    responses: {
      200: { description: 'The feed; `degraded` names any fallback taken', schema: FeedResponse },
      400: { description: 'A bad parameter, named in error.field', schema: ErrorBody },
      404: { description: 'The seed item is unknown to retrieval', schema: ErrorBody },
      503: { description: 'Retrieval is down or late; retry (Retry-After)', schema: ErrorBody },
    },
  },
];

export function registerFeedRoutes(app: FastifyInstance, deps: FeedDeps): void {
  app.get('/v1/feed', async (request): Promise<FeedResponse> => {
    const query = decode(FeedQuery, request.query, 'query');
    const ctx = newContext(deps, request.id, request.log);
    return serveFeed(
      {
        userId: query.user_id,
        surface: query.surface,
        n: query.n,
        itemId: query.item_id,
        query: query.q,
        device: query.device,
        locale: query.locale,
      },
      ctx,
    );
  });
}
