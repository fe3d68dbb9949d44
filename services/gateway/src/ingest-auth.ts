import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@recsys/errors';

/**
 * Checks the `x-api-key` header against the keys a route accepts. Keys are
 * compared as SHA-256 digests with timingSafeEqual, so neither a key's length
 * nor its prefix leaks through response times, and every accepted key is
 * compared (no early exit on the first match).
 *
 * A route with no key configured answers 401 to everyone: ingestion fails
 * closed, while the rest of the gateway (feeds) still serves without keys.
 */
export function keyGuard(accepted: readonly (string | undefined)[]): (header: unknown) => void {
  const digests = accepted.filter((k): k is string => k !== undefined).map(digest);
  return (header) => {
    if (digests.length === 0) {
      throw new AppError('unauthenticated', 'this route is disabled: no API key is configured');
    }
    if (typeof header !== 'string' || header.length === 0) {
      throw new AppError('unauthenticated', 'missing x-api-key header');
    }
    const given = digest(header);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    if (!ok) throw new AppError('unauthenticated', 'invalid API key');
  };
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
