// Test support: real artifacts from a tiny training run, built once and shared by every test.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PYTHON = join(ROOT, 'training/.venv/bin/python');
/** Shared by every package's tests (the Makefile's .run is ignored by git). */
export const TINY_ARTIFACTS_DIR = join(ROOT, '.run/artifacts-tiny');
const STALE_LOCK_MS = 15 * 60_000;

export interface TinyOptions {
  /**
   * The text encoder (training's --text-encoder): `hashing` (default, .run/artifacts-tiny) or
   * `minilm` (.run/artifacts-tiny-minilm, with text_encoder.onnx and its tokenizer files).
   */
  textEncoder?: 'hashing' | 'minilm';
}

/**
 * The folder of a tiny training run (`python -m recsys_training.train --tiny`), trained on
 * first use and cached in .run/artifacts-tiny until the training code changes. Concurrent test
 * processes wait on a lock file instead of training twice; a half-written run never becomes
 * visible (it trains into a temp folder that is renamed into place).
 */
export async function tinyArtifacts(options: TinyOptions = {}): Promise<string> {
  const minilm = options.textEncoder === 'minilm';
  const dir = minilm ? `${TINY_ARTIFACTS_DIR}-minilm` : TINY_ARTIFACTS_DIR;
  const lock = `${dir}.lock`;
  if (await fresh(dir)) return dir;
  if (!existsSync(PYTHON)) {
    throw new Error(`tiny artifacts are trained with ${PYTHON}; run \`make venv\` first`);
  }
  await mkdir(join(ROOT, '.run'), { recursive: true });
  for (;;) {
    const held = await open(lock, 'wx').catch(() => undefined);
    if (held !== undefined) {
      try {
        if (!(await fresh(dir))) await train(dir, minilm ? ['--text-encoder', 'minilm'] : []);
      } finally {
        await held.close();
        await rm(lock, { force: true });
      }
      return dir;
    }
    const since = await stat(lock).catch(() => undefined);
    if (since !== undefined && Date.now() - since.mtimeMs > STALE_LOCK_MS) {
      await rm(lock, { force: true }); // a crashed trainer's lock
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (await fresh(dir)) return dir;
  }
}

/** True when the cached run exists and is newer than every training source file. */
async function fresh(dir: string): Promise<boolean> {
  const built = await stat(join(dir, 'manifest.json')).catch(() => undefined);
  if (built === undefined) return false;
  const sources = join(ROOT, 'training/src/recsys_training');
  // gen/ is rewritten by every `make gen`; it follows proto/, which the manifest reflects.
  const files = (await readdir(sources, { recursive: true }).catch(() => [] as string[])).filter(
    (f) => !f.startsWith('gen/'),
  );
  for (const file of [
    ...files.map((f) => join(sources, f)),
    join(ROOT, 'training/pyproject.toml'),
  ]) {
    if (!file.endsWith('.py') && !file.endsWith('.toml')) continue;
    const changed = await stat(file).catch(() => undefined);
    if (changed !== undefined && changed.mtimeMs > built.mtimeMs) return false;
  }
  return true;
}

async function train(dir: string, flags: string[]): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await run(PYTHON, ['-m', 'recsys_training.train', '--tiny', ...flags, '--out', tmp], {
    cwd: join(ROOT, 'training'),
    timeout: 10 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  // Readers in other processes may still hold the old folder: move it aside, then drop it.
  const stale = `${dir}.stale-${process.pid}`;
  await rename(dir, stale).catch(() => undefined);
  await rename(tmp, dir);
  await rm(stale, { recursive: true, force: true });
}
