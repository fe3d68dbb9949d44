import type { z } from 'zod';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Decodes a Kafka record value with a generated proto decoder, then checks what binary
 * decoding cannot (ids, enums, bounds) with `schema`; never throws.
 */
export function decodeWith<T>(
  bytes: Uint8Array,
  decode: (bytes: Uint8Array) => T,
  schema: z.ZodType,
): Decoded<T> {
  let value: T;
  try {
    value = decode(bytes);
  } catch (err) {
    return { ok: false, reason: `undecodable protobuf: ${(err as Error).message}` };
  }
  const checked = schema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { ok: false, reason: `invalid ${issue?.path.join('.') ?? 'record'}: ${issue?.message}` };
  }
  return { ok: true, value };
}
