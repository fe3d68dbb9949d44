import { AppError } from '@recsys/errors';
import type { Session } from '@recsys/feature-store';
import type { RetrievalState } from './retrieval-state.js';
import type { RetrievalRequest, SourceContext } from './source.js';
import type { SourceSpec } from './source-mix.js';
import type { UserFeatures } from './user-encoder.js';
import { buildUserView } from './user-view.js';

const SEEDED = new Set(['seed_i2i', 'seed_ann']);
/** Serving surfaces under the name training's logs gave the same context. */
const SURFACE_ALIASES: Readonly<Record<string, string>> = { more_like_this: 'item_page' };

/**
 * The seed item's row, checked against what the mix needs: a seeded mix without a seed or a
 * search mix without a query is the caller's mistake (invalid_argument); a seed this version
 * does not know is not_found. Checked before any work, so such a request costs nothing.
 */
export function seedRowOf(
  state: RetrievalState,
  request: RetrievalRequest,
  mix: readonly SourceSpec[],
): number | undefined {
  const seedId = request.seedItemId ?? '';
  if (mix.some((s) => SEEDED.has(s.name)) && seedId === '') {
    throw new AppError('invalid_argument', `seed_item_id: surface ${request.surface} needs one`);
  }
  if (mix.some((s) => s.name === 'search') && (request.query ?? '').trim() === '') {
    throw new AppError('invalid_argument', `query: surface ${request.surface} needs one`);
  }
  if (seedId === '') return undefined;
  const row = state.items.rowOf(seedId);
  if (row === undefined) {
    throw new AppError('not_found', `seed_item_id: item ${seedId} is not in the catalog`);
  }
  return row;
}

/** The user tower's inputs from the request context (training/context.py's encoding). */
export function userFeatures(
  state: RetrievalState,
  request: RetrievalRequest,
  scope: Pick<SourceContext, 'user'>,
): UserFeatures {
  const { hourOfDay, dayOfWeek, device } = request.context;
  const known = hourOfDay > 0 || dayOfWeek > 0;
  return {
    userRow: scope.user.userRow,
    historyRows: scope.user.historyRows,
    hour: known && hourOfDay <= 23 ? hourOfDay + 1 : 0,
    dow: dayOfWeek >= 1 && dayOfWeek <= 7 ? dayOfWeek : 0,
    device: state.devices?.rowOf(device) ?? 0,
    surface: surfaceRow(state, request.surface),
  };
}

/** Everything sources read for one request, except the per-source abort signal. */
export function requestScope(
  state: RetrievalState,
  request: RetrievalRequest,
  session: Session | undefined,
  seedRow: number | undefined,
): Omit<SourceContext, 'signal'> {
  const user = buildUserView(state, request.userId, session);
  const excludedRows = new Set(user.seenRows);
  for (const id of request.excludeItemIds) {
    const row = state.items.rowOf(id);
    if (row !== undefined) excludedRows.add(row);
  }
  if (seedRow !== undefined) excludedRows.add(seedRow);
  let embedding: Promise<Float32Array> | undefined;
  const scope: Omit<SourceContext, 'signal'> = {
    request,
    state,
    user,
    seedRow,
    excluded: (row) => excludedRows.has(row),
    dropped: (row) => excludedRows.has(row) || sortedHas(user.trainingSeen, row),
    userEmbedding: () => {
      embedding ??= (() => {
        const encoder = state.encoder;
        if (encoder === undefined) {
          return Promise.reject(new AppError('unavailable', 'this export has no user tower'));
        }
        return encoder.encode(userFeatures(state, request, scope));
      })();
      return embedding;
    },
  };
  return scope;
}

function surfaceRow(state: RetrievalState, surface: string): number {
  const vocab = state.surfaces;
  if (vocab === undefined) return 0;
  return vocab.rowOf(surface) || vocab.rowOf(SURFACE_ALIASES[surface]);
}

/** Binary search in ascending rows: the seen sets are exported sorted, and can be long. */
function sortedHas(rows: Int32Array, row: number): boolean {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = rows[mid]!;
    if (value === row) return true;
    if (value < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
