import { ConfigError, loadConfig } from '@recsys/config';
import { describe, expect, it } from 'vitest';
import { Config } from './config.js';

describe('stream-processor config', () => {
  it('runs with no environment at all, against the local infrastructure', () => {
    const config = loadConfig(Config, {});
    expect(config).toMatchObject({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_LOG_LEVEL: 'error',
      USER_EVENTS_TOPIC: 'user-events',
      USER_EVENTS_DLQ_TOPIC: 'user-events.dlq',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SESSION_GAP_S: 1_800,
    });
  });

  it('parses lists and numbers from strings', () => {
    const config = loadConfig(Config, {
      KAFKA_BROKERS: 'k1:9092, k2:9093',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_LOG_LEVEL: 'warn',
    });
    expect(config.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9093']);
    expect(config.KAFKA_SESSION_TIMEOUT_MS).toBe(6_000);
  });

  it('names every bad variable', () => {
    const bad = {
      KAFKA_BROKERS: 'no-port',
      KAFKA_LOG_LEVEL: 'loud',
      KAFKA_SESSION_TIMEOUT_MS: '100',
      USER_EVENTS_TOPIC: 'has space',
      REDIS_URL: 'nope',
    };
    expect(() => loadConfig(Config, bad)).toThrow(ConfigError);
    try {
      loadConfig(Config, bad);
    } catch (err) {
      for (const name of Object.keys(bad)) expect((err as Error).message).toContain(name);
    }
  });
});
