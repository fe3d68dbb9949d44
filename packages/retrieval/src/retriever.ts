import { LoopTurns, type Live } from '@recsys/artifacts';
import { AppError, toAppError } from '@recsys/errors';
import type { Session, SessionStore } from '@recsys/feature-store';
import { withDeadline } from './deadline.js';
import { mergeSources, type SourceList } from './merge.js';
import type { RetrievalState } from './retrieval-state.js';
import type { CandidateSource, RetrievalRequest, SourceContext } from './source.js';
import { COLD_START, type SourceSpec, type SurfaceMixes } from './source-mix.js';
import { createSources } from './sources/index.js';
import { requestScope, seedRowOf } from './request-scope.js';

export interface RetrievedCandidate {
  itemId: string;
  score: number;
  sources: string[];
  /** External id of the item that led an item-to-item source here; "" when none. */
  viaItemId: string;
  /** Training interactions of the item; 0 for one added since training. */
  interactions: number;
}

export interface RetrievalResponse {
  candidates: RetrievedCandidate[];
  sourceCounts: Record<string, number>;
  modelVersion: string;
  /** Fallbacks taken, e.g. "session_store_unavailable", "ann_timeout". */
  degraded: string[];
}

/** Where time went and what each source did, for metrics. */
export interface RetrieverHooks {
  stage?(stage: string, ms: number): void;
  source?(source: string, outcome: 'ok' | 'timeout' | 'failed', count: number, ms: number): void;
}

export interface RetrieverOptions {
  /** The served artifacts version (VersionWatcher.live). */
  live: Live<RetrievalState>;
  /** Live session features; undefined serves from training data alone. */
  sessions: SessionStore | undefined;
  mixes: SurfaceMixes;
  sessionDeadlineMs: number;
  sourceDeadlineMs: number;
  /** Defaults to every built-in source (createSources()). */
  sources?: ReadonlyMap<string, CandidateSource>;
  hooks?: RetrieverHooks;
}

/** Throws, naming the surface and the source, when a mix names a source that does not exist. */
export function checkMixes(
  mixes: SurfaceMixes,
  sources: ReadonlyMap<string, CandidateSource>,
): void {
  for (const [surface, mix] of Object.entries(mixes)) {
    for (const spec of mix) {
      if (!sources.has(spec.name)) {
        throw new Error(`surface ${surface}: candidate source "${spec.name}" does not exist`);
      }
    }
  }
}

/**
 * Candidate generation, top to bottom: lease the current version, read the session, run the
 * surface's sources in parallel (each under its own deadline), merge without the user's seen
 * items, map rows to ids. A source or the session store failing costs its candidates and a
 * `degraded` entry, never the request; bad input (unknown surface or seed) is an error.
 */
export class Retriever {
  private readonly sources: ReadonlyMap<string, CandidateSource>;
  /** Sources' synchronous parts and the merge take turns with other requests' (LoopTurns). */
  private readonly turns = new LoopTurns();

  constructor(private readonly options: RetrieverOptions) {
    this.sources = options.sources ?? createSources();
    checkMixes(options.mixes, this.sources);
  }

  get surfaces(): string[] {
    return Object.keys(this.options.mixes).filter((s) => s !== COLD_START);
  }

  async generate(request: RetrievalRequest, signal?: AbortSignal): Promise<RetrievalResponse> {
    const mix = this.options.mixes[request.surface];
    if (request.surface === COLD_START || mix === undefined) {
      throw new AppError(
        'invalid_argument',
        `surface: unknown surface "${request.surface}"; configured: ${this.surfaces.join(', ')}`,
      );
    }
    const lease = this.options.live.acquire();
    try {
      return await this.run(request, mix, lease.value, signal);
    } finally {
      lease.release();
    }
  }

  private async run(
    request: RetrievalRequest,
    surfaceMix: readonly SourceSpec[],
    state: RetrievalState,
    signal: AbortSignal | undefined,
  ): Promise<RetrievalResponse> {
    const seedRow = seedRowOf(state, request, surfaceMix);
    const degraded: string[] = [];
    const session = await this.timed('session', () => this.session(request.userId, signal)).catch(
      () => {
        degraded.push('session_store_unavailable');
        return undefined;
      },
    );
    const scope = requestScope(state, request, session, seedRow);
    const cold = this.options.mixes[COLD_START];
    const mix = scope.user.cold && request.surface === 'home' && cold ? cold : surfaceMix;

    // Session replies often land together: each request's sources start in a turn of its own.
    await this.turns.take();
    const started = performance.now();
    const notes = mix.map((): string[] => []);
    const outcomes = await Promise.all(
      mix.map((spec, i) => this.runSource(spec, scope, signal, notes[i] ?? [])),
    );
    this.options.hooks?.stage?.('sources', performance.now() - started);
    // In mix order, whichever finished first, so the same failure always reads the same. A
    // source's own fallbacks count only if it answered in time.
    outcomes.forEach((outcome, i) => {
      if (typeof outcome === 'string') degraded.push(outcome);
      else degraded.push(...(notes[i] ?? []));
    });

    const answered = outcomes.filter((o): o is SourceList => typeof o !== 'string');
    await this.turns.take();
    // Sources skip the recent history; the merge then drops every other item the user touched in
    // training, as training's candidate generation does (served = offline, item for item).
    const merged = mergeSources(answered, request.limit, scope.dropped);
    const { items } = state;
    return {
      candidates: merged.candidates.map((c) => ({
        itemId: items.idOf(c.row) ?? '',
        score: c.score,
        sources: c.sources,
        viaItemId: c.viaRow > 0 ? (items.idOf(c.viaRow) ?? '') : '',
        interactions: state.itemCounts[c.row] ?? 0,
      })),
      sourceCounts: merged.sourceCounts,
      modelVersion: state.version,
      degraded,
    };
  }

  /** One source under its deadline: its list, or the name of the fallback taken. */
  private async runSource(
    spec: SourceSpec,
    scope: Omit<SourceContext, 'signal'>,
    signal: AbortSignal | undefined,
    notes: string[],
  ): Promise<SourceList | string> {
    const source = this.sources.get(spec.name) as CandidateSource;
    const t0 = performance.now();
    try {
      const candidates = await withDeadline(
        `source ${spec.name}`,
        this.options.sourceDeadlineMs,
        signal,
        (sourceSignal) =>
          source.run(
            { ...scope, signal: sourceSignal, degrade: (reason) => notes.push(reason) },
            spec.count,
          ),
      );
      this.options.hooks?.source?.(spec.name, 'ok', candidates.length, performance.now() - t0);
      return { source: spec.name, quota: spec.count, candidates };
    } catch (err) {
      const timeout = toAppError(err).code === 'deadline_exceeded';
      this.options.hooks?.source?.(
        spec.name,
        timeout ? 'timeout' : 'failed',
        0,
        performance.now() - t0,
      );
      return `${spec.name}_${timeout ? 'timeout' : 'unavailable'}`;
    }
  }

  private session(userId: string, signal: AbortSignal | undefined): Promise<Session | undefined> {
    const store = this.options.sessions;
    if (store === undefined) return Promise.resolve(undefined);
    return withDeadline('session store', this.options.sessionDeadlineMs, signal, () =>
      store.getSession(userId),
    );
  }

  private async timed<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.options.hooks?.stage?.(stage, performance.now() - t0);
    }
  }
}
