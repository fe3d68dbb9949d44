import { createServer } from 'node:net';

/** The services of fleet mode, in the order `make up` starts them; the gateway last. */
export const FLEET = ['stream-processor', 'candidates', 'ranking', 'gateway'] as const;
export type Service = (typeof FLEET)[number];

/** Settings for a fleet started by a test or a benchmark: no polling, no drain, quiet logs. */
export const SERVING_DEFAULTS: Readonly<Record<string, string>> = {
  ARTIFACTS_POLL_MS: '0',
  DRAIN_DELAY_MS: '0',
  PROGRESS_LOG_MS: '0',
  LOG_LEVEL: 'warn',
};

export interface FleetPorts {
  /** The gateway's base URL. */
  url: string;
  /** Per service, the environment that puts it on its ports and points the gateway at the stages. */
  env: Record<Service, Record<string, string>>;
  /** Per service, the URL of its /readyz (its /metrics sits beside it). */
  ready: Record<Service, string>;
}

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Free ports for every service of one fleet on 127.0.0.1. */
export async function fleetPorts(): Promise<FleetPorts> {
  const [candidates, candidatesHealth, ranking, rankingHealth, processorHealth, gateway] =
    await Promise.all(Array.from({ length: 6 }, freePort));
  const at = (port: number | undefined) => `http://127.0.0.1:${port}/readyz`;
  return {
    url: `http://127.0.0.1:${gateway}`,
    env: {
      candidates: { PORT: `${candidates}`, METRICS_PORT: `${candidatesHealth}` },
      ranking: { PORT: `${ranking}`, METRICS_PORT: `${rankingHealth}` },
      'stream-processor': { METRICS_PORT: `${processorHealth}` },
      gateway: {
        PORT: `${gateway}`,
        HOST: '127.0.0.1',
        CANDIDATES_ADDR: `127.0.0.1:${candidates}`,
        RANKING_ADDR: `127.0.0.1:${ranking}`,
      },
    },
    ready: {
      candidates: at(candidatesHealth),
      ranking: at(rankingHealth),
      'stream-processor': at(processorHealth),
      gateway: at(gateway),
    },
  };
}
