// The web UI's files: /assets/<name> from <publicDir>/assets, and index.html for every page path, so that
// the browser's History API routing survives a reload. Asset names are checked against a strict pattern
// before they touch the file system: one segment of letters, digits, '.', '-', '_', not starting with a dot,
// which rules out traversal however the path was encoded (the router decodes %2F and %2e before we see it).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendText } from './respond.ts';
import type { Router } from './router.ts';

/** The page paths the UI routes itself; the server answers each with index.html. */
export const PAGE_PATHS = ['/', '/request/:id', '/services', '/services/:name', '/map', '/logs', '/alerts'] as const;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
/** esbuild's `[name]-[hash]` names: the hash is 8 upper-case base32 characters. */
const HASHED_NAME = /-[A-Z0-9]{8}\.[a-z0-9.]+$/;

/** The package's dist/public, from the compiled server (dist/server/) and from the sources (src/server/) alike. */
export function defaultPublicDir(): string {
  return fileURLToPath(new URL('../../dist/public/', import.meta.url));
}

/** Why an asset name is refused, or undefined when it may be served. */
export function assetNameProblem(name: string): string | undefined {
  if (!SAFE_NAME.test(name) || name.includes('..')) return 'asset names are one segment of letters, digits, ".", "-" and "_"';
  if (contentType(name) === undefined) return `no content type for ${JSON.stringify(name)}`;
  return undefined;
}

function contentType(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : CONTENT_TYPES[name.slice(dot)];
}

export function staticRoutes(router: Router, publicDir: string = defaultPublicDir()): Router {
  const assetsDir = join(publicDir, 'assets');
  const indexFile = join(publicDir, 'index.html');

  const asset = async (request: IncomingMessage, response: ServerResponse, name: string): Promise<void> => {
    const problem = assetNameProblem(name);
    if (problem !== undefined) return sendText(response, 404, `not found: ${problem}`);
    let body: Buffer;
    try {
      body = await readFile(join(assetsDir, name));
    } catch {
      return sendText(response, 404, `not found: no asset ${JSON.stringify(name)}`);
    }
    const cache = HASHED_NAME.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache';
    send(request, response, body, contentType(name)!, cache);
  };

  const page = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let body: Buffer;
    try {
      body = await readFile(indexFile);
    } catch {
      return sendText(response, 503, `the viewer's web UI is not built (no ${indexFile}): run npm run build -w @threadline/viewer`);
    }
    send(request, response, body, 'text/html; charset=utf-8', 'no-cache');
  };

  router.add('GET', '/assets/:name', (request, response, { param }) => asset(request, response, param));
  for (const path of PAGE_PATHS) router.add('GET', path, (request, response) => page(request, response));
  return router;
}

/** One file with its validator; a matching If-None-Match gets 304, HEAD gets the headers alone. */
function send(request: IncomingMessage, response: ServerResponse, body: Buffer, type: string, cache: string): void {
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
  const headers = { 'content-type': type, 'cache-control': cache, etag };
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': body.length });
  response.end(request.method === 'HEAD' ? undefined : body);
}
