import { Metadata, credentials } from '@grpc/grpc-js';
import { loadArtifacts, type Artifacts } from '@recsys/artifacts';
import { tinyArtifacts } from '@recsys/artifacts/testing';
import { CandidatesConfig, buildCandidates, type CandidatesApp } from '@recsys/candidates';
import { loadConfig } from '@recsys/config';
import { candidates } from '@recsys/contracts';
import { RedisPopularityStore, RedisSessionStore } from '@recsys/feature-store';
import { startGrpcServer, type RunningGrpcServer } from '@recsys/grpc';
import { KafkaBus } from '@recsys/kafka';
import { Config, build, type StreamProcessor } from '@recsys/stream-processor';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_KEYS, clientEvent, ingestGateway } from './ingest-gateway.js';
import {
  KAFKA_BROKERS,
  REDIS_URL,
  connectRedis,
  createTopics,
  deleteKeys,
  kafka,
  uniqueName,
  until,
} from './infra.js';

// Live popularity end to end: clicks posted to the gateway reach Kafka, the stream processor
// counts them in Redis, and the candidates service's `popular` source ranks by those counters.
const base = uniqueName('live-popular');
const prefix = `${base}:`;
const topic = `${base}.user-events`;
const quiet = {
  info: () => {},
  warn: () => {},
  error: (msg: string, fields?: object) => console.error(msg, fields),
};

let artifacts: Artifacts;
let redis: Redis;
let admin: Admin;
let processor: StreamProcessor;
let app: CandidatesApp;
let server: RunningGrpcServer;
let client: candidates.CandidateServiceClient;

beforeAll(async () => {
  const tiny = await tinyArtifacts();
  artifacts = await loadArtifacts(tiny);
  redis = await connectRedis();
  admin = kafka('live-popular-admin').admin();
  await admin.connect();
  await createTopics(admin, { [topic]: 2, [`${topic}.dlq`]: 1 });

  const { items } = artifacts;
  processor = build(
    loadConfig(Config, {
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      USER_EVENTS_TOPIC: topic,
      USER_EVENTS_DLQ_TOPIC: `${topic}.dlq`,
      USER_EVENTS_GROUP: `${base}.sp`,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      PROGRESS_LOG_MS: '0',
    }),
    {
      itemCategories: (id) => {
        const row = items.rowOf(id);
        return row === undefined ? undefined : items.categories(row);
      },
      log: quiet,
    },
  );
  await processor.start();

  const config = loadConfig(CandidatesConfig, {
    ARTIFACTS_DIR: tiny,
    ARTIFACTS_POLL_MS: '0',
    REDIS_KEY_PREFIX: prefix,
    ITEM_UPDATES_TOPIC: '',
    SOURCES_HOME: 'popular:10',
    SOURCES_COLD_START: 'popular:10',
    // Generous: this checks behaviour on a shared 2-core machine, not latency.
    SESSION_DEADLINE_MS: '1000',
    SOURCE_DEADLINE_MS: '5000',
    POPULAR_LIVE_WAIT_MS: '2000',
    POPULAR_LIVE_REFRESH_MS: '200',
  });
  app = await buildCandidates(config, {
    sessions: new RedisSessionStore({ redis, keyPrefix: prefix }),
    popularity: new RedisPopularityStore({ redis, keyPrefix: prefix }),
    log: quiet,
  });
  server = await startGrpcServer({ port: 0, host: '127.0.0.1', services: [app.service] });
  client = new candidates.CandidateServiceClient(
    `127.0.0.1:${server.port}`,
    credentials.createInsecure(),
  );
}, 900_000); // the first run of a clean checkout trains the tiny artifacts

afterAll(async () => {
  client?.close();
  await server?.shutdown(1000);
  await app?.close();
  await processor?.stop();
  await admin?.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
  await admin?.deleteGroups([`${base}.sp`]).catch(() => undefined);
  await admin?.disconnect();
  await deleteKeys(redis, prefix);
  await redis?.quit();
});

function popular(userId: string): Promise<candidates.GenerateResponse> {
  const request = candidates.GenerateRequest.fromPartial({ userId, surface: 'home', limit: 10 });
  return new Promise((resolve, reject) =>
    client.generate(request, new Metadata(), { deadline: Date.now() + 10_000 }, (err, res) =>
      err ? reject(err) : resolve(res),
    ),
  );
}

const ids = (res: candidates.GenerateResponse) => res.candidates.map((c) => c.itemId);

describe('popular candidates from live counters (gateway -> Kafka -> stream processor -> Redis)', () => {
  it('serves a trained-unpopular item first once people click it', async () => {
    const before = await popular('live-pop-viewer');
    expect(before.degraded).toEqual([]);
    expect(ids(before)).toHaveLength(10);
    // The trained ranking while nothing was clicked: the export's global list.
    const global = artifacts.popularity.get({ kind: 'global' })!;
    const trainedTop = Array.from(global.rows.subarray(0, 10), (r) => artifacts.items.idOf(r));
    expect(ids(before)).toEqual(trainedTop);
    // The least popular item training knows, far outside the top 10.
    const target = artifacts.items.idOf(global.rows[global.rows.length - 1]!)!;
    expect(ids(before)).not.toContain(target);

    const bus = new KafkaBus({ brokers: KAFKA_BROKERS, clientId: `${base}-ingest` });
    const gateway = ingestGateway(bus, { userEvents: topic, catalogEvents: `${base}.unused` });
    try {
      const res = await gateway.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'x-api-key': INGEST_KEYS.events },
        payload: {
          events: Array.from({ length: 5 }, (_, n) =>
            clientEvent(n, { user_id: `clicker-${n}`, item_id: target, type: 'click' }),
          ),
        },
      });
      expect(res.json()).toMatchObject({ accepted: 5, rejected: 0 });
    } finally {
      await gateway.close();
      await bus.close();
    }

    await until('the clicked item to lead popular', async () => {
      const after = await popular('live-pop-viewer');
      return ids(after)[0] === target;
    });
    const after = await popular('live-pop-viewer');
    expect(after.degraded).toEqual([]);
    expect(after.sourceCounts).toEqual({ popular: 10 });
    // The rest is still the trained ranking, shifted down by the one live item.
    expect(ids(after)).toEqual([target, ...trainedTop.slice(0, 9)]);
  });
});
