/** One JSON object per line: what log shippers and `jq` read without configuration. */
export interface Log {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLog(
  component: string,
  out: (line: string) => void = (l) => process.stdout.write(l),
): Log {
  const write =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) =>
      out(
        `${JSON.stringify({ time: new Date().toISOString(), level, component, msg, ...fields }, errorsAsText)}\n`,
      );
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** Errors lose their message in JSON.stringify; keep name, message and code. */
function errorsAsText(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const code = (value as { code?: unknown }).code;
  return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
}

/** A log that drops everything: for tests. */
export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };
