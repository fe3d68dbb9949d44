import type { Session } from '@recsys/feature-store';
import type { StoredHistory } from './tables.js';

/**
 * The user side of the ranker's inputs for one request: the history the
 * features read and the current session. Training derives both from one
 * timestamped history (features/ranker_features.py); online the stored history
 * comes from the artifacts and the session store adds what happened since.
 */
export interface UserState {
  /** Item rows, newest first, 0-padded to the history length. */
  rows: Int32Array;
  /** Interactions in the current session. */
  sessionCount: number;
  /** Item rows of the session's interactions (0 for unknown items): their categories count. */
  sessionRows: Int32Array;
}

/**
 * Positions in the newest run of history whose gaps are all <= gapMs: training's
 * session_mask, which always starts at the newest position when there is one.
 */
export function sessionLength(history: StoredHistory, gapMs: number): number {
  const { rows, timestamps } = history;
  let n = 0;
  while (n < rows.length && rows[n]! > 0) {
    if (n > 0 && timestamps[n - 1]! - timestamps[n]! > gapMs) break;
    n++;
  }
  return n;
}

function emptyRows(length: number): Int32Array {
  return new Int32Array(length);
}

/** The state training would see: the stored history alone. */
export function stateFromHistory(
  history: StoredHistory | undefined,
  length: number,
  gapMs: number,
): UserState {
  if (history === undefined) {
    return { rows: emptyRows(length), sessionCount: 0, sessionRows: new Int32Array(0) };
  }
  const rows = emptyRows(length);
  rows.set(history.rows.subarray(0, length));
  const n = sessionLength(history, gapMs);
  return { rows, sessionCount: n, sessionRows: rows.slice(0, Math.min(n, length)) };
}

/**
 * The stored history with the session store's view in front of it. The store
 * keeps distinct recent items (newest first) without their times, so an item it
 * lists leaves its older stored positions: the two sources overlap whenever the
 * stream replayed events that training also saw. The current session is the
 * store's: its click count, over its newest recent items, and nothing once the
 * user has been idle longer than the session gap (the store reports 0 clicks).
 */
export function stateWithSession(
  history: StoredHistory | undefined,
  session: Session,
  rowOf: (itemId: string) => number,
  length: number,
  gapMs: number,
): UserState {
  if (session.eventCount === 0) return stateFromHistory(history, length, gapMs);
  const rows = emptyRows(length);
  const taken = new Set<number>();
  let n = 0;
  for (const id of session.recentItems) {
    if (n === length) break;
    const row = rowOf(id);
    if (row > 0 && !taken.has(row)) {
      taken.add(row);
      rows[n++] = row;
    }
  }
  const stored = history?.rows ?? new Int32Array(0);
  for (let i = 0; i < stored.length && n < length; i++) {
    const row = stored[i]!;
    if (row > 0 && !taken.has(row)) rows[n++] = row;
  }
  const sessionCount = session.sessionClicks;
  const sessionIds = session.recentItems.slice(0, sessionCount);
  return { rows, sessionCount, sessionRows: Int32Array.from(sessionIds, rowOf) };
}
