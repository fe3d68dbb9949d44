import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN_JS = fileURLToPath(
  new URL('../../services/stream-processor/dist/main.js', import.meta.url),
);

export interface ProcessorProc {
  child: ChildProcess;
  /** Resolves on the processor's "started" line (group joined, consuming). */
  started: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Its final counters, from the "stopped" line a SIGTERM leads to (absent after SIGKILL). */
  stoppedStats(): Record<string, number> | undefined;
}

// A benchmark that fails half-way must not leave a processor behind.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** The built stream processor as its own process, exactly as deployed: `node dist/main.js`. */
export function startProcessor(env: Record<string, string>): ProcessorProc {
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { ...process.env, METRICS_PORT: '0', PROGRESS_LOG_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4_000);
  });
  const started = new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      if (parts.some((l) => l.includes('"msg":"started"'))) resolve();
    });
    child.once('exit', () =>
      reject(new Error(`stream-processor exited before starting: ${stderr}${lines.join('\n')}`)),
    );
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stoppedStats = () => {
    for (const line of lines) {
      if (!line.includes('"msg":"stopped"')) continue;
      const parsed = JSON.parse(line) as { stats?: { userEvents?: Record<string, number> } };
      return parsed.stats?.userEvents;
    }
    return undefined;
  };
  return { child, started, exited, stoppedStats };
}
