/**
 * The browser pages built from web/ by Vite into dist/web (scripts/ensure.mjs builds them):
 * `/doctor`, `/console`, their `/assets/…`, and in demo mode the demo page at `/` and at
 * `/demo/callback` (where the managed login page returns). Read from disk once per process;
 * when the pages were not built the routes say so instead of failing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** Security headers of every page: no framing, no referrer (the callback's code), scripts only from here. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export interface WebPages {
  /** The HTML of a built page (`index.html`, `doctor/index.html`, `console/index.html`), or undefined when not built. */
  page(name: string): string | undefined;
  routes(options: { demo: boolean }): (app: FastifyInstance) => void;
}

export function webPages(root: string): WebPages {
  const cache = new Map<string, string | undefined>();
  const gzipped = new Map<string, Buffer>();
  const page = (name: string) => {
    if (!cache.has(name)) {
      const file = join(root, name);
      cache.set(name, existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    }
    return cache.get(name);
  };
  const notBuilt = 'The web pages are not built: run npm start or npm test (scripts/ensure.mjs builds web/ into dist/web).';
  return {
    page,
    routes: ({ demo }) => (app) => {
      const serve = (name: string) => async (_request: unknown, reply: import('fastify').FastifyReply) => {
        const html = page(name);
        if (html === undefined) return reply.code(503).type('text/plain; charset=utf-8').send(notBuilt);
        return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
      };
      app.get('/doctor', serve('doctor/index.html'));
      app.get('/console', serve('console/index.html'));
      if (demo) app.get('/demo/callback', serve('index.html'));
      app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
        const file = request.params.file;
        const ext = /\.[a-z]+$/.exec(file)?.[0] ?? '';
        const path = normalize(join(root, 'assets', file));
        if (!/^[\w.-]+$/.test(file) || !TYPES[ext] || !path.startsWith(join(root, 'assets') + sep) || !existsSync(path)) {
          return reply.code(404).type('application/json').send({ message: `No route for GET /assets/${file}` });
        }
        // Names carry a content hash: cacheable for good, and compressed once per process.
        reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').header('vary', 'accept-encoding').type(TYPES[ext]!);
        if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
          let gz = gzipped.get(path);
          if (!gz) gzipped.set(path, (gz = gzipSync(readFileSync(path), { level: 9 })));
          return reply.header('content-encoding', 'gzip').send(gz);
        }
        return reply.send(readFileSync(path));
      });
    },
  };
}

export const PAGE_SECURITY_HEADERS = PAGE_HEADERS;
