// One request: every trace and log line that shares its trace ID or correlation ID.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { StoredLine } from '../store/log-block.ts';
import type { LogReader } from '../store/log-reader.ts';
import { SPAN_COLUMNS, logOut, spanOut, type SpanRecord } from './rows-out.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;
/** Bounds on one page, so that a runaway trace cannot take the viewer's memory. */
export const MAX_TRACES = 50;
export const MAX_SPANS = 20_000;
export const MAX_LOGS = 20_000;

export type RequestView = ReturnType<RequestQuery['find']>;

export class RequestQuery {
  readonly #spansOfTrace: StatementSync;
  readonly #correlationsOfTrace: StatementSync;
  readonly #tracesOfCorrelation: StatementSync;
  readonly #logs: LogReader;

  constructor(db: DatabaseSync, logs: LogReader) {
    this.#logs = logs;
    this.#spansOfTrace = db.prepare(`SELECT ${SPAN_COLUMNS} FROM spans s JOIN resources r ON r.id = s.resource_id WHERE s.trace_id = ? ORDER BY s.start_ns LIMIT ${MAX_SPANS}`);
    this.#correlationsOfTrace = db.prepare('SELECT DISTINCT correlation_id FROM spans WHERE trace_id = ? AND correlation_id IS NOT NULL LIMIT 10');
    this.#tracesOfCorrelation = db.prepare(`SELECT trace_id, CAST(min(start_ns) AS TEXT) AS t FROM spans WHERE correlation_id = ? GROUP BY trace_id ORDER BY min(start_ns) LIMIT ${MAX_TRACES}`);
  }

  /** The request with this trace ID or correlation ID, or undefined when nothing has it. */
  find(id: string) {
    let traceIds: string[];
    let correlationIds: string[];
    // Lines read to find the request, kept so that they are not read twice.
    const seen = new Map<number, StoredLine>();
    const keep = (lines: readonly StoredLine[]): readonly StoredLine[] => {
      for (const line of lines) if (seen.size < MAX_LOGS) seen.set(line.id, line);
      return lines;
    };
    const asTrace = id.toLowerCase();
    if (TRACE_ID.test(asTrace) && this.#spansOfTrace.get(asTrace) !== undefined) {
      traceIds = [asTrace];
      correlationIds = (this.#correlationsOfTrace.all(asTrace) as Array<{ correlation_id: string }>).map((row) => row.correlation_id);
    } else {
      correlationIds = [id];
      // The traces of its spans and of its lines, oldest first.
      const started = new Map<string, bigint>();
      for (const row of this.#tracesOfCorrelation.all(id) as Array<{ trace_id: string; t: string }>) started.set(row.trace_id, BigInt(row.t));
      for (const line of keep(this.#logs.withId('correlation', id, MAX_LOGS))) {
        if (line.traceId === null) continue;
        const t = BigInt(line.timeNs);
        if (!started.has(line.traceId) || t < started.get(line.traceId)!) started.set(line.traceId, t);
      }
      traceIds = [...started].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).slice(0, MAX_TRACES).map(([traceId]) => traceId);
    }
    const traces = traceIds.map((traceId) => ({ traceId, spans: (this.#spansOfTrace.all(traceId) as unknown as SpanRecord[]).map(spanOut) })).filter((trace) => trace.spans.length > 0);

    for (const traceId of traceIds) keep(this.#logs.withId('trace', traceId, MAX_LOGS - seen.size));
    // A correlation ID asked for was read above.
    for (const correlationId of correlationIds) if (correlationId !== id) keep(this.#logs.withId('correlation', correlationId, MAX_LOGS - seen.size));
    if (traces.length === 0 && seen.size === 0) return undefined;
    const lines = [...seen.values()].map(logOut).sort((a, b) => (a.timeUnixNano === b.timeUnixNano ? a.id - b.id : BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1));

    let from = Infinity;
    let to = -Infinity;
    for (const trace of traces) {
      for (const span of trace.spans) {
        from = Math.min(from, span.start);
        to = Math.max(to, span.start + span.durationMs);
      }
    }
    for (const line of lines) {
      from = Math.min(from, line.time);
      to = Math.max(to, line.time);
    }
    return { id, correlationIds, traces, logs: lines, window: { from, to } };
  }
}
