// The read side of the API: a request, search, services, the service map, the log tail and the store's state.
import type { Store } from '../store/store.ts';
import { BadRequestError } from '../receive/bad-request.ts';
import { optionalTime } from '../query/params.ts';
import { RequestQuery } from '../query/request.ts';
import { search, searchFilters } from '../query/search.ts';
import { serviceMap } from '../query/service-map.ts';
import { services } from '../query/services.ts';
import { tailLogs } from '../query/logs.ts';
import { sendJson } from './respond.ts';
import type { Router } from './router.ts';

const DEFAULT_WINDOW_MS = 15 * 60_000;

function window(url: URL): { from: number; to: number } {
  const to = optionalTime(url, 'to') ?? Date.now();
  const from = optionalTime(url, 'from') ?? to - DEFAULT_WINDOW_MS;
  if (from > to) throw new BadRequestError('from must not be after to');
  return { from, to };
}

export function apiRoutes(router: Router, store: Store): void {
  const requests = new RequestQuery(store.db, store.logs);
  router
    .add('GET', '/api/request/:id', (_request, response, { param }) => {
      if (param.length > 256) throw new BadRequestError('an ID is at most 256 characters');
      const found = requests.find(param);
      if (found === undefined) sendJson(response, 404, { error: `no trace or log line has the trace ID or correlation ID ${JSON.stringify(param)}`, traces: [], logs: [] });
      else sendJson(response, 200, found);
    })
    .add('GET', '/api/search', (_request, response, { url }) => sendJson(response, 200, search(store.db, store.logs, searchFilters(url))))
    .add('GET', '/api/services', (_request, response) => sendJson(response, 200, services(store.db)))
    .add('GET', '/api/map', (_request, response, { url }) => {
      const { from, to } = window(url);
      sendJson(response, 200, serviceMap(store.db, from, to));
    })
    .add('GET', '/api/logs', (_request, response, { url }) => sendJson(response, 200, tailLogs(store.logs, url)))
    .add('GET', '/api/stats', (_request, response) => {
      const count = (table: string): number => Number((store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
      sendJson(response, 200, {
        counters: store.counters.all(),
        pendingRows: store.writer.pendingRows,
        textIndex: { linesBehind: store.logs.linesNotIndexed() },
        store: { dataDir: store.options.dataDir, bytes: store.usedBytes(), maxBytes: store.options.maxBytes, maxAgeMs: store.options.maxAgeMs, spans: count('spans'), logs: store.logs.totals().lines },
      });
    })
    .add('GET', '/ready', (_request, response) => sendJson(response, 200, { status: 'ready' }));
}
