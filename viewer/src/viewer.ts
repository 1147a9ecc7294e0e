// Starts a viewer: the store, the receivers, the API and the page on one HTTP server.
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { DEFAULTS, type ViewerOptions } from './config/options.ts';
import { lokiHandler } from './receive/loki-receiver.ts';
import { logsHandler, metricsHandler, tracesHandler } from './receive/otlp-receiver.ts';
import { apiRoutes } from './server/api-routes.ts';
import { createHttpServer } from './server/http-server.ts';
import { Router } from './server/router.ts';
import { staticRoutes } from './server/static.ts';
import { Store } from './store/store.ts';
import { MetricsAndAlerts } from './scrape/wiring.ts';

export interface Viewer {
  /** The page's address, e.g. http://127.0.0.1:4318. */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  close(): Promise<void>;
}

export async function startViewer(overrides: Partial<ViewerOptions> = {}): Promise<Viewer> {
  const options: ViewerOptions = { ...DEFAULTS, ...overrides };
  const store = new Store({ dataDir: options.dataDir, maxAgeMs: options.maxAgeMs, maxBytes: options.maxBytes, maxPendingRows: options.maxPendingRows, retentionEveryMs: 10_000 });
  let metrics: MetricsAndAlerts;
  try {
    metrics = new MetricsAndAlerts(store, { scrape: options.scrape, scrapeFiles: options.scrapeFiles, scrapeIntervalMs: options.scrapeIntervalMs, maxBodyBytes: options.maxBodyBytes });
  } catch (error) {
    await store.close();
    throw error;
  }
  const router = new Router()
    .add('POST', '/v1/traces', tracesHandler(store, options.maxBodyBytes))
    .add('POST', '/v1/logs', logsHandler(store, options.maxBodyBytes))
    .add('POST', '/v1/metrics', metricsHandler(store, options.maxBodyBytes))
    .add('POST', '/loki/api/v1/push', lokiHandler(store, options.maxBodyBytes));
  apiRoutes(router, store);
  metrics.routes(router);
  staticRoutes(router);
  const server = createHttpServer(router, options.host);
  server.listen(options.port, options.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    await store.close();
    throw error;
  }
  metrics.start();
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    store,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        metrics.stop();
        server.close(() => resolve());
        server.closeIdleConnections();
      }).then(() => store.close())),
  };
}
