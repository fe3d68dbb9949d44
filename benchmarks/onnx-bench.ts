/**
 * Command line for onnx-raw.ts: raw ONNX Runtime rate against @recsys/onnx-runner for any
 * .onnx files, written as Markdown (stdout, or --out).
 *
 *   pnpm --filter @recsys/benchmarks run bench:onnx -- MODEL.onnx [MODEL.onnx ...]
 *     [--batch=1,1000] [--workers=2] [--concurrency=4] [--seconds=2] [--rounds=4] [--int-max=1] [--out=FILE]
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { compareOnnx, type Comparison, type Rate } from './onnx-raw.js';

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: onnx-bench MODEL.onnx [...] [--batch=1,1000] [--workers=2] ` +
      `[--concurrency=4] [--seconds=2] [--rounds=4] [--int-max=1] [--out=FILE]\n`,
  );
  process.exit(2);
}

function readArgs() {
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== '--'),
      allowPositionals: true,
      options: {
        batch: { type: 'string', default: '1,1000' },
        workers: { type: 'string', default: '2' },
        concurrency: { type: 'string', default: '4' },
        seconds: { type: 'string', default: '2' },
        'int-max': { type: 'string', default: '1' },
        rounds: { type: 'string', default: '4' },
        out: { type: 'string' },
      },
    });
    if (positionals.length === 0) usage('give at least one .onnx file');
    for (const model of positionals) if (!existsSync(model)) usage(`no such file: ${model}`);
    const seconds = Number(values.seconds);
    if (!(seconds > 0 && seconds <= 600))
      usage(`--seconds must be in (0, 600], got "${values.seconds}"`);
    return {
      models: positionals,
      batches: values.batch.split(',').map((b) => positiveInt('batch', b)),
      workers: positiveInt('workers', values.workers),
      concurrency: positiveInt('concurrency', values.concurrency),
      intMax: positiveInt('int-max', values['int-max']),
      rounds: positiveInt('rounds', values.rounds),
      seconds,
      out: values.out,
    };
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
}

const f = (v: number, digits = 3) => v.toFixed(digits);
const rate = (r: Rate) =>
  `${f(r.callsPerSec, 0)} | ${f(r.rowsPerSec, 0)} | ${f(r.meanMs)} | ${f(r.p50Ms)} | ${f(r.p99Ms)} | ${f(r.loopMaxMs, 1)}`;

function report(args: ReturnType<typeof readArgs>, rows: Comparison[]): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `Command: \`node dist/onnx-bench.js ${process.argv
      .slice(2)
      .filter((a) => a !== '--')
      .join(' ')}\``,
    `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
      `node ${process.version}; onnxruntime-node ${ort.env.versions.node}; ` +
      `load average at end ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    `Each path ${args.seconds} s in ${args.rounds} alternating rounds after a ${args.seconds / 10} s warm-up; ` +
      `intra-op threads 1 per session; parallel = ${args.workers} workers, ${args.concurrency} calls outstanding.`,
    '',
    '| model | batch | path | calls/s | rows/s | mean ms | p50 ms | p99 ms | loop max ms |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of rows) {
    const name = basename(c.model);
    lines.push(`| ${name} | ${c.batch} | raw main thread | ${rate(c.raw)} |`);
    lines.push(`| ${name} | ${c.batch} | pool, 1 worker, serial | ${rate(c.poolSerial)} |`);
    lines.push(`| ${name} | ${c.batch} | pool, parallel | ${rate(c.poolParallel)} |`);
  }
  lines.push(
    '',
    '| model | batch | overhead p50 ms | overhead mean ms | serial / raw rate | parallel / raw rate |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const c of rows) {
    lines.push(
      `| ${basename(c.model)} | ${c.batch} | ${f(c.overheadP50Ms)} | ${f(c.overheadMeanMs)} | ` +
        `${f(c.poolSerial.callsPerSec / c.raw.callsPerSec, 2)} | ${f(c.poolParallel.callsPerSec / c.raw.callsPerSec, 2)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const args = readArgs();
const rows: Comparison[] = [];
for (const model of args.models) {
  for (const batch of args.batches) {
    process.stderr.write(`[onnx-bench] ${basename(model)} batch ${batch}\n`);
    rows.push(await compareOnnx({ ...args, model, batch }));
  }
}
const markdown = report(args, rows);
if (args.out === undefined) process.stdout.write(markdown);
else await writeFile(args.out, markdown);
