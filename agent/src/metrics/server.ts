// The /metrics endpoint on its own port, away from the app's router: GET /metrics and nothing
// else, OpenMetrics (with exemplars) when the scraper asks for it, plain text otherwise.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ignoredServers } from '../http/server.ts';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE, type AgentMetrics } from './agent-metrics.ts';

export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/openmetrics-text');
}

export function startMetricsServer(
  metrics: AgentMetrics,
  port: number,
  host: string,
  onError: (error: Error) => void,
): Server {
  const server = createServer((request, response) => {
    handle(metrics, request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('metrics collection failed\n');
      onError(error instanceof Error ? error : new Error(String(error)));
    });
  });
  ignoredServers.add(server);
  server.on('error', onError);
  server.listen(port, host);
  // A scrape endpoint must never keep the app alive on its own.
  server.unref();
  return server;
}

async function handle(metrics: AgentMetrics, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '').split('?', 1)[0];
  if (path !== '/metrics') {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: this port serves GET /metrics only\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  const openMetrics = wantsOpenMetrics(request.headers.accept);
  const body = await metrics.render(openMetrics);
  response.writeHead(200, { 'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE });
  response.end(request.method === 'HEAD' ? undefined : body);
}
