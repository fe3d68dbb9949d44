import type { common } from '@recsys/contracts';
import { Live, LoopTurns } from '@recsys/artifacts';
import { AppError } from '@recsys/errors';
import type { Session, SessionStore } from '@recsys/feature-store';
import { fillRetrievalScore, writeDense } from './dense-features.js';
import { LoadedVersion, type PoolSettings, type RankerSource } from './loaded-version.js';
import { contextRows, rankerFeeds, userTowerFeeds } from './model-feeds.js';
import { userFeatures } from './user-features.js';
import { stateFromHistory, stateWithSession, type UserState } from './user-state.js';

type SessionRead = Session | 'unavailable' | 'none';

export interface RankRequest {
  userId: string;
  surface: string;
  context?: common.RequestContext | undefined;
  itemIds: readonly string[];
}

export interface RankResult {
  /** One logit per requested item, in request order; higher ranks first. */
  scores: Float32Array;
  modelVersion: string;
  /** Fallbacks taken, e.g. `session_store_unavailable`. */
  degraded: string[];
  /** Requested items unknown to this version, scored as the out-of-vocabulary row. */
  unknownItems: number;
}

export interface RankOptions {
  /** Time left for the model call; past it the call fails `deadline_exceeded`. */
  deadlineMs?: number;
}

export type RankStage = 'session' | 'features' | 'user_tower' | 'model';

export interface RankerOptions {
  /** Real-time session features; without a store the stored history alone is used. */
  sessions?: SessionStore;
  /** A session read slower than this is given up on, as if the store were down. */
  sessionTimeoutMs?: number;
  pool?: PoolSettings;
  /** Called with each stage's duration, for metrics. */
  onStage?: (stage: RankStage, ms: number) => void;
}

/**
 * The second stage in process: joins the user's stored history and live
 * session (one store round trip), item features held in typed arrays, and the
 * request context, then scores every candidate in one batched call to the
 * Wide&Deep model in a worker pool (Cheng et al. 2016).
 */
export class Ranker {
  /** The features section takes turns with other requests' (see LoopTurns). */
  private readonly turns = new LoopTurns();

  /**
   * @param versions the version being served; a VersionWatcher's `live` swaps it as new
   *   artifacts appear, and swap() publishes to it too.
   */
  constructor(
    readonly versions: Live<LoadedVersion>,
    private readonly options: RankerOptions = {},
  ) {}

  /** A ranker serving one version, loaded from `source`. */
  static async open(source: RankerSource, options: RankerOptions = {}): Promise<Ranker> {
    const live = new Live<LoadedVersion>({ close: (v) => v.close() });
    live.publish(source.version, await LoadedVersion.open(source, options.pool ?? {}));
    return new Ranker(live, options);
  }

  /** The version new requests get; undefined before the first load. */
  get modelVersion(): string | undefined {
    return this.versions.version;
  }

  get ready(): boolean {
    return this.versions.ready;
  }

  async rank(request: RankRequest, options: RankOptions = {}): Promise<RankResult> {
    const lease = this.versions.acquire();
    try {
      return await this.score(lease.value, request, options);
    } finally {
      lease.release();
    }
  }

  /**
   * Loads `source` beside the current version and switches new requests to it; the old
   * one closes once its requests finish. A version that fails to load changes nothing.
   */
  async swap(source: RankerSource): Promise<void> {
    this.versions.publish(
      source.version,
      await LoadedVersion.open(source, this.options.pool ?? {}),
    );
  }

  /** Stops taking requests and closes every version once its requests finish. */
  close(): Promise<void> {
    return this.versions.close();
  }

  private async score(
    loaded: LoadedVersion,
    request: RankRequest,
    options: RankOptions,
  ): Promise<RankResult> {
    const { tables, plan } = loaded;
    const degraded: string[] = [];
    if (request.itemIds.length === 0) {
      return {
        scores: new Float32Array(0),
        modelVersion: loaded.version,
        degraded,
        unknownItems: 0,
      };
    }
    const session = await this.timed('session', () => this.readSession(request.userId));
    if (session === 'unavailable') degraded.push('session_store_unavailable');
    // Session replies often land together; their feature sections then run one per loop turn.
    await this.turns.take();
    const t0 = performance.now();
    const state = this.userState(loaded, request.userId, session);
    const context = contextRows(request.surface, request.context, tables);
    let tower: Promise<Float32Array> | undefined;
    if (loaded.userTower !== undefined) {
      const feeds = userTowerFeeds(tables.users.rowOf(request.userId), state.rows, context);
      tower = this.timed('user_tower', () => embedUser(loaded, feeds, options));
      // Awaited below; this only keeps a failure before then from going unhandled.
      tower.catch(() => undefined);
    }
    const candidates = new Int32Array(request.itemIds.length);
    let unknownItems = 0;
    request.itemIds.forEach((id, i) => {
      const row = tables.items.rowOf(id);
      candidates[i] = row;
      if (row === 0) unknownItems++;
    });
    const user = userFeatures(state, tables);
    const width = plan.columns.length;
    const dense = new Float32Array(candidates.length * width);
    writeDense(dense, plan, user, candidates, tables);
    const feeds = rankerFeeds(dense, width, candidates, user, context, tables);
    this.options.onStage?.('features', performance.now() - t0);
    // The user tower ran meanwhile; its score column is the last one filled.
    if (tower !== undefined) fillRetrievalScore(dense, plan, await tower, candidates, tables.items);
    const out = await this.timed('model', () => loaded.ranker.run(feeds, options));
    const scores = out.score ?? Object.values(out)[0];
    if (!(scores?.data instanceof Float32Array) || scores.data.length !== candidates.length) {
      throw new AppError('internal', 'ranker model returned no score per candidate');
    }
    return { scores: scores.data, modelVersion: loaded.version, degraded, unknownItems };
  }

  private userState(loaded: LoadedVersion, userId: string, session: SessionRead): UserState {
    const { users, items, session: spec } = loaded.tables;
    const stored = users.history(userId);
    if (typeof session === 'string')
      return stateFromHistory(stored, users.historyLength, spec.gapMs);
    const rowOf = (id: string) => items.rowOf(id);
    return stateWithSession(stored, session, rowOf, users.historyLength, spec.gapMs);
  }

  /** One round trip to the store, bounded: a slow store counts as a down one. */
  private async readSession(userId: string): Promise<SessionRead> {
    const store = this.options.sessions;
    if (store === undefined) return 'none';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'unavailable'>((resolve) => {
      timer = setTimeout(() => resolve('unavailable'), this.options.sessionTimeoutMs ?? 50);
    });
    const read = store.getSession(userId).catch(() => 'unavailable' as const);
    try {
      return await Promise.race([read, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async timed<T>(stage: RankStage, run: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await run();
    } finally {
      this.options.onStage?.(stage, performance.now() - t);
    }
  }
}

async function embedUser(
  loaded: LoadedVersion,
  feeds: ReturnType<typeof userTowerFeeds>,
  options: RankOptions,
): Promise<Float32Array> {
  const out = await loaded.userTower!.run(feeds, options);
  const emb = out.user_embedding ?? Object.values(out)[0];
  const d = loaded.tables.items.embeddingDim;
  if (!(emb?.data instanceof Float32Array) || emb.data.length !== d) {
    throw new AppError('internal', `user tower returned no ${d}-dim embedding`);
  }
  return emb.data;
}
