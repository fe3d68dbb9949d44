import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, loadConfig } from './index.js';

const Schema = z.object({
  PORT: env.port(8080),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  SOURCES: env.list(['ann', 'popular']),
  VERBOSE: env.bool(false),
});

describe('loadConfig', () => {
  it('applies defaults and coerces strings', () => {
    expect(loadConfig(Schema, { PORT: '9000', SOURCES: 'ann, fresh', VERBOSE: '1' })).toEqual({
      PORT: 9000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      SOURCES: ['ann', 'fresh'],
      VERBOSE: true,
    });
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig(Schema, { PORT: 'x', REDIS_URL: 'nope' })).toThrow(ConfigError);
    try {
      loadConfig(Schema, { PORT: '70000', REDIS_URL: 'nope' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/REDIS_URL/);
    }
  });
});
