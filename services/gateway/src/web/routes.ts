import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ID_PATTERN } from '@recsys/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { decode } from '../http-errors.js';
import type { ItemTitles } from '../items.js';

export interface WebDeps {
  itemTitles?: ItemTitles;
  /** RECSYS_DEMO_UI_KEY: handed to the page so its clicks can be sent (demo only). */
  demoKey?: string;
}

const ASSETS = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
} as const;
type Asset = keyof typeof ASSETS;

// The page talks to this origin only and runs no inline code, so a strict
// policy costs nothing and keeps a hostile item title inert.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const TitlesQuery = z.strictObject({
  ids: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.string().regex(ID_PATTERN, 'each id must be a valid item id')).max(200)),
});

/**
 * The feed explorer at `/`: static files read once at start, from
 * `static/` beside this module (where a build may copy them) or from the
 * source tree (tsc does not copy them, and the images ship src/ as well).
 */
export function registerWebRoutes(app: FastifyInstance, deps: WebDeps): void {
  const assets = loadAssets();
  const send = (reply: FastifyReply, name: Asset) => {
    const body = assets?.get(name);
    if (body === undefined) {
      return reply.code(404).send({
        error: { code: 'not_found', message: 'the web page is not installed', retryable: false },
      });
    }
    return reply
      .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' })
      .type(ASSETS[name])
      .send(body);
  };

  app.get('/', (_request, reply) => send(reply, 'index.html'));
  app.get('/ui/app.js', (_request, reply) => send(reply, 'app.js'));
  app.get('/ui/style.css', (_request, reply) => send(reply, 'style.css'));

  // The demo key only when configured; otherwise the page asks the person for a key.
  app.get('/ui/config.json', (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ events_key: deps.demoKey ?? null }),
  );

  // Titles for the items on screen (the feed answers ids; titles come from the artifacts).
  app.get('/ui/titles', (request) => {
    const { ids } = decode(TitlesQuery, request.query, 'query');
    const titles: Record<string, string> = {};
    for (const id of ids) {
      const title = deps.itemTitles?.get(id);
      if (title !== undefined) titles[id] = title;
    }
    return { titles };
  });
}

function loadAssets(): Map<Asset, string> | undefined {
  const folders = ['./static/', '../../src/web/static/'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const folder = folders.find((f) => existsSync(`${f}index.html`));
  if (!folder) return undefined;
  return new Map(
    (Object.keys(ASSETS) as Asset[]).map((name) => [
      name,
      readFileSync(`${folder}${name}`, 'utf8'),
    ]),
  );
}
