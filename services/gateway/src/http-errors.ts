import { AppError, publicMessage, toAppError } from '@recsys/errors';
import type { z } from 'zod';
import type { ErrorBody } from './api-schemas.js';

/** invalid_argument that names the request field at fault. */
export class FieldError extends AppError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('invalid_argument', `${field}: ${message}`, false);
  }
}

/** Parses one part of a request, or throws a FieldError naming the first bad field. */
export function decode<S extends z.ZodType>(schema: S, value: unknown, part: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  let field = issue?.path.map(String).join('.') || part;
  if (issue?.code === 'unrecognized_keys') field = issue.keys[0] ?? part;
  let message = issue?.message ?? 'invalid';
  if (issue?.code === 'unrecognized_keys') message = 'unknown field';
  else if (issue?.code === 'invalid_type' && /received undefined$/.test(message))
    message = 'required';
  throw new FieldError(field, message);
}

// Fastify's own request errors (body parsing, content type, size), by code.
const FRAMEWORK_ERRORS: Record<string, () => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new AppError('payload_too_large', 'body is too large'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new FieldError('content-type', 'must be application/json'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new FieldError('content-length', 'does not match'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new FieldError('body', 'empty JSON body'),
};

/** Maps anything thrown while serving to a status and the public error body. */
export function errorReply(err: unknown): { status: number; body: ErrorBody; appError: AppError } {
  const appError = fromFramework(err) ?? toAppError(err);
  return {
    status: appError.httpStatus,
    appError,
    body: {
      error: {
        code: appError.code,
        message: publicMessage(appError),
        ...(appError instanceof FieldError ? { field: appError.field } : {}),
        retryable: appError.retryable,
      },
    },
  };
}

function fromFramework(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null || err instanceof AppError) return undefined;
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'string' && code in FRAMEWORK_ERRORS) return FRAMEWORK_ERRORS[code]!();
  // JSON syntax errors and other 4xx from the framework: the body is at fault.
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new FieldError('body', 'could not be parsed');
  }
  return undefined;
}
