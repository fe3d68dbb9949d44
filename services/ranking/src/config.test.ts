import { ConfigError, loadConfig } from '@recsys/config';
import { describe, expect, it } from 'vitest';
import { Config } from './config.js';

describe('ranking Config', () => {
  it('has working defaults: gRPC on 50052, metrics on 9102, one ONNX worker', () => {
    expect(loadConfig(Config, {})).toMatchObject({
      PORT: 50052,
      METRICS_PORT: 9102,
      ARTIFACTS_DIR: 'artifacts/latest',
      REDIS_URL: 'redis://127.0.0.1:6379',
      WORKERS: 1,
      INTRA_OP_THREADS: 1,
    });
  });

  it('reads the environment as numbers and names every bad variable', () => {
    const env = { WORKERS: '4', INTRA_OP_THREADS: '2', ARTIFACTS_DIR: '/srv/artifacts' };
    expect(loadConfig(Config, env)).toMatchObject({ WORKERS: 4, INTRA_OP_THREADS: 2 });
    const bad = () => loadConfig(Config, { WORKERS: '0', REDIS_URL: 'not a url', PORT: '70000' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/WORKERS[\s\S]*REDIS_URL|REDIS_URL[\s\S]*WORKERS/);
    expect(bad).toThrow(/PORT/);
  });
});
