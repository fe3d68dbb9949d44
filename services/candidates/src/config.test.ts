import { ConfigError, loadConfig } from '@recsys/config';
import { describe, expect, it } from 'vitest';
import { CandidatesConfig, mixesOf } from './config.js';

describe('CandidatesConfig', () => {
  it('parses defaults and the shipped source mixes', () => {
    const config = loadConfig(CandidatesConfig, { ARTIFACTS_DIR: '/a' });
    expect(config.PORT).toBe(50051);
    expect(config.METRICS_PORT).toBe(9101);
    expect(mixesOf(config).home?.map((s) => s.name)).toEqual([
      'ann',
      'session_i2i',
      'popular',
      'fresh',
    ]);
  });

  it('stops at boot on an unknown source name, naming the variable and the source', () => {
    const load = () =>
      loadConfig(CandidatesConfig, { ARTIFACTS_DIR: '/a', SOURCES_HOME: 'ann:100,trending:50' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/SOURCES_HOME: unknown candidate source "trending"/);
  });

  it('checks the artifacts folder and numbers', () => {
    expect(loadConfig(CandidatesConfig, {}).ARTIFACTS_DIR).toBe('artifacts/latest');
    expect(() => loadConfig(CandidatesConfig, { ARTIFACTS_DIR: '' })).toThrow(/ARTIFACTS_DIR/);
    expect(() => loadConfig(CandidatesConfig, { ARTIFACTS_DIR: '/a', NPROBE: '0' })).toThrow(
      /NPROBE/,
    );
    const custom = loadConfig(CandidatesConfig, {
      ARTIFACTS_DIR: '/a',
      SOURCES_SEARCH: 'search:200,popular:10',
      NPROBE: '32',
    });
    expect(custom.NPROBE).toBe(32);
    expect(mixesOf(custom).search).toEqual([
      { name: 'search', count: 200 },
      { name: 'popular', count: 10 },
    ]);
  });
});
