import { stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { manifest } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { z } from 'zod';
import { readJson, sha256File } from './files.js';
import { MANIFEST_FILE } from './versions.js';

const relativePath = z
  .string()
  .min(1, 'is required')
  .refine(
    (p) => !isAbsolute(p) && !normalize(p).split(sep).includes('..'),
    'must be a path inside the artifacts folder',
  );
const sha = z.union([z.literal(''), z.string().regex(/^[0-9a-f]{64}$/, 'must be hex sha256')]);

/** What serving relies on in a manifest, beyond what proto3 JSON parsing checks. */
const ManifestChecks = z
  .object({
    version: z.string().min(1, 'is required'),
    embeddingDim: z.number().int().min(1, 'must be at least 1').max(4096),
    models: z.array(z.object({ role: z.number().int().min(1), path: relativePath, sha256: sha })),
    artifacts: z.array(
      z.object({ name: z.string().min(1), path: relativePath, format: z.string(), sha256: sha }),
    ),
    index: z.object({ path: z.union([z.literal(''), relativePath]) }).optional(),
  })
  .superRefine((m, ctx) => {
    const names = m.artifacts.map((a) => a.name);
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['artifacts'],
        message: `"${repeated}" is listed twice`,
      });
    }
    const roles = m.models.map((x) => x.role);
    const twice = roles.find((r, i) => roles.indexOf(r) !== i);
    if (twice !== undefined) {
      const role = manifest.modelRoleToJSON(twice);
      ctx.addIssue({ code: 'custom', path: ['models'], message: `${role} is listed twice` });
    }
  });

export interface ReadManifestOptions {
  /** Also compare each file's sha256 with the manifest (reads every byte). Default false. */
  verify?: boolean;
}

/**
 * Reads `<dir>/manifest.json` (proto3 JSON of recsys.model.v1.ModelManifest) and checks that it
 * is one serving can use: a version, a dimension, paths inside the folder, each listed file
 * present (and matching its sha256 when asked). Errors name the folder and the field.
 */
export async function readManifest(
  dir: string,
  options: ReadManifestOptions = {},
): Promise<manifest.ModelManifest> {
  const path = join(dir, MANIFEST_FILE);
  const raw = await readJson(path, z.record(z.string(), z.unknown()));
  let parsed: manifest.ModelManifest;
  try {
    parsed = manifest.ModelManifest.fromJSON(raw);
  } catch (err) {
    throw new AppError('invalid_argument', `artifacts: ${path} is not a ModelManifest`, false, {
      cause: err,
    });
  }
  const checked = ManifestChecks.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    throw new AppError('invalid_argument', `artifacts: ${path}: ${field}: ${issue?.message}`);
  }
  const files = [
    ...parsed.models.map((m) => ({ what: `model ${m.path}`, path: m.path, sha256: m.sha256 })),
    ...parsed.artifacts.map((a) => ({
      what: `artifact ${a.name}`,
      path: a.path,
      sha256: a.sha256,
    })),
    ...(parsed.index?.path ? [{ what: 'index', path: parsed.index.path, sha256: '' }] : []),
  ];
  await Promise.all(
    files.map(async (file) => {
      const full = join(dir, file.path);
      const info = await stat(full).catch(() => undefined);
      if (info?.isFile() !== true) {
        throw new AppError('not_found', `artifacts: ${file.what}: ${full} is missing`);
      }
      if (options.verify === true && file.sha256 !== '') {
        const actual = await sha256File(full);
        if (actual !== file.sha256) {
          throw new AppError(
            'invalid_argument',
            `artifacts: ${file.what}: ${full} has sha256 ${actual}, the manifest says ${file.sha256}`,
          );
        }
      }
    }),
  );
  return parsed;
}
