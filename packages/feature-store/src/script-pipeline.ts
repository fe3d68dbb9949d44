import { createHash } from 'node:crypto';
import { AppError } from '@recsys/errors';
import type { Redis } from 'ioredis';

/** One EVALSHA call: the number of keys, then the keys and arguments. */
export type ScriptCall = [numKeys: number, ...args: (string | number)[]];

/**
 * A Lua script run by hash, many calls to one pipeline (one round trip).
 * A Redis that lost its script cache (restart, SCRIPT FLUSH) answers NOSCRIPT
 * without running anything, so those calls are simply sent again after
 * loading the script.
 */
export class ScriptPipeline {
  private readonly sha: string;

  constructor(
    private readonly script: string,
    /** What the script does, for error messages: "applying user events". */
    private readonly what: string,
  ) {
    this.sha = createHash('sha1').update(script).digest('hex');
  }

  async run(redis: Redis, calls: ScriptCall[]): Promise<number[]> {
    const results = new Array<number>(calls.length).fill(0);
    let pending = calls.map((_, i) => i);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await redis.script('LOAD', this.script);
      const pipeline = redis.pipeline();
      for (const i of pending) pipeline.evalsha(this.sha, ...calls[i]!);
      const replies = await pipeline.exec();
      if (!replies) throw new AppError('unavailable', 'redis: pipeline aborted');
      const missing: number[] = [];
      replies.forEach(([err, value], j) => {
        const i = pending[j]!;
        if (!err) results[i] = Number(value);
        else if (err.message.startsWith('NOSCRIPT') && attempt === 0) missing.push(i);
        else throw new AppError('unavailable', `redis: ${this.what} failed`, true, { cause: err });
      });
      pending = missing;
    }
    return results;
  }
}
