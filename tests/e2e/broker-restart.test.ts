import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tinyArtifacts } from '@recsys/artifacts/testing';
import { RedisSessionStore } from '@recsys/feature-store';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KAFKA_BROKERS,
  connectRedis,
  consumerLag,
  deleteKeys,
  kafka,
  until,
} from '../integration/infra.js';
import { ROOT, startFleet, type Fleet } from './fleet.js';
import { ClickSender } from './click-sender.js';

// The broker that deploy/local/kafka.sh started is stopped and started again under a running
// gateway and stream processor: 503 with Retry-After while it is down (promptly, never a hang),
// and afterwards every batch the client got a 202 for is in Redis exactly once.
const run = promisify(execFile);
const KAFKA_PORT = KAFKA_BROKERS[0]!.split(':')[1]!;
const PUBLISH_TIMEOUT_MS = 3_000;
const USERS = 4;

let fleet: Fleet;
let redis: Redis;
let admin: Admin;
let brokerDown = false;

/** kafka.sh on the broker the tests use; it only ever signals a broker it started itself. */
async function kafkaSh(command: 'start' | 'stop' | 'status'): Promise<string> {
  const { stdout, stderr } = await run('bash', [join(ROOT, 'deploy/local/kafka.sh'), command], {
    env: { ...process.env, KAFKA_PORT },
    timeout: 180_000,
  });
  return stdout + stderr;
}

/** Keys under a prefix, by SCAN (never KEYS on a shared Redis). */
async function countKeys(prefix: string): Promise<number> {
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
    count += keys.length;
    cursor = next;
  } while (cursor !== '0');
  return count;
}

beforeAll(async () => {
  const status = await kafkaSh('status').catch((err: Error) => err.message);
  if (!status.includes('kafka: running')) {
    throw new Error(
      `this test restarts the broker of deploy/local/kafka.sh on port ${KAFKA_PORT}: ${status}`,
    );
  }
  redis = await connectRedis();
  fleet = await startFleet({
    artifacts: await tinyArtifacts(),
    services: ['stream-processor', 'gateway'],
    env: {
      gateway: { INGEST_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS) },
      'stream-processor': { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '500' },
    },
  });
  admin = kafka('broker-restart-admin').admin();
}, 300_000);

afterAll(async () => {
  // Whatever failed, the broker is left running for the tests after this one.
  if (brokerDown) await kafkaSh('start');
  await fleet?.close();
  await admin?.disconnect().catch(() => undefined);
  if (fleet) await deleteKeys(redis, fleet.prefix);
  await redis?.quit();
}, 300_000);

describe('the broker stopped and started under a running fleet', () => {
  it('answers 503 with Retry-After while it is down and loses nothing it accepted', async () => {
    const users = Array.from({ length: USERS }, (_, u) => `bk-${Date.now().toString(36)}-${u}`);
    const sender = new ClickSender(fleet.url, fleet.apiKey, users);
    const store = new RedisSessionStore({ redis, keyPrefix: fleet.prefix });
    const applied = async () => {
      // Nothing restarts a process in fleet mode: the processor itself must ride out the outage.
      const exit = /.*"msg":"stopping".*/.exec(fleet.log('stream-processor'));
      if (exit) {
        const died = fleet.log('stream-processor').match(/.*consumer died.*/g) ?? [];
        throw new Error(`stream-processor exited: ${exit[0]}\n${died.join('\n').slice(0, 2_000)}`);
      }
      const sessions = await Promise.all(users.map((u) => store.getSession(u)));
      return sessions.reduce((sum, s) => sum + s.eventCount, 0);
    };
    const sending = sender.run();
    try {
      // Up: accepted, and the stream processor applies it.
      await until('batches accepted', () => sender.acceptedBatches >= 3, 30_000);
      const acceptedBefore = sender.acceptedEvents;
      await until('events applied', async () => (await applied()) >= acceptedBefore, 30_000);

      brokerDown = true;
      await kafkaSh('stop');
      const stoppedAt = Date.now();
      await until('503s while the broker is down', () => sender.refusedSince(stoppedAt) >= 2);
      const refusals = sender.refusals.filter((r) => r.at >= stoppedAt);
      for (const r of refusals) {
        expect(r.retryAfter).toBe('1');
        expect(r.code).toBe('unavailable');
        // The publish deadline bounds the answer; the slack covers a busy 2-core machine.
        expect(r.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + 5_000);
      }

      await kafkaSh('start');
      brokerDown = false;
      const restartedAt = Date.now();
      await until('202s again', () => sender.acceptedSince(restartedAt) >= 3, 90_000);
    } finally {
      sender.stop();
      await sending;
    }

    // Every batch ended with a 202 (503s were retried as the same batch), nothing else.
    expect(sender.unexpected).toEqual([]);
    expect(sender.pendingEvents).toBe(0);
    const want = sender.acceptedPerUser();
    await until(
      'every accepted event applied',
      async () => (await applied()) >= sender.acceptedEvents,
      90_000,
    );
    await admin.connect();
    // startFleet names its topic and group after the run id its key prefix carries.
    const topic = `${fleet.prefix.slice(0, -1)}-user-events`;
    const group = `${fleet.prefix.slice(0, -1)}-group`;
    await until('group caught up', async () => (await consumerLag(admin, group, topic)) === 0);
    for (const user of users) {
      const session = await store.getSession(user);
      expect({ user, events: session.eventCount }).toEqual({ user, events: want.get(user) ?? 0 });
    }
    // One idempotency mark per accepted event: a retried batch was not applied twice.
    let marks = 0;
    for (const user of users) marks += await countKeys(`${fleet.prefix}u:{${user}}:evt:`);
    expect(marks).toBe(sender.acceptedEvents);
    const slowest = Math.max(...sender.refusals.map((r) => r.ms));
    console.info(
      `broker restart: ${sender.acceptedEvents} events accepted in ${sender.acceptedBatches} ` +
        `batches, ${sender.refusals.length} refusals (503, slowest ${slowest} ms), all applied once`,
    );
  });
});
