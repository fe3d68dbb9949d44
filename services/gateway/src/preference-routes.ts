import type { Profile, ProfileStore } from '@recsys/feature-store';
import { AppError } from '@recsys/errors';
import type { FastifyInstance } from 'fastify';
import { ErrorBody, Preferences, PreferencesBody, UserParams } from './api-schemas.js';
import { withDeadline } from './deadline.js';
import { decode } from './http-errors.js';
import type { ApiRoute } from './openapi.js';

// Onboarding writes are rare and a person waits on them: a looser bound than the feed's.
const STORE_DEADLINE_MS = 1000;

export const PREFERENCE_ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: '/v1/users/{user_id}/preferences',
    summary: 'Set onboarding preferences; fields given replace the stored ones',
    params: UserParams,
    body: PreferencesBody,
    responses: {
      200: { description: 'The stored preferences', schema: Preferences },
      400: { description: 'A bad field, named in error.field', schema: ErrorBody },
      503: { description: 'The profile store is down; retry', schema: ErrorBody },
    },
  },
  {
    method: 'GET',
    path: '/v1/users/{user_id}/preferences',
    summary: 'Read onboarding preferences',
    params: UserParams,
    responses: {
      200: { description: 'The stored preferences', schema: Preferences },
      404: { description: 'No preferences stored for this user', schema: ErrorBody },
      503: { description: 'The profile store is down; retry', schema: ErrorBody },
    },
  },
];

export function registerPreferenceRoutes(
  app: FastifyInstance,
  deps: { profiles: ProfileStore },
): void {
  const store = <T>(work: Promise<T>) =>
    withDeadline(work, STORE_DEADLINE_MS, 'profile store').catch((err: unknown) => {
      throw new AppError('unavailable', 'the profile store is unavailable; retry shortly', true, {
        cause: err,
      });
    });

  app.post('/v1/users/:user_id/preferences', async (request): Promise<Preferences> => {
    const { user_id: userId } = decode(UserParams, request.params, 'path');
    const body = decode(PreferencesBody, request.body, 'body');
    const before = await store(deps.profiles.get(userId));
    const profile: Profile = {
      categories: body.categories ? [...new Set(body.categories)] : (before?.categories ?? []),
      region: body.region ?? before?.region,
      device: body.device ?? before?.device,
      updatedAt: Date.now(),
    };
    await store(deps.profiles.put(userId, profile));
    return toPreferences(userId, profile);
  });

  app.get('/v1/users/:user_id/preferences', async (request): Promise<Preferences> => {
    const { user_id: userId } = decode(UserParams, request.params, 'path');
    const profile = await store(deps.profiles.get(userId));
    if (!profile) throw new AppError('not_found', `no preferences stored for user ${userId}`);
    return toPreferences(userId, profile);
  });
}

function toPreferences(userId: string, profile: Profile): Preferences {
  return {
    user_id: userId,
    categories: profile.categories,
    ...(profile.region ? { region: profile.region } : {}),
    ...(profile.device ? { device: profile.device } : {}),
    updated_at: profile.updatedAt,
  };
}
