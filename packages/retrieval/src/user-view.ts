import type { Session } from '@recsys/feature-store';
import type { RetrievalState } from './retrieval-state.js';

/** What candidate generation knows about the user for one request. */
export interface UserView {
  userId: string;
  /** Training vocabulary row; 0 for users training never saw. */
  userRow: number;
  /** Live session features; undefined when the session store could not answer. */
  session: Session | undefined;
  /** The session's recent items as rows, newest first (unknown items dropped). */
  sessionRows: number[];
  /**
   * The history the user tower reads: session items first (newest), then the training history
   * without them, at most `historyLength` rows (training/features/history.py's layout).
   */
  historyRows: number[];
  /** What sources skip: the session's seen set and the training history (its newest rows). */
  seenRows: Set<number>;
  /**
   * Every item row the user touched in training, ascending (the export's seen sets): dropped
   * from the merged candidates, as training's candidates.drop_seen does after its sources.
   */
  trainingSeen: Int32Array;
  /** No training row, no history and no session: served by the cold-start mix. */
  cold: boolean;
  /** Categories the session shows most interest in, strongest first. */
  affinityCategories: string[];
}

/** Categories taken from the session's affinity for the popular source. */
const AFFINITY_CATEGORIES = 3;

export function buildUserView(
  state: RetrievalState,
  userId: string,
  session: Session | undefined,
): UserView {
  const { histories } = state;
  const userRow = histories?.userRow(userId) ?? 0;
  const training = histories?.history(userRow) ?? new Int32Array(0);
  // Every item of the user's training, not only the newest the history keeps: an old
  // favourite scores high on i2i and embeddings alike.
  const trainingSeen = histories?.seenRows(userRow) ?? new Int32Array(0);
  const sessionRows = rowsOf(state, session?.recentItems ?? []);
  const inSession = new Set(sessionRows);
  const historyRows = [...sessionRows];
  for (let i = 0; i < training.length && historyRows.length < state.historyLength; i++) {
    const row = training[i] ?? 0;
    if (row > 0 && !inSession.has(row)) historyRows.push(row);
  }
  historyRows.length = Math.min(historyRows.length, state.historyLength);

  const seenRows = new Set<number>(training);
  for (const row of rowsOf(state, session?.seen ?? [])) seenRows.add(row);
  for (const row of sessionRows) seenRows.add(row);
  seenRows.delete(0);

  const affinity = Object.entries(session?.categoryAffinity ?? {})
    .filter(([, score]) => score > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, AFFINITY_CATEGORIES)
    .map(([category]) => category);

  return {
    userId,
    userRow,
    session,
    sessionRows,
    historyRows,
    seenRows,
    trainingSeen,
    cold: userRow === 0 && historyRows.length === 0,
    affinityCategories: affinity,
  };
}

function rowsOf(state: RetrievalState, ids: readonly string[]): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const row = state.items.rowOf(id);
    if (row !== undefined) out.push(row);
  }
  return out;
}
