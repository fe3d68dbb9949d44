// Support for the ranking integration tests: the service on free ports, a gRPC client,
// and training's reference scores for the same artifacts.
import { execFile } from 'node:child_process';
import { cp, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { loadConfig } from '@recsys/config';
import { ranking } from '@recsys/contracts';
import type { SessionStore } from '@recsys/feature-store';
import { loadRankerSource } from '@recsys/ranker';
import { build, Config, silentLog, type RankingApp } from '@recsys/ranking';
import { REDIS_URL } from './infra.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = join(ROOT, 'training/.venv/bin/python');
const SCRIPT = join(ROOT, 'packages/ranker/test-fixtures/artifacts_reference.py');

/** One request of artifacts_reference.py with training's dense inputs and scores. */
export interface ReferenceRequest {
  user_id: string;
  surface: string;
  device: string;
  hour_of_day: number;
  day_of_week: number;
  item_ids: string[];
  dense: (number | null)[][];
  scores: number[];
}

export async function referenceScores(
  dir: string,
  users: number,
  candidates: number,
): Promise<{ version: string; columns: string[]; requests: ReferenceRequest[] }> {
  const args = [SCRIPT, dir, '--users', String(users), '--candidates', String(candidates)];
  const { stdout } = await run(PYTHON, args, { timeout: 120_000, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as Awaited<ReturnType<typeof referenceScores>>;
}

export function wireRequest(r: ReferenceRequest): ranking.RankRequest {
  return {
    userId: r.user_id,
    surface: r.surface,
    context: {
      device: r.device,
      locale: '',
      region: '',
      hourOfDay: r.hour_of_day,
      dayOfWeek: r.day_of_week,
      preferredCategories: [],
    },
    itemIds: r.item_ids,
  };
}

export interface Running {
  app: RankingApp;
  client: ranking.RankingServiceClient;
  rank(request: ranking.RankRequest, deadlineMs?: number): Promise<ranking.RankResponse>;
  metricsUrl(path: string): string;
  stop(): Promise<void>;
}

/** The ranking service as main.ts builds it, on free ports, against `artifacts`. */
export async function startRanking(
  artifacts: string,
  env: Record<string, string> = {},
  sessions?: SessionStore,
): Promise<Running> {
  const config = loadConfig(Config, {
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    ARTIFACTS_DIR: artifacts,
    ARTIFACTS_POLL_MS: '0',
    REDIS_URL,
    WORKERS: '1',
    ...env,
  });
  const app = build(config, { loadSource: loadRankerSource, log: silentLog, sessions });
  await app.start();
  const client = new ranking.RankingServiceClient(
    `127.0.0.1:${app.ports().grpc}`,
    credentials.createInsecure(),
  );
  return {
    app,
    client,
    rank: (request, deadlineMs = 10_000) =>
      new Promise((resolve, reject) =>
        client.rank(request, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) =>
          err ? reject(err) : resolve(res),
        ),
      ),
    metricsUrl: (path) => `http://127.0.0.1:${app.ports().metrics}${path}`,
    stop: async () => {
      await app.stop();
      client.close();
    },
  };
}

/**
 * Publishes a copy of a trained folder as `root/name` with its manifest's version renamed,
 * written beside it first and renamed into place, as a trainer publishes a version.
 */
export async function copyVersion(from: string, root: string, name: string): Promise<string> {
  const staging = join(root, `.staging-${name}`);
  await cp(from, staging, { recursive: true });
  const manifest = JSON.parse(await readFile(join(staging, 'manifest.json'), 'utf8')) as {
    version: string;
  };
  manifest.version = `${manifest.version}-${name}`;
  await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest));
  await rename(staging, join(root, name));
  return manifest.version;
}
