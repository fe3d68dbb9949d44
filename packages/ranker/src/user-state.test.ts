import { emptySession, type Session } from '@recsys/feature-store';
import { describe, expect, it } from 'vitest';
import { handMadeTables, MINUTE, NOW } from './testing/index.js';
import { sessionLength, stateFromHistory, stateWithSession } from './user-state.js';

const tables = handMadeTables();
const rowOf = (id: string) => tables.items.rowOf(id);
const GAP = 30 * MINUTE;

function session(over: Partial<Session>): Session {
  return { ...emptySession('u1'), eventCount: 5, lastEventAt: NOW, ...over };
}

describe('sessionLength', () => {
  it('counts the newest run of positions whose gaps stay within the session gap', () => {
    const history = tables.users.history('u1')!;
    expect(sessionLength(history, GAP)).toBe(2);
    expect(sessionLength(history, 60 * MINUTE)).toBe(3);
    expect(sessionLength(history, 5 * MINUTE)).toBe(1);
    expect(sessionLength({ rows: new Int32Array(3), timestamps: new Float64Array(3) }, GAP)).toBe(
      0,
    );
  });
});

describe('stateFromHistory', () => {
  it('reads the stored history and its last session, or nothing for an unknown user', () => {
    const state = stateFromHistory(tables.users.history('u1'), 4, GAP);
    expect(Array.from(state.rows)).toEqual([1, 2, 4, 0]);
    expect(state.sessionCount).toBe(2);
    expect(Array.from(state.sessionRows)).toEqual([1, 2]);
    const unknown = stateFromHistory(undefined, 4, GAP);
    expect(Array.from(unknown.rows)).toEqual([0, 0, 0, 0]);
    expect(unknown.sessionCount).toBe(0);
  });
});

describe('stateWithSession', () => {
  const history = tables.users.history('u1');

  it('puts the live recent items first, drops their older stored positions and unknown ids', () => {
    const live = session({ recentItems: ['i4', 'new-item', 'i3'], sessionClicks: 2 });
    const state = stateWithSession(history, live, rowOf, 4, GAP);
    expect(Array.from(state.rows)).toEqual([4, 3, 1, 2]);
    expect(state.sessionCount).toBe(2);
    // The session's clicks are its newest recent items; an unknown one has no categories.
    expect(Array.from(state.sessionRows)).toEqual([4, 0]);
  });

  it('truncates to the history length and serves users unknown to training', () => {
    const live = session({ recentItems: ['i1', 'i2', 'i3', 'i4', 'i1'], sessionClicks: 1 });
    const state = stateWithSession(undefined, live, rowOf, 3, GAP);
    expect(Array.from(state.rows)).toEqual([1, 2, 3]);
    expect(Array.from(state.sessionRows)).toEqual([1]);
  });

  it('has no session once the user went idle, and falls back to history with no events', () => {
    const idle = session({ recentItems: ['i3'], sessionClicks: 0 });
    const state = stateWithSession(history, idle, rowOf, 4, GAP);
    expect(Array.from(state.rows)).toEqual([3, 1, 2, 4]);
    expect(state.sessionCount).toBe(0);
    const none = stateWithSession(history, emptySession('u1'), rowOf, 4, GAP);
    expect(none).toEqual(stateFromHistory(history, 4, GAP));
  });
});
