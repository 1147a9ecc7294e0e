import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { hostAllowed } from '../../src/server/hosts.ts';
import { testViewer } from '../helpers/viewer.ts';

function get(port: number, path: string, host: string): Promise<{ status: number; body: string; csp: string | undefined }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body, csp: response.headers['content-security-policy'] as string | undefined }));
    }).on('error', reject).end();
  });
}

describe('the Host check and the headers', () => {
  it('on loopback, only loopback names are served', () => {
    for (const host of ['127.0.0.1:4318', 'localhost:4318', 'LOCALHOST', '[::1]:4318', '127.1.2.3']) assert.ok(hostAllowed('127.0.0.1', host), host);
    for (const host of ['evil.example:4318', 'localhost.evil.example', '10.0.0.1:4318', undefined]) assert.ok(!hostAllowed('127.0.0.1', host), String(host));
    assert.ok(hostAllowed('0.0.0.0', 'viewer.internal:4318'), 'bound elsewhere on purpose: any Host');
  });

  it('a rebound name gets 421 and no data; every answer carries the CSP', async () => {
    const viewer = await testViewer();
    try {
      const refused = await get(viewer.port, '/api/stats', `rebind.example:${viewer.port}`);
      assert.equal(refused.status, 421);
      assert.doesNotMatch(refused.body, /counters/);
      const served = await get(viewer.port, '/api/stats', `localhost:${viewer.port}`);
      assert.equal(served.status, 200);
      assert.match(served.csp ?? '', /script-src 'self'/);
      assert.doesNotMatch(served.csp ?? '', /unsafe-inline/);
      const unknown = await get(viewer.port, '/api/nothing', `localhost:${viewer.port}`);
      assert.equal(unknown.status, 404);
      const wrongMethod = await fetch(`${viewer.url}/v1/traces`);
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'POST');
    } finally {
      await viewer.dispose();
    }
  });
});
