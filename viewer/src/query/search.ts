// Requests (root spans) matching the filters, newest first, each with its trace's span and error counts.
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { BadRequestError } from '../receive/bad-request.ts';
import type { LogReader } from '../store/log-reader.ts';
import { msToNs, optionalNumber, optionalString, optionalTime } from './params.ts';
import { nsToMs } from './rows-out.ts';

export interface SearchFilters {
  readonly service?: string;
  readonly route?: string;
  /** 'error', 'ok', a status class ('5xx') or an HTTP status code. */
  readonly status?: string;
  readonly minDurationMs?: number;
  readonly from?: number;
  readonly to?: number;
  /** Text that one of the request's log lines contains. */
  readonly q?: string;
  readonly limit?: number;
  /** Paging: only requests that started before this (startTimeUnixNano of the last one seen). */
  readonly before?: string;
}

const STATUS = /^(error|ok|[1-5]xx|[1-5]\d\d)$/;
/** A request is an error when its root says so or any of its spans does. */
const IS_ERROR = '(s.status_code = 2 OR s.http_status >= 500 OR EXISTS (SELECT 1 FROM spans e WHERE e.trace_id = s.trace_id AND e.status_code = 2))';

export function searchFilters(url: URL): SearchFilters {
  const status = optionalString(url, 'status', 10);
  if (status !== undefined && !STATUS.test(status)) throw new BadRequestError(`status must be error, ok, a class such as 5xx, or a code such as 503; got ${JSON.stringify(status)}`);
  const before = optionalString(url, 'before', 20);
  if (before !== undefined && !/^\d+$/.test(before)) throw new BadRequestError('before must be a startTimeUnixNano from a previous page');
  return {
    service: optionalString(url, 'service'),
    route: optionalString(url, 'route', 500),
    status,
    minDurationMs: optionalNumber(url, 'minDurationMs', 0, 1e9),
    from: optionalTime(url, 'from'),
    to: optionalTime(url, 'to'),
    q: optionalString(url, 'q', 500),
    limit: optionalNumber(url, 'limit', 1, 500),
    before,
  };
}

interface Root {
  trace_id: string;
  span_id: string;
  service: string;
  name: string;
  route: string | null;
  start_ns: string;
  duration_ms: number;
  status_code: number;
  http_status: number | null;
  correlation_id: string | null;
}

interface TraceSummary {
  trace_id: string;
  spans: number;
  errors: number;
  services: string;
}

/** Text search reads the newest this many matching lines: recent requests are what a search is for. */
export const TEXT_MATCH_LINES = 5000;

export function search(db: DatabaseSync, logs: LogReader, filters: SearchFilters) {
  const where = ['s.is_root = 1'];
  const args: SQLInputValue[] = [];
  if (filters.service !== undefined) {
    where.push('s.service = ?');
    args.push(filters.service);
  }
  if (filters.route !== undefined) {
    where.push('s.route = ?');
    args.push(filters.route);
  }
  if (filters.from !== undefined) {
    where.push('s.start_ns >= ?');
    args.push(msToNs(filters.from));
  }
  if (filters.to !== undefined) {
    where.push('s.start_ns <= ?');
    args.push(msToNs(filters.to));
  }
  if (filters.before !== undefined) {
    where.push('s.start_ns < ?');
    args.push(BigInt(filters.before));
  }
  if (filters.minDurationMs !== undefined) {
    where.push('s.duration_ms >= ?');
    args.push(filters.minDurationMs);
  }
  const status = filters.status;
  if (status === 'error') where.push(IS_ERROR);
  else if (status === 'ok') where.push(`NOT ${IS_ERROR}`);
  else if (status !== undefined && status.endsWith('xx')) {
    where.push('s.http_status BETWEEN ? AND ?');
    args.push(Number(status[0]) * 100, Number(status[0]) * 100 + 99);
  } else if (status !== undefined) {
    where.push('s.http_status = ?');
    args.push(Number(status));
  }
  if (filters.q !== undefined) {
    const traceIds = new Set<string>();
    for (const line of logs.find({ text: filters.q, limit: TEXT_MATCH_LINES })) if (line.traceId !== null) traceIds.add(line.traceId);
    where.push('s.trace_id IN (SELECT value FROM json_each(?))');
    args.push(JSON.stringify([...traceIds]));
  }
  const limit = filters.limit ?? 50;
  const roots = db
    .prepare(`SELECT s.trace_id, s.span_id, s.service, s.name, s.route, CAST(s.start_ns AS TEXT) AS start_ns, s.duration_ms, s.status_code, s.http_status, s.correlation_id
      FROM spans s WHERE ${where.join(' AND ')} ORDER BY s.start_ns DESC LIMIT ?`)
    .all(...args, limit) as unknown as Root[];
  const summaries = new Map<string, TraceSummary>();
  if (roots.length > 0) {
    const ids = [...new Set(roots.map((root) => root.trace_id))];
    const rows = db
      .prepare(`SELECT trace_id, count(*) AS spans, sum(status_code = 2) AS errors, json_group_array(DISTINCT service) AS services FROM spans WHERE trace_id IN (${ids.map(() => '?').join(',')}) GROUP BY trace_id`)
      .all(...ids) as unknown as TraceSummary[];
    for (const row of rows) summaries.set(row.trace_id, row);
  }
  const requests = roots.map((root) => {
    const summary = summaries.get(root.trace_id);
    const errorSpans = Number(summary?.errors ?? 0);
    return {
      traceId: root.trace_id,
      correlationId: root.correlation_id,
      service: root.service,
      route: root.route,
      name: root.name,
      start: nsToMs(root.start_ns),
      startTimeUnixNano: root.start_ns,
      durationMs: root.duration_ms,
      error: root.status_code === 2 || (root.http_status ?? 0) >= 500 || errorSpans > 0,
      httpStatus: root.http_status,
      spanCount: Number(summary?.spans ?? 1),
      errorSpans,
      services: summary ? (JSON.parse(summary.services) as string[]).sort() : [root.service],
    };
  });
  return { requests, next: requests.length === limit ? requests[requests.length - 1]!.startTimeUnixNano : null };
}
