// RED panels (rate, errors, duration) for the agent's HTTP server histogram,
// shared by the overview (per service) and the service detail (per route).
import { prom } from './queries.ts';
import { quantile, SERVER_DURATION } from './promql.ts';
import { timeseries } from './panels.ts';
import type { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

export const QUANTILES = [
  [0.5, 'p50'],
  [0.95, 'p95'],
  [0.99, 'p99'],
] as const;

// Latency from the raw buckets, exemplars on: a dot on the line opens the trace.
export function latencyPanel(title: string, q: number, by: readonly string[], matchers: readonly string[], legend: string): TimeseriesPanel {
  return timeseries(
    {
      title,
      description: `${q * 100}th percentile of server-side request duration. Dots are exemplars: click one to open the trace of that request.`,
    },
    's',
    [prom(quantile(q, SERVER_DURATION, by, matchers), legend, { exemplar: true })],
  );
}
