import { loadArtifacts, VersionWatcher, type WatchEvent } from '@recsys/artifacts';
import type { SessionStore } from '@recsys/feature-store';
import type { LiveCatalog } from '@recsys/live-catalog';
import { closeRetrievalState, openRetrievalState, type OpenStateOptions } from './open-state.js';
import type { RetrievalState } from './retrieval-state.js';
import { checkMixes, Retriever, type RetrieverHooks } from './retriever.js';
import type { SurfaceMixes } from './source-mix.js';
import { createSources, type SourceOptions } from './sources/index.js';

export interface StartRetrievalOptions {
  /** An artifacts root (see @recsys/artifacts resolveVersion). */
  artifactsDir: string;
  /** How often to look for a new version; 0 loads once. */
  pollMs: number;
  /** A retired version closes once its requests finish, or after this long at most. */
  drainMs?: number;
  /** Check files against the manifest's sha256 at load. */
  verify?: boolean;
  state: OpenStateOptions;
  sessions: SessionStore | undefined;
  mixes: SurfaceMixes;
  sources?: SourceOptions;
  sessionDeadlineMs: number;
  sourceDeadlineMs: number;
  hooks?: RetrieverHooks;
  onEvent?: (event: WatchEvent) => void;
  /**
   * Catalog changes since training (followItemUpdates feeds it): every version takes them
   * before it is published, and again after, for what arrived while it loaded.
   */
  catalog?: LiveCatalog<RetrievalState>;
}

export interface RunningRetrieval {
  retriever: Retriever;
  /** The served versions: `watcher.live.peek()` for lookups, `watcher.check()` to reload now. */
  watcher: VersionWatcher<RetrievalState>;
  close(): Promise<void>;
}

/**
 * Candidate generation over an artifacts root, ready to serve: the mixes are checked against
 * the sources first (a bad name stops here, before anything loads), then the current version
 * is loaded in full (tables, ANN index, user tower) and watched for newer ones. The candidates
 * service and the gateway's all-in-one mode both start retrieval through this one function.
 */
export async function startRetrieval(options: StartRetrievalOptions): Promise<RunningRetrieval> {
  const sources = createSources(options.sources);
  checkMixes(options.mixes, sources);
  const { catalog } = options;
  // Catch up a just-published version on what arrived while it loaded (the first load's
  // catch-up runs below: the watcher does not exist yet when it reports).
  const started: { watcher?: VersionWatcher<RetrievalState> } = {};
  const catchUp = (state: RetrievalState | undefined) => {
    if (catalog && state) void catalog.sync(state).catch(() => undefined);
  };
  const watcher = await VersionWatcher.start<RetrievalState>({
    root: options.artifactsDir,
    pollMs: options.pollMs,
    ...(options.drainMs === undefined ? {} : { drainTimeoutMs: options.drainMs }),
    onEvent: (event) => {
      options.onEvent?.(event);
      if (event.kind === 'loaded') catchUp(started.watcher?.live.peek());
    },
    load: async ({ dir }) => {
      const artifacts = await loadArtifacts(dir, { verify: options.verify ?? false });
      const state = await openRetrievalState(artifacts, options.state);
      try {
        await catalog?.sync(state);
      } catch (err) {
        await closeRetrievalState(state);
        throw err;
      }
      return { version: state.version, value: state };
    },
    close: closeRetrievalState,
  });
  started.watcher = watcher;
  catchUp(watcher.live.peek());
  const retriever = new Retriever({
    live: watcher.live,
    sessions: options.sessions,
    mixes: options.mixes,
    sources,
    sessionDeadlineMs: options.sessionDeadlineMs,
    sourceDeadlineMs: options.sourceDeadlineMs,
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
  });
  return { retriever, watcher, close: () => watcher.close() };
}
