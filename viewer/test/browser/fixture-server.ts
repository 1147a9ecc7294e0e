// A node:http server around a Router, with the security headers every viewer answer carries. The UI's tests
// use it to serve the real static routes next to API answers written to the spec's contract.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { securityHeaders, sendText } from '../../src/server/respond.ts';
import type { Router } from '../../src/server/router.ts';

export interface Served {
  readonly origin: string;
  close(): Promise<void>;
}

export async function serveRouter(router: Router): Promise<Served> {
  const server = createServer((request, response) => {
    securityHeaders(response);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const found = router.find(request.method ?? 'GET', url.pathname);
    if (found === undefined) return sendText(response, 404, `not found: ${url.pathname}`);
    if ('methods' in found) return sendText(response, 405, `method not allowed; allowed: ${found.methods.join(', ')}`, { allow: found.methods.join(', ') });
    Promise.resolve(found.handler(request, response, { url, param: found.param })).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, String(error));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
