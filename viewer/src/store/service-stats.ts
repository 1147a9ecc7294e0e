// Adds a batch's spans and log lines to service_stats: one upsert per service and route in the batch.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LogRow, SpanRow } from './rows.ts';

interface Tally {
  spans: number;
  logs: number;
  requests: number;
  errors: number;
  lastNs: bigint;
}

const SERVER = 2;
const CONSUMER = 5;

export class ServiceStats {
  readonly #upsert: StatementSync;

  constructor(db: DatabaseSync) {
    this.#upsert = db.prepare(`INSERT INTO service_stats (service, route, spans, logs, requests, errors, last_ns) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (service, route) DO UPDATE SET spans = spans + excluded.spans, logs = logs + excluded.logs, requests = requests + excluded.requests,
        errors = errors + excluded.errors, last_ns = max(last_ns, excluded.last_ns)`);
  }

  addSpans(spans: readonly SpanRow[]): void {
    const tallies = new Map<string, Map<string, Tally>>();
    for (const span of spans) {
      add(tallies, span.service, '', span.startNs).spans += 1;
      // A request is a span that enters a service: a root, or a server or consumer span.
      if (span.route !== null && (span.parentSpanId === '' || span.kind === SERVER || span.kind === CONSUMER)) {
        const tally = add(tallies, span.service, span.route, span.startNs);
        tally.requests += 1;
        if (span.statusCode === 2 || (span.httpStatus ?? 0) >= 500) tally.errors += 1;
      }
    }
    this.#write(tallies);
  }

  addLogs(logs: readonly LogRow[]): void {
    const tallies = new Map<string, Map<string, Tally>>();
    for (const log of logs) add(tallies, log.service, '', log.timeNs).logs += 1;
    this.#write(tallies);
  }

  #write(tallies: Map<string, Map<string, Tally>>): void {
    for (const [service, routes] of tallies) {
      for (const [route, t] of routes) this.#upsert.run(service, route, t.spans, t.logs, t.requests, t.errors, t.lastNs);
    }
  }
}

function add(tallies: Map<string, Map<string, Tally>>, service: string, route: string, timeNs: bigint): Tally {
  let routes = tallies.get(service);
  if (!routes) tallies.set(service, (routes = new Map()));
  let tally = routes.get(route);
  if (!tally) routes.set(route, (tally = { spans: 0, logs: 0, requests: 0, errors: 0, lastNs: 0n }));
  if (timeNs > tally.lastNs) tally.lastNs = timeNs;
  return tally;
}
