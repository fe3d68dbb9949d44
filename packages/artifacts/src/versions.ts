import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '@recsys/errors';

export const MANIFEST_FILE = 'manifest.json';
/** A file or symlink in the root naming the version to serve. */
export const CURRENT_POINTER = 'current';

/** One artifacts version on disk. */
export interface ResolvedVersion {
  /** Absolute, symlinks resolved: two pointers to the same folder are the same version. */
  dir: string;
  /** Identity used to notice a change: the folder and its manifest's mtime. */
  key: string;
}

/**
 * Finds the version to serve under an artifacts root, in this order:
 * 1. the root itself when it holds manifest.json (a single trained folder);
 * 2. `current`: a symlink to a version folder, or a file whose first line names one;
 * 3. the newest complete version: the last subfolder by name that holds manifest.json
 *    (the trainer writes the manifest last, and names versions so they sort by time).
 */
export async function resolveVersion(root: string): Promise<ResolvedVersion> {
  const base = resolve(root);
  if (await isFile(join(base, MANIFEST_FILE))) return described(base);
  const pointer = join(base, CURRENT_POINTER);
  const pointed = await stat(pointer).catch(() => undefined);
  if (pointed?.isDirectory() === true) return described(pointer);
  if (pointed?.isFile() === true) {
    const name = (await readFile(pointer, 'utf8')).split('\n')[0]?.trim() ?? '';
    if (name === '') throw new AppError('not_found', `artifacts: ${pointer} is empty`);
    return described(resolve(base, name));
  }
  const entries = await readdir(base, { withFileTypes: true }).catch((err: unknown) => {
    throw new AppError('not_found', `artifacts: cannot read ${base}`, false, { cause: err });
  });
  const names = entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .reverse();
  for (const name of names) {
    if (await isFile(join(base, name, MANIFEST_FILE))) return described(join(base, name));
  }
  throw new AppError(
    'not_found',
    `artifacts: no version under ${base} (expected ${MANIFEST_FILE}, a '${CURRENT_POINTER}' ` +
      `pointer, or version folders holding ${MANIFEST_FILE})`,
  );
}

async function described(path: string): Promise<ResolvedVersion> {
  const dir = await realpath(path).catch((err: unknown) => {
    throw new AppError('not_found', `artifacts: cannot resolve ${path}`, false, { cause: err });
  });
  const manifest = await stat(join(dir, MANIFEST_FILE)).catch((err: unknown) => {
    throw new AppError('not_found', `artifacts: ${dir} has no ${MANIFEST_FILE}`, false, {
      cause: err,
    });
  });
  return { dir, key: `${dir}@${manifest.mtimeMs}` };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}
