// Test and benchmark support: tables, reference inputs and models from
// test-fixtures/reference.py, which computes them with the training package itself.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DenseNeighbours, ListVocabulary, MemoryUserTables } from '../memory-tables.js';
import type { RankerTables } from '../tables.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../test-fixtures/reference.py', import.meta.url));
const PYTHON = fileURLToPath(new URL('../../../../training/.venv/bin/python', import.meta.url));

type Matrix = (number | null)[][];

/** The JSON reference.py prints (null = NaN). */
export interface ReferenceDoc {
  dim: number;
  category_width: number;
  n_category_rows: number;
  k: number;
  history_length: number;
  devices: string[];
  surfaces: string[];
  spec: { gap_ms: number; last_n: number; user_categories: number };
  columns: string[];
  scalar_names: string[];
  embeddings: Matrix;
  categories: Matrix;
  scalars: Matrix;
  counts: number[];
  decayed: number[];
  uses_content: number[];
  neighbour_rows: Matrix;
  neighbour_scores: Matrix;
  history_rows: Matrix;
  history_timestamps: Matrix;
  candidates: number[][];
  user_embeddings: number[][];
  context: Record<'hour' | 'dow' | 'device' | 'surface', number[]>;
  expected: Record<string, Matrix | number[]>;
  scores: number[];
}

export interface Reference {
  doc: ReferenceDoc;
  tables: RankerTables;
  /** Item id of row r is `item-r`; user id of user u (history row u) is `user-u`. */
  itemId: (row: number) => string;
  userId: (u: number) => string;
  rankerPath: string;
  userTowerPath: string;
  remove(): Promise<void>;
}

export const flat = (m: Matrix | number[]): number[] =>
  (m as (number | null)[] | Matrix).flat().map((v) => (v === null ? NaN : v));

/** Sizes of the generated tables; the defaults keep the test fast, benchmarks ask for more. */
export interface ReferenceOptions {
  seed?: number;
  items?: number;
  dim?: number;
  historyLength?: number;
  neighbours?: number;
  users?: number;
  candidates?: number;
  lastN?: number;
  userCategories?: number;
}

export async function makeReference(options: ReferenceOptions = {}): Promise<Reference> {
  if (!existsSync(PYTHON)) {
    throw new Error(`ranker parity tests need ${PYTHON}; run \`make venv\` first`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'ranker-ref-'));
  const flags = Object.entries(options).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const { stdout } = await run(PYTHON, [SCRIPT, dir, ...flags], {
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const doc = JSON.parse(stdout) as ReferenceDoc;
  const nRows = doc.counts.length;
  const itemId = (row: number) => `item-${row}`;
  const userId = (u: number) => `user-${u}`;
  const itemRows = new Map(Array.from({ length: nRows - 1 }, (_, i) => [itemId(i + 1), i + 1]));
  const users = doc.history_rows.map((_, u) => userId(u));
  const tables: RankerTables = {
    items: {
      nRows,
      rowOf: (id) => itemRows.get(id) ?? 0,
      embeddingDim: doc.dim,
      embeddings: Float32Array.from(flat(doc.embeddings)),
      categoryWidth: doc.category_width,
      categories: Int32Array.from(flat(doc.categories)),
      nCategoryRows: doc.n_category_rows,
      scalarNames: doc.scalar_names,
      scalars: Float32Array.from(flat(doc.scalars)),
      counts: Float32Array.from(doc.counts),
      decayed: Float32Array.from(doc.decayed),
      usesContent: Uint8Array.from(doc.uses_content),
    },
    neighbours: new DenseNeighbours(
      doc.k,
      Int32Array.from(flat(doc.neighbour_rows)),
      Float32Array.from(flat(doc.neighbour_scores)),
    ),
    users: new MemoryUserTables(
      users,
      doc.history_length,
      Int32Array.from(flat(doc.history_rows)),
      Float64Array.from(flat(doc.history_timestamps)),
    ),
    devices: new ListVocabulary(doc.devices),
    surfaces: new ListVocabulary(doc.surfaces),
    session: {
      gapMs: doc.spec.gap_ms,
      lastN: doc.spec.last_n,
      userCategories: doc.spec.user_categories,
    },
  };
  return {
    doc,
    tables,
    itemId,
    userId,
    rankerPath: join(dir, 'ranker.onnx'),
    userTowerPath: join(dir, 'user_tower.onnx'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
