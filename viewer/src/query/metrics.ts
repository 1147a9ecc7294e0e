// GET /api/metrics/red, /api/metrics/routes and /api/targets: the scraped RED histograms as points for the
// Services page's charts, the routes they cover, and how each scrape target is doing.
import { BadRequestError } from '../receive/bad-request.ts';
import { optionalString, optionalTime } from './params.ts';
import type { Scraper } from '../scrape/scraper.ts';
import type { Handler } from '../server/router.ts';
import { sendJson } from '../server/respond.ts';
import { DEFAULT_RED_METRIC, RED_METRICS } from '../store/metrics-red.ts';
import type { MetricsTable } from '../store/metrics-table.ts';
import { redWindow, type RedQuery } from '../store/metrics-window.ts';

/** Prometheus's own bound on points per series in one query. */
export const MAX_POINTS = 11_000;
const HOUR = 3_600_000;
const MAX_RANGE_MS = 31 * 24 * HOUR;
/** Points a chart gets by default. */
const DEFAULT_POINTS = 240;

function metricParam(url: URL): string {
  const raw = optionalString(url, 'metric', 100) ?? DEFAULT_RED_METRIC;
  const metric = RED_METRICS[raw] !== undefined ? raw : `${raw}_duration_seconds`;
  if (RED_METRICS[metric] === undefined) throw new BadRequestError(`metric ${JSON.stringify(raw)} is not kept; use one of ${Object.keys(RED_METRICS).join(', ')}`);
  return metric;
}

/** `step` is milliseconds, or a duration such as 30s, 5m, 1h. */
function stepParam(url: URL): number | undefined {
  const raw = optionalString(url, 'step', 20);
  if (raw === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw);
  const unit = { ms: 1, s: 1000, m: 60_000, h: HOUR }[match?.[2] ?? 'ms'] ?? 1;
  const step = match === null ? NaN : Math.round(Number(match[1]) * unit);
  if (!Number.isFinite(step) || step < 1000) throw new BadRequestError(`step must be at least 1000 ms, in ms or as 30s, 5m, 1h; got ${JSON.stringify(raw)}`);
  return step;
}

export function redQuery(url: URL, now: number, intervalMs: number): RedQuery {
  const to = optionalTime(url, 'to') ?? now;
  const from = optionalTime(url, 'from') ?? to - HOUR;
  if (from >= to) throw new BadRequestError(`from (${from}) must be before to (${to})`);
  if (to - from > MAX_RANGE_MS) throw new BadRequestError(`the window from..to is over 31 days`);
  // A step below the scrape interval would show most points empty; the default keeps a chart's worth of points.
  const step = stepParam(url) ?? Math.max(intervalMs, Math.ceil((to - from) / DEFAULT_POINTS / 1000) * 1000);
  if ((to - from) / step > MAX_POINTS) throw new BadRequestError(`from..to over step makes more than ${MAX_POINTS} points; raise step`);
  return { metric: metricParam(url), service: optionalString(url, 'service'), route: optionalString(url, 'route', 500), from, to, step };
}

export interface MetricsQueryOptions {
  /** The scrape interval: the smallest default step. */
  readonly intervalMs: number;
  readonly now?: () => number;
}

/** GET /api/metrics/red?service=&route=&from=&to=&step=&metric= */
export function redHandler(table: MetricsTable, options: MetricsQueryOptions): Handler {
  const now = options.now ?? Date.now;
  return (_request, response, { url }) => sendJson(response, 200, redWindow(table, redQuery(url, now(), options.intervalMs)));
}

/** GET /api/metrics/routes?service=&metric= */
export function routesHandler(table: MetricsTable): Handler {
  return (_request, response, { url }) => {
    const metric = metricParam(url);
    const service = optionalString(url, 'service');
    sendJson(response, 200, { service: service ?? null, metric, routes: table.routes(metric, service) });
  };
}

/** GET /api/targets */
export function targetsHandler(scraper: Scraper | undefined): Handler {
  return (_request, response) => sendJson(response, 200, scraper === undefined ? { intervalMs: null, targets: [], files: [] } : scraper.status());
}
