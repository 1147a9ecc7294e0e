// One request: every trace and log line that shares its trace ID or correlation ID.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LOG_COLUMNS, SPAN_COLUMNS, logOut, spanOut, type LogRecord, type SpanRecord } from './rows-out.ts';

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
  readonly #logsOfTrace: StatementSync;
  readonly #logsOfCorrelation: StatementSync;

  constructor(db: DatabaseSync) {
    this.#spansOfTrace = db.prepare(`SELECT ${SPAN_COLUMNS} FROM spans s JOIN resources r ON r.id = s.resource_id WHERE s.trace_id = ? ORDER BY s.start_ns LIMIT ${MAX_SPANS}`);
    this.#correlationsOfTrace = db.prepare('SELECT DISTINCT correlation_id FROM spans WHERE trace_id = ? AND correlation_id IS NOT NULL LIMIT 10');
    this.#tracesOfCorrelation = db.prepare(`SELECT trace_id FROM (
        SELECT trace_id, min(start_ns) AS t FROM spans WHERE correlation_id = ? GROUP BY trace_id
        UNION ALL
        SELECT trace_id, min(time_ns) AS t FROM logs WHERE correlation_id = ? AND trace_id IS NOT NULL GROUP BY trace_id
      ) GROUP BY trace_id ORDER BY min(t) LIMIT ${MAX_TRACES}`);
    this.#logsOfTrace = db.prepare(`SELECT ${LOG_COLUMNS} FROM logs WHERE trace_id = ? LIMIT ${MAX_LOGS}`);
    this.#logsOfCorrelation = db.prepare(`SELECT ${LOG_COLUMNS} FROM logs WHERE correlation_id = ? LIMIT ${MAX_LOGS}`);
  }

  /** The request with this trace ID or correlation ID, or undefined when nothing has it. */
  find(id: string) {
    let traceIds: string[];
    let correlationIds: string[];
    const asTrace = id.toLowerCase();
    if (TRACE_ID.test(asTrace) && this.#spansOfTrace.get(asTrace) !== undefined) {
      traceIds = [asTrace];
      correlationIds = (this.#correlationsOfTrace.all(asTrace) as Array<{ correlation_id: string }>).map((row) => row.correlation_id);
    } else {
      correlationIds = [id];
      traceIds = (this.#tracesOfCorrelation.all(id, id) as Array<{ trace_id: string }>).map((row) => row.trace_id);
    }
    const traces = traceIds.map((traceId) => ({ traceId, spans: (this.#spansOfTrace.all(traceId) as unknown as SpanRecord[]).map(spanOut) })).filter((trace) => trace.spans.length > 0);

    const logs = new Map<number, ReturnType<typeof logOut>>();
    const addLogs = (rows: unknown[]): void => {
      for (const row of rows as LogRecord[]) if (logs.size < MAX_LOGS) logs.set(Number(row.id), logOut(row));
    };
    for (const traceId of traceIds) addLogs(this.#logsOfTrace.all(traceId));
    for (const correlationId of correlationIds) addLogs(this.#logsOfCorrelation.all(correlationId));
    if (traces.length === 0 && logs.size === 0) return undefined;
    const lines = [...logs.values()].sort((a, b) => (a.timeUnixNano === b.timeUnixNano ? a.id - b.id : BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1));

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
