import type { Profile } from '@recsys/feature-store';
import { degrade, type FeedContext, type FeedRequest } from './context.js';
import { withDeadline } from './deadline.js';

/**
 * Reads the user's onboarding preferences. The store being slow or down
 * costs the request its preferences, not its answer.
 */
export async function loadProfile(
  request: FeedRequest,
  ctx: FeedContext,
): Promise<Profile | undefined> {
  const { profiles, settings } = ctx.deps;
  try {
    return await withDeadline(
      profiles.get(request.userId),
      settings.profileDeadlineMs,
      'profile store',
    );
  } catch (err) {
    ctx.log.warn({ err }, 'profile store failed; serving without preferences');
    degrade(ctx, 'profile_unavailable');
    return undefined;
  }
}
