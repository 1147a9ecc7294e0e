// Writes spans: each span's resource attributes are kept once per distinct resource.
import { createHash } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { SpanRow } from './rows.ts';

export class TracesTable {
  readonly #insertSpan: StatementSync;
  readonly #insertResource: StatementSync;
  readonly #findResource: StatementSync;
  /** resource JSON → id; resources repeat in every batch a service sends. */
  readonly #resourceIds = new Map<string, number>();
  /** The spans of one batch share their resource object: look it up once. */
  readonly #byObject = new WeakMap<object, number>();

  constructor(db: DatabaseSync) {
    this.#insertSpan = db.prepare(`INSERT INTO spans (trace_id, span_id, parent_span_id, service, name, kind, start_ns, duration_ms,
      status_code, status_message, route, http_status, correlation_id, is_root, attributes, events, scope, resource_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#insertResource = db.prepare('INSERT INTO resources (hash, attributes) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING');
    this.#findResource = db.prepare('SELECT id FROM resources WHERE hash = ?');
  }

  insert(spans: readonly SpanRow[]): void {
    for (const span of spans) {
      this.#insertSpan.run(
        span.traceId,
        span.spanId,
        span.parentSpanId,
        span.service,
        span.name,
        span.kind,
        span.startNs,
        span.durationMs,
        span.statusCode,
        span.statusMessage,
        span.route,
        span.httpStatus,
        span.correlationId,
        span.parentSpanId === '' ? 1 : 0,
        JSON.stringify(span.attributes),
        span.events.length > 0 ? JSON.stringify(span.events) : null,
        span.scope,
        this.#resourceId(span.resource),
      );
    }
  }

  #resourceId(resource: SpanRow['resource']): number {
    const known = this.#byObject.get(resource);
    if (known !== undefined) return known;
    const id = this.#resourceIdOf(resource);
    this.#byObject.set(resource, id);
    return id;
  }

  #resourceIdOf(resource: SpanRow['resource']): number {
    const json = JSON.stringify(resource);
    const cached = this.#resourceIds.get(json);
    if (cached !== undefined) return cached;
    const hash = createHash('sha256').update(json).digest('base64url');
    this.#insertResource.run(hash, json);
    const id = Number((this.#findResource.get(hash) as { id: number | bigint }).id);
    if (this.#resourceIds.size >= 10_000) this.#resourceIds.clear();
    this.#resourceIds.set(json, id);
    return id;
  }
}
