export { AFFINITY_FLOOR, decay, effectsOf, type Effects } from './effects.js';
export { MemorySessionStore, type MemorySessionStoreOptions } from './memory-session-store.js';
export { RedisSessionStore, type RedisSessionStoreOptions } from './redis-session-store.js';
export {
  DEFAULT_LIMITS,
  emptySession,
  type ApplyResult,
  type ItemCategories,
  type Session,
  type SessionLimits,
  type SessionStore,
} from './session.js';
export { MemoryPopularityStore } from './memory-popularity-store.js';
export {
  DEFAULT_POPULARITY_LIMITS,
  POPULARITY_WEIGHTS,
  type PopularItem,
  type PopularQuery,
  type PopularityLimits,
  type PopularityStore,
  type PopularityStoreOptions,
  type UserRegions,
} from './popularity.js';
export {
  RedisPopularityStore,
  type RedisPopularityStoreOptions,
} from './redis-popularity-store.js';
export { MemoryProfileStore } from './memory-profile-store.js';
export { profileRegions } from './profile-regions.js';
export {
  DEFAULT_PROFILE_TTL_SECONDS,
  StoredProfile,
  type Profile,
  type ProfileStore,
} from './profile.js';
export { RedisProfileStore, type RedisProfileStoreOptions } from './redis-profile-store.js';
