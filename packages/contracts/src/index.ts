export * as candidates from './gen/recsys/candidates/v1/candidates.js';
export * as common from './gen/recsys/common/v1/context.js';
export * as events from './gen/recsys/events/v1/events.js';
export * as manifest from './gen/recsys/model/v1/manifest.js';
export * as ranking from './gen/recsys/ranking/v1/ranking.js';
export { decodeCatalogEvent, decodeItemUpdate, encodeItemUpdate } from './catalog-event.js';
export { type Decoded } from './decode.js';
export { ID_PATTERN, Id } from './ids.js';
export {
  USER_EVENT_TYPES,
  UserEventJson,
  decodeUserEvent,
  encodeUserEvent,
  userEventFromJson,
  userEventTypeName,
  type UserEventTypeName,
} from './user-event.js';
