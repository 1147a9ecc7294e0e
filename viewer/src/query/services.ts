// The services the store has heard from, with their routes, from spans and log lines.
import type { DatabaseSync } from 'node:sqlite';
import { msToNs } from './params.ts';

export function services(db: DatabaseSync, sinceMs: number) {
  const since = msToNs(sinceMs);
  const spanRows = db
    .prepare('SELECT service, count(*) AS spans, CAST(max(start_ns) AS TEXT) AS last FROM spans WHERE start_ns >= ? GROUP BY service')
    .all(since) as Array<{ service: string; spans: number; last: string }>;
  const logRows = db
    .prepare('SELECT service, count(*) AS logs, CAST(max(time_ns) AS TEXT) AS last FROM logs WHERE time_ns >= ? GROUP BY service')
    .all(since) as Array<{ service: string; logs: number; last: string }>;
  const routeRows = db
    .prepare('SELECT service, route, count(*) AS requests, sum(status_code = 2 OR http_status >= 500) AS errors FROM spans WHERE (kind = 2 OR is_root = 1) AND route IS NOT NULL AND start_ns >= ? GROUP BY service, route')
    .all(since) as Array<{ service: string; route: string; requests: number; errors: number }>;
  const byName = new Map<string, { name: string; spans: number; logs: number; lastSeen: number; routes: Map<string, { route: string; requests: number; errors: number }> }>();
  const entry = (name: string) => {
    let found = byName.get(name);
    if (!found) byName.set(name, (found = { name, spans: 0, logs: 0, lastSeen: 0, routes: new Map() }));
    return found;
  };
  for (const row of spanRows) {
    const service = entry(row.service);
    service.spans = Number(row.spans);
    service.lastSeen = Math.max(service.lastSeen, Number(BigInt(row.last) / 1_000_000n));
  }
  for (const row of logRows) {
    const service = entry(row.service);
    service.logs = Number(row.logs);
    service.lastSeen = Math.max(service.lastSeen, Number(BigInt(row.last) / 1_000_000n));
  }
  for (const row of routeRows) {
    const routes = entry(row.service).routes;
    const route = routes.get(row.route) ?? { route: row.route, requests: 0, errors: 0 };
    route.requests += Number(row.requests);
    route.errors += Number(row.errors ?? 0);
    routes.set(row.route, route);
  }
  return {
    services: [...byName.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((service) => ({ ...service, routes: [...service.routes.values()].sort((a, b) => b.requests - a.requests) })),
  };
}
