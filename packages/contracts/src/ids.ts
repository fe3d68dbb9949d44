import { z } from 'zod';

/** Opaque user and item ids: MovieLens integers and new string ids alike. */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export const Id = z
  .string()
  .regex(ID_PATTERN, 'must be 1 to 128 characters of letters, digits and _.:-');
