/** Tensor element types the runner accepts, and the typed array that carries each. */
export const ARRAY_FOR_TYPE = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  int8: 'Int8Array',
  uint8: 'Uint8Array',
  bool: 'Uint8Array',
  int16: 'Int16Array',
  uint16: 'Uint16Array',
  int32: 'Int32Array',
  uint32: 'Uint32Array',
  int64: 'BigInt64Array',
  uint64: 'BigUint64Array',
} as const;

export type TensorType = keyof typeof ARRAY_FOR_TYPE;

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** One model input as the caller supplies it; its element type comes from the model. */
export interface FeedTensor {
  data: TypedArray;
  dims: readonly number[];
}

export type Feeds = Record<string, FeedTensor>;

/** One model output, row-major like its input. */
export interface OutputTensor {
  type: TensorType;
  data: TypedArray;
  dims: number[];
}

export type Outputs = Record<string, OutputTensor>;

/**
 * A model input or output as its session declares it. A string dim is symbolic
 * (usually the batch), a negative one unknown; both accept any size.
 */
export interface TensorInfo {
  name: string;
  type: TensorType;
  dims: ReadonlyArray<number | string>;
}

export function isTensorType(type: string): type is TensorType {
  return Object.hasOwn(ARRAY_FOR_TYPE, type);
}

/** The typed array's class name, realm-safe; undefined for anything else. */
export function arrayKind(value: unknown): string | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** "[batch, 3]" for error messages. */
export function formatDims(dims: ReadonlyArray<number | string>): string {
  return `[${dims.join(', ')}]`;
}

/** True when both lists declare the same names, types and dims in the same order. */
export function sameSignature(a: readonly TensorInfo[], b: readonly TensorInfo[]): boolean {
  return (
    a.length === b.length &&
    a.every((info, i) => {
      const other = b[i];
      return (
        other !== undefined &&
        info.name === other.name &&
        info.type === other.type &&
        formatDims(info.dims) === formatDims(other.dims)
      );
    })
  );
}
