// The UI's file server, through the real router and node:http: content types, caching, page paths, and
// hostile asset paths that must never reach a file outside dist/public/assets.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Router } from '../src/server/router.ts';
import { assetNameProblem, staticRoutes } from '../src/server/static.ts';
import { serveRouter } from './browser/fixture-server.ts';

const SECRET = 'top-secret-content';
const INDEX = '<!doctype html><title>page</title>';
let dir: string;
let origin: string;
let close: () => Promise<void>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'threadline-static-'));
  mkdirSync(join(dir, 'public', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  writeFileSync(join(dir, 'public', 'secret.txt'), SECRET);
  writeFileSync(join(dir, 'public', 'index.html'), INDEX);
  writeFileSync(join(dir, 'public', 'assets', 'app-ABCD2345.js'), 'console.log(1)');
  writeFileSync(join(dir, 'public', 'assets', 'app-ABCD2345.css'), 'body{}');
  writeFileSync(join(dir, 'public', 'assets', 'favicon.svg'), '<svg/>');
  const served = await serveRouter(staticRoutes(new Router(), join(dir, 'public')));
  origin = served.origin;
  close = served.close;
});
after(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

/** A request with the path sent exactly as written: fetch() would normalise `..` away before sending. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static assets', () => {
  test('a hashed script is served with its type and cached for good', async () => {
    const res = await raw('/assets/app-ABCD2345.js');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.body, 'console.log(1)');
  });

  test('a stylesheet gets text/css; an unhashed name is revalidated, not cached for good', async () => {
    assert.equal((await raw('/assets/app-ABCD2345.css')).headers['content-type'], 'text/css; charset=utf-8');
    const icon = await raw('/assets/favicon.svg');
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], 'no-cache');
  });

  test('a matching ETag gets 304 and HEAD gets no body', async () => {
    const first = await raw('/assets/app-ABCD2345.js');
    const again = await raw('/assets/app-ABCD2345.js', { 'if-none-match': String(first.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    const head = await raw('/assets/app-ABCD2345.js', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String('console.log(1)'.length));
    assert.equal(head.body, '');
  });

  test('a missing asset is 404', async () => {
    assert.equal((await raw('/assets/nothing-here.js')).status, 404);
  });

  const hostile = [
    '/assets/../secret.txt',
    '/assets/..%2Fsecret.txt',
    '/assets/..%2F..%2Fsecret.txt',
    '/assets/%2e%2e%2fsecret.txt',
    '/assets/%2E%2E%2F%2E%2E%2Fsecret.txt',
    '/assets/%2e%2e',
    '/assets/..',
    '/assets/.',
    '/assets/..%5Csecret.txt',
    '/assets/..\\secret.txt',
    '/assets/%5C..%5C..%5Csecret.txt',
    '/assets/secret.txt%00.js',
    '/assets/%00',
    '/assets/%2Fetc%2Fpasswd',
    '/assets/%252e%252e%252fsecret.txt',
    '/assets/.%2e/secret.txt',
    '/assets//secret.txt',
  ];
  for (const path of hostile) {
    test(`hostile path ${path} reads nothing outside assets`, async () => {
      const res = await raw(path);
      assert.ok(!res.body.includes(SECRET), `${path} leaked the file`);
      // WHATWG URL parsing folds a trailing `..` or `%2e%2e` into `/`, which is the page; anything else is 404.
      if (res.status !== 404) assert.deepEqual([res.status, res.body], [200, INDEX], `${path} → ${res.status}`);
    });
  }

  test('names are checked before the file system is touched', () => {
    for (const name of ['..', '.', '../x.js', '..\\x.js', 'a/b.js', 'x.js\0', '.env', 'x', 'a..b.js']) assert.notEqual(assetNameProblem(name), undefined, name);
    for (const name of ['app-ABCD2345.js', 'uPlot.min.css', 'favicon.svg']) assert.equal(assetNameProblem(name), undefined, name);
  });
});

describe('page paths', () => {
  for (const path of ['/', '/request/0af7651916cd43dd8448eb211c80319c', '/request/order-42', '/services', '/services/checkout', '/map', '/logs', '/alerts']) {
    test(`${path} answers index.html, never cached for good`, async () => {
      const res = await raw(path);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.body, /<title>page<\/title>/);
    });
  }

  test('other paths are not pages', async () => {
    for (const path of ['/index.html', '/request/', '/request/a/b', '/nope']) assert.equal((await raw(path)).status, 404, path);
  });

  test('without a build the pages say how to build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'threadline-static-empty-'));
    const served = await serveRouter(staticRoutes(new Router(), empty));
    try {
      const res = await fetch(`${served.origin}/`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /npm run build -w @threadline\/viewer/);
    } finally {
      await served.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
