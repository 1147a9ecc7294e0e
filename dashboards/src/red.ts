// RED (rate, errors, duration) panels. Every view of a flow of work — HTTP
// routes, outgoing calls, consumed messages, service-graph edges — is shown as
// the same three panels side by side, so they read the same everywhere.
import type { Cell } from './layout.ts';
import { timeseries } from './panels.ts';
import { quantile, SERVER_DURATION } from './promql.ts';
import { prom } from './queries.ts';

export const QUANTILES = [
  [0.5, 'p50'],
  [0.95, 'p95'],
  [0.99, 'p99'],
] as const;

export interface Flow {
  // What is counted, as read in a title: "requests by route", "calls by dependency".
  what: string;
  rate: string;
  errors: string;
  latency: string;
  legend: string;
  // Only raw histogram queries carry exemplars; recorded series have none.
  exemplars: boolean;
  // Unit of the rate panel: requests or messages per second.
  rateUnit?: string;
}

export function redCells(flow: Flow): Cell[] {
  const rateUnit = flow.rateUnit ?? 'reqps';
  return [
    [8, timeseries({ title: `Rate: ${flow.what}`, description: `Per-second rate of ${flow.what}.` }, rateUnit, [prom(flow.rate, flow.legend)])],
    [
      8,
      timeseries(
        { title: `Errors: ${flow.what}`, description: `Share of ${flow.what} that failed: which one is breaking.` },
        'percentunit',
        [prom(flow.errors, flow.legend)],
      ),
    ],
    [
      8,
      timeseries(
        {
          title: `Duration p95: ${flow.what}`,
          description: `95th percentile duration of ${flow.what}.${flow.exemplars ? ' Dots are exemplars: click one to open its trace.' : ''}`,
        },
        's',
        [prom(flow.latency, flow.legend, { exemplar: flow.exemplars })],
      ),
    ],
  ];
}

// Latency from the raw buckets, exemplars on: a dot on the line opens the trace.
export function latencyCell(q: number, label: string, by: readonly string[], matchers: readonly string[], legend: string): Cell {
  return [
    8,
    timeseries(
      {
        title: `Latency ${label}`,
        description: `${label} of server-side request duration. Dots are exemplars: click one to open the trace of that request.`,
      },
      's',
      [prom(quantile(q, SERVER_DURATION, by, matchers), legend, { exemplar: true })],
    ),
  ];
}
