// The viewer's one HTTP server: routes, the Host check, security headers, and a last line of defence
// that turns any unexpected error into a 500 for that request alone.
import { createServer, type Server } from 'node:http';
import { BadRequestError } from '../receive/bad-request.ts';
import { hostAllowed } from './hosts.ts';
import { securityHeaders, sendJson, sendText } from './respond.ts';
import type { Router } from './router.ts';

export function createHttpServer(router: Router, boundHost: string): Server {
  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    securityHeaders(response);
    const url = new URL(request.url ?? '/', 'http://viewer.invalid');
    if (!hostAllowed(boundHost, request.headers.host)) {
      sendText(response, 421, `Host ${JSON.stringify(String(request.headers.host ?? '').slice(0, 80))} is not served: this viewer listens on loopback; open it as http://127.0.0.1 or http://localhost`);
      return;
    }
    const found = router.find(request.method ?? 'GET', url.pathname);
    if (found === undefined) {
      if (url.pathname.startsWith('/api/')) sendJson(response, 404, { error: `no API at ${url.pathname.slice(0, 200)}` });
      else sendText(response, 404, `not found: ${url.pathname.slice(0, 200)}`);
      request.resume();
      return;
    }
    if ('methods' in found) {
      sendText(response, 405, `${request.method} is not allowed here; use ${found.methods.join(' or ')}`, { allow: found.methods.join(', ') });
      request.resume();
      return;
    }
    Promise.resolve()
      .then(() => found.handler(request, response, { url, param: found.param }))
      .catch((error: unknown) => {
        if (error instanceof BadRequestError) {
          if (!response.headersSent) sendJson(response, error.status, { error: error.message });
          return;
        }
        process.stderr.write(`threadline-viewer: ${request.method} ${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        if (!response.headersSent) sendText(response, 500, 'internal error; the viewer logged it on stderr');
        else response.destroy();
      });
  });
  // A client that sends a bad request line gets 400 and no crash.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
