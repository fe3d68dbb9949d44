import { ConfigError, loadConfig } from '@recsys/config';
import { describe, expect, it } from 'vitest';
import { GatewayConfig } from './config.js';

describe('ingestion configuration', () => {
  it('boots without keys (ingestion then answers 401) and with the local defaults', () => {
    const config = loadConfig(GatewayConfig, {});
    expect(config).toMatchObject({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      USER_EVENTS_TOPIC: 'user-events',
      CATALOG_EVENTS_TOPIC: 'catalog-events',
    });
    expect(config.RECSYS_API_KEY).toBeUndefined();
    const keyed = loadConfig(GatewayConfig, {
      RECSYS_API_KEY: 'local-events-key',
      RECSYS_ADMIN_KEY: 'local-admin-key',
      RECSYS_DEMO_UI_KEY: 'local-demo-key',
    });
    expect(keyed.RECSYS_ADMIN_KEY).toBe('local-admin-key');
  });

  it('refuses to boot with a weak key or a demo key equal to a real one', () => {
    const bad = [
      { RECSYS_API_KEY: 'short' },
      { RECSYS_ADMIN_KEY: 'has spaces in it' },
      { RECSYS_API_KEY: 'same-key-for-both', RECSYS_DEMO_UI_KEY: 'same-key-for-both' },
      { KAFKA_BROKERS: 'no-port' },
    ];
    for (const env of bad) {
      expect(() => loadConfig(GatewayConfig, env)).toThrow(ConfigError);
      try {
        loadConfig(GatewayConfig, env);
      } catch (err) {
        const named = Object.keys(env).some((k) => (err as Error).message.includes(k));
        expect(named).toBe(true);
      }
    }
  });
});
