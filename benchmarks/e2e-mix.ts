/**
 * The request mix of the end-to-end benchmark: `GET /v1/feed` paths for users the model was
 * trained on and cold users, over the surfaces a product calls most (home mostly, then
 * more_like_this and search), drawn from the artifacts themselves so every id is real.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';

export interface MixShares {
  /** Shares of the surfaces; the rest of 1 is home. */
  moreLikeThis: number;
  search: number;
  /** Share of requests from users absent from training (the cold-start path). */
  cold: number;
}

export const DEFAULT_MIX: MixShares = { moreLikeThis: 0.15, search: 0.1, cold: 0.1 };

const Vocabulary = z.array(z.string());
const Line = z.object({ title: z.string().optional(), categories: z.array(z.string()) });

/** Up to `limit` item lines from the head of item_features.jsonl (1 M lines is 250 MB). */
async function headLines(file: string, limit: number): Promise<z.infer<typeof Line>[]> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const out: z.infer<typeof Line>[] = [];
  for await (const line of lines) {
    if (line.trim() === '') continue;
    out.push(Line.parse(JSON.parse(line)));
    if (out.length >= limit) break;
  }
  lines.close();
  return out;
}

/** Search terms as people type them: a genre, or a word of a title. */
function searchTerms(items: readonly z.infer<typeof Line>[]): string[] {
  const terms = new Set<string>();
  for (const item of items) {
    for (const category of item.categories) terms.add(category.toLowerCase());
    const word = (item.title ?? '').split(/\W+/).find((w) => w.length >= 5 && !/^\d+$/.test(w));
    if (word !== undefined) terms.add(word.toLowerCase());
  }
  return [...terms];
}

export interface Mix {
  next(): string;
  describe: string;
}

/** A deterministic (seeded) endless sequence of feed paths. */
export async function feedMix(artifacts: string, shares = DEFAULT_MIX, seed = 1): Promise<Mix> {
  const read = async (name: string) =>
    Vocabulary.parse(JSON.parse(await readFile(join(artifacts, name), 'utf8')));
  const users = (await read('vocab_users.json')).slice(1);
  const items = (await read('vocab_items.json')).slice(1);
  const terms = searchTerms(await headLines(join(artifacts, 'item_features.jsonl'), 2000));
  if (users.length === 0 || items.length === 0 || terms.length === 0)
    throw new Error(`${artifacts}: no users, items or search terms to build the mix from`);
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const devices = ['mobile', 'desktop', 'tv'];
  let cold = 0;
  return {
    describe:
      `${Math.round((1 - shares.moreLikeThis - shares.search) * 100)}% home, ` +
      `${Math.round(shares.moreLikeThis * 100)}% more_like_this (a random catalog item), ` +
      `${Math.round(shares.search * 100)}% search (a genre or title word, ${terms.length} terms); ` +
      `${Math.round(shares.cold * 100)}% cold users (new ids), the rest drawn from the ` +
      `${users.length} training users; n=20, device mobile/desktop/tv`,
    next() {
      const user = random() < shares.cold ? `bench-cold-${cold++}` : pick(users);
      const params = new URLSearchParams({ user_id: user, n: '20', device: pick(devices) });
      const r = random();
      if (r < shares.moreLikeThis) {
        params.set('surface', 'more_like_this');
        params.set('item_id', pick(items));
      } else if (r < shares.moreLikeThis + shares.search) {
        params.set('surface', 'search');
        params.set('q', pick(terms));
      } else {
        params.set('surface', 'home');
      }
      return `/v1/feed?${params.toString()}`;
    },
  };
}
