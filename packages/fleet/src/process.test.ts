import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fleetPorts, freePort } from './ports.js';
import { spawnLogged, stopped, waitReady } from './process.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A child process running `source`, its output in dir/<name>.log. */
function child(name: string, source: string, env: Record<string, string> = {}) {
  const entry = join(dir, `${name}.mjs`);
  writeFileSync(entry, source);
  const log = join(dir, `${name}.log`);
  return { log, proc: spawnLogged({ entry, cwd: dir, env: { ...process.env, ...env }, log }) };
}

describe('service processes', () => {
  it('waits until /readyz answers 200', async () => {
    const port = await freePort();
    const { proc, log } = child(
      'server',
      `import { createServer } from 'node:http';
       let ready = false;
       setTimeout(() => { ready = true; }, 300);
       createServer((_, res) => { res.statusCode = ready ? 200 : 503; res.end(); })
         .listen(Number(process.env.PORT), '127.0.0.1');`,
      { PORT: `${port}` },
    );
    const started = Date.now();
    await waitReady(`http://127.0.0.1:${port}/readyz`, proc, {
      name: 'server',
      log,
      timeoutMs: 10_000,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await stopped(proc, 5_000);
    expect(proc.signalCode).toBe('SIGTERM');
  });

  it('fails with the log when the process exits before it is ready', async () => {
    const { proc, log } = child('crash', `console.error('no artifacts here'); process.exit(3);`);
    await expect(
      waitReady(`http://127.0.0.1:${await freePort()}/readyz`, proc, {
        name: 'crash',
        log,
        timeoutMs: 10_000,
      }),
    ).rejects.toThrow(/crash exited \(3\):\nno artifacts here/);
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const { proc, log } = child(
      'stubborn',
      `process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);`,
    );
    // Only once the handler is in place does SIGTERM go unanswered.
    while (!readFileSync(log, 'utf8').includes('up')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await stopped(proc, 200);
    expect(proc.signalCode).toBe('SIGKILL');
  });

  it('gives each service of a fleet its own ports', async () => {
    const ports = await fleetPorts();
    const urls = Object.values(ports.ready);
    expect(new Set(urls).size).toBe(4);
    expect(ports.env.gateway.CANDIDATES_ADDR).toBe(`127.0.0.1:${ports.env.candidates.PORT}`);
    expect(ports.ready.gateway).toBe(`${ports.url}/readyz`);
  });
});
