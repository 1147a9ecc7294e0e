// The viewer's HTTP API as the pages use it (viewer-spec.md's contract), and one way to call it.

export type { LogJson, SpanJson } from '../api-types.ts';
import type { LogJson, SpanJson } from '../api-types.ts';

export interface RequestJson {
  id: string;
  traces: { traceId: string; spans: SpanJson[] }[];
  logs: LogJson[];
  window?: { from: number; to: number };
}

export interface SearchRow {
  traceId: string;
  correlationId: string | null;
  service: string;
  route: string | null;
  name: string;
  start: number;
  durationMs: number;
  error: boolean;
  httpStatus: number | null;
  spanCount: number;
  errorSpans: number;
  services: string[];
}

export interface SearchJson {
  requests: SearchRow[];
  next: string | number | null;
}

/** A route as /api/services lists it; older answers (and /api/metrics/routes) give bare names. */
export type RouteEntry = string | { route: string; requests?: number; errors?: number };

export function routeName(entry: RouteEntry): string {
  return typeof entry === 'string' ? entry : entry.route;
}

export interface ServiceJson {
  name: string;
  spans: number;
  logs: number;
  lastSeen: number;
  routes: RouteEntry[];
}

export interface MapJson {
  nodes: { service: string }[];
  edges: { from: string; to: string; kind: string; calls: number; errors: number; rate: number; p95Ms?: number }[];
}

export interface LogsJson {
  logs: LogJson[];
  last: number;
}

export interface RedJson {
  step: number;
  points: { t: number; rate: number; errorRatio: number | null; p50: number | null; p95: number | null; p99: number | null }[];
  exemplars: { t: number; value: number; traceId: string }[];
}

export interface AlertJson {
  fingerprint: string;
  alertname: string;
  status: 'firing' | 'resolved';
  service: string;
  severity: string;
  startsAt: number;
  endsAt: number | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

type Params = Record<string, string | number | undefined | null>;

export function apiPath(path: string, params: Params = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** GET a JSON answer; a non-2xx answer becomes an ApiError carrying the server's one-line reason. */
export async function getJson<T>(path: string, params: Params, signal: AbortSignal): Promise<T> {
  const response = await fetch(apiPath(path, params), { signal, headers: { accept: 'application/json' } });
  if (!response.ok) {
    const text = await response.text();
    let message = text.trim();
    try {
      const body = JSON.parse(text) as { error?: unknown };
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // the body was the plain-text reason
    }
    throw new ApiError(response.status, message || `${response.status} ${response.statusText}`);
  }
  return (await response.json()) as T;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
