import { randomBytes } from 'node:crypto';
import { loadConfig } from '@recsys/config';
import { AllInOneConfig } from './all-in-one-config.js';
import { startAllInOne } from './all-in-one-app.js';
import { GatewayConfig } from './config.js';

// The all-in-one entry (`make demo`): every service in this one process, nothing else to run.
// Keys left unset are generated, so the page at / can send clicks and the printed curl works.
const environment: Record<string, string | undefined> = { ...process.env };
const generated: string[] = [];
for (const key of ['RECSYS_API_KEY', 'RECSYS_DEMO_UI_KEY', 'RECSYS_ADMIN_KEY'] as const) {
  if (environment[key] === undefined || environment[key] === '') {
    environment[key] = randomBytes(18).toString('base64url');
    generated.push(key);
  }
}

let gateway: GatewayConfig;
let config: AllInOneConfig;
try {
  gateway = loadConfig(GatewayConfig, environment);
  config = loadConfig(AllInOneConfig, environment);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

let started: Awaited<ReturnType<typeof startAllInOne>>;
try {
  started = await startAllInOne(gateway, config);
} catch (err) {
  console.error(`all-in-one: cannot start from ${config.ARTIFACTS_DIR}:`, err);
  process.exit(1);
}
const { app } = started;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'stopping');
  await app.close();
  await started.close();
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  });
}

await app.listen({ port: gateway.PORT, host: gateway.HOST });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : gateway.PORT;
const base = `http://${config.PUBLIC_HOST}:${port}`;
const user = started.sampleUser() ?? 'u1';
const lines = [
  '',
  `recsys all-in-one: artifacts ${config.ARTIFACTS_DIR} (version ${started.version() ?? '?'})`,
  ...generated.map((key) => `  ${key} (generated for this run): ${environment[key]}`),
  `  open ${base}/`,
  `  curl '${base}/v1/feed?user_id=${user}&surface=home&n=10'`,
  `  curl -X POST ${base}/v1/events -H 'x-api-key: ${environment.RECSYS_API_KEY}' \\`,
  `    -H 'content-type: application/json' -d '{"events":[{"event_id":"e1","user_id":"${user}",` +
    `"item_id":"<an item_id from the feed>","type":"click","timestamp":${Date.now()}}]}'`,
  `  curl -X POST ${base}/v1/items -H 'x-api-key: ${environment.RECSYS_ADMIN_KEY}' \\`,
  `    -H 'content-type: application/json' -d '{"items":[{"item_id":"new-1","op":"upsert",` +
    `"title":"A brand new title","categories":["Drama"]}]}'`,
  `  curl '${base}/v1/feed?user_id=${user}&surface=more_like_this&item_id=new-1&n=10'`,
  '',
];
console.log(lines.join('\n'));
