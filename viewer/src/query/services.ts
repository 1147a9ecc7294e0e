// The services the store has heard from, with their routes: what each has sent since the store began.
import type { DatabaseSync } from 'node:sqlite';

interface StatsRow {
  service: string;
  route: string;
  spans: number;
  logs: number;
  requests: number;
  errors: number;
  last_ms: number;
}

export function services(db: DatabaseSync) {
  const rows = db.prepare('SELECT service, route, spans, logs, requests, errors, last_ns / 1000000 AS last_ms FROM service_stats ORDER BY service, requests DESC, route').all() as unknown as StatsRow[];
  const byName = new Map<string, { name: string; spans: number; logs: number; lastSeen: number; routes: Array<{ route: string; requests: number; errors: number; lastSeen: number }> }>();
  for (const row of rows) {
    let service = byName.get(row.service);
    if (!service) byName.set(row.service, (service = { name: row.service, spans: 0, logs: 0, lastSeen: 0, routes: [] }));
    if (row.route === '') {
      service.spans = Number(row.spans);
      service.logs = Number(row.logs);
      service.lastSeen = Number(row.last_ms);
    } else {
      service.routes.push({ route: row.route, requests: Number(row.requests), errors: Number(row.errors), lastSeen: Number(row.last_ms) });
    }
  }
  return { services: [...byName.values()] };
}
