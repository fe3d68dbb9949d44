import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** Runs `node [nodeArgs] entry` in `cwd` with stdout and stderr appended to `log`. */
export function spawnLogged(options: {
  entry: string;
  cwd: string;
  env: Record<string, string | undefined>;
  log: string;
  nodeArgs?: readonly string[];
}): ChildProcess {
  const fd = openSync(options.log, 'a');
  try {
    return spawn('node', [...(options.nodeArgs ?? []), options.entry], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * Resolves once `url` answers 200; rejects, with the process's log, when the process exits
 * first, or when `timeoutMs` passes.
 */
export async function waitReady(
  url: string,
  child: ChildProcess,
  options: { name: string; log: string; timeoutMs: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const how = child.exitCode ?? child.signalCode;
      throw new Error(`${options.name} exited (${how}):\n${readFileSync(options.log, 'utf8')}`);
    }
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${options.name} not ready at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export function stopped(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
