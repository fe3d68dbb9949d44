import { AppError } from '@recsys/errors';
import { ARRAY_FOR_TYPE, arrayKind, formatDims, type Feeds, type TensorInfo } from './tensor.js';

function invalid(message: string): AppError {
  return new AppError('invalid_argument', message);
}

/**
 * Checks feeds against the model's declared inputs before they cross to a worker,
 * so a caller's mistake comes back naming the input instead of as an ONNX Runtime
 * error from inside the worker. Symbolic dims (the batch) take any size, but
 * inputs that share a symbol must agree on it.
 */
export function checkFeeds(feeds: Feeds, inputs: readonly TensorInfo[]): void {
  const expected = inputs.map((info) => `"${info.name}"`).join(', ');
  if (typeof feeds !== 'object' || feeds === null) {
    throw invalid(`feeds must be an object with the inputs ${expected}`);
  }
  for (const name of Object.keys(feeds)) {
    if (!inputs.some((info) => info.name === name)) {
      throw invalid(`unknown input "${name}"; the model takes ${expected}`);
    }
  }
  const symbols = new Map<string, { size: number; input: string }>();
  for (const info of inputs) {
    const feed = Object.hasOwn(feeds, info.name) ? feeds[info.name] : undefined;
    if (feed === undefined || feed === null) {
      throw invalid(`input "${info.name}" is missing; the model takes ${expected}`);
    }
    const want = ARRAY_FOR_TYPE[info.type];
    const got = arrayKind(feed.data);
    if (got !== want) {
      throw invalid(
        `input "${info.name}": expected ${info.type} as ${want}, got ${got ?? (Array.isArray(feed.data) ? 'Array' : typeof feed.data)}`,
      );
    }
    const dims: unknown = feed.dims;
    if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw invalid(`input "${info.name}": dims must be a list of non-negative integers`);
    }
    const shape = dims as number[];
    // An empty declared shape means the model did not record one.
    if (info.dims.length > 0 && shape.length !== info.dims.length) {
      throw invalid(
        `input "${info.name}": expected rank ${info.dims.length} ${formatDims(info.dims)}, ` +
          `got rank ${shape.length} ${formatDims(shape)}`,
      );
    }
    info.dims.forEach((declared, axis) => {
      const size = shape[axis] ?? 0;
      if (typeof declared === 'number') {
        if (declared >= 0 && declared !== size) {
          throw invalid(`input "${info.name}": dim ${axis} must be ${declared}, got ${size}`);
        }
        return;
      }
      if (declared === '') return;
      const seen = symbols.get(declared);
      if (seen === undefined) symbols.set(declared, { size, input: info.name });
      else if (seen.size !== size) {
        throw invalid(
          `inputs "${seen.input}" and "${info.name}" disagree on "${declared}": ${seen.size} vs ${size}`,
        );
      }
    });
    const elements = shape.reduce((n, d) => n * d, 1);
    if (elements !== feed.data.length) {
      throw invalid(
        `input "${info.name}": dims ${formatDims(shape)} hold ${elements} values, data has ${feed.data.length}`,
      );
    }
  }
}
