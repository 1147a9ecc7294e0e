// Services overview: the first screen on call. Which service is unhealthy, and how badly?
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { prometheusVariable } from '../datasources.ts';
import { threadlineDashboard } from '../dashboard.ts';
import { Grid } from '../layout.ts';
import { drillDown } from '../links.ts';
import { linkColumn, stat, table, timeseries, warnAt } from '../panels.ts';
import { onService, selector } from '../promql.ts';
import { prom } from '../queries.ts';
import { latencyPanel, QUANTILES } from '../red.ts';
import { serviceVariable } from '../variables.ts';

const requests = selector('service:http_server_requests:rate5m', onService);
const errors = selector('service:http_server_errors:rate5m', onService);
const errorRatio = selector('service:http_server_error_ratio:rate5m', onService);
const latency = (p: string): string => selector(`service:http_server_request_duration_seconds:${p}_5m`, onService);

const routeLegend = '{{service}} {{http_request_method}} {{http_route}}';

export function servicesOverview(): Dashboard {
  const health = table(
    {
      title: 'Service health',
      description: 'Every service over the last 5 minutes. Red cells need attention; click a service to open its detail dashboard.',
    },
    [
      { query: prom(requests, '', { instant: true }), header: 'Requests/s', unit: 'reqps' },
      { query: prom(errorRatio, '', { instant: true }), header: 'Errors', unit: 'percentunit', steps: warnAt(0.01, 0.05) },
      ...QUANTILES.map(([, p]) => ({
        query: prom(latency(p), '', { instant: true }),
        header: p,
        unit: 's',
        steps: warnAt(0.5, 1),
      })),
    ],
  );

  const grid = new Grid()
    .line(
      4,
      [6, stat({ title: 'Requests/s', description: 'All selected services together.' }, 'reqps', prom(`sum(${requests})`, 'requests'))],
      [
        6,
        stat(
          { title: 'Error ratio', description: 'Share of requests answered with a 5xx, all selected services together.' },
          'percentunit',
          prom(`sum(${errors}) / sum(${requests})`, 'errors'),
          warnAt(0.01, 0.05),
        ),
      ],
      [
        6,
        stat(
          { title: 'Slowest p99', description: 'The p99 latency of the slowest selected service.' },
          's',
          prom(`max(${latency('p99')})`, 'p99'),
          warnAt(0.5, 1),
        ),
      ],
      [
        6,
        stat(
          { title: 'Firing alerts', description: 'Alerts firing anywhere in the stack; the SLOs and alerts dashboard lists them.' },
          'short',
          prom('count(ALERTS{alertstate="firing"}) or vector(0)', 'alerts'),
          [
            [null, 'green'],
            [1, 'red'],
          ],
        ),
      ],
    )
    .section('Services')
    .line(8, [24, linkColumn(health, 'service', drillDown('detail', 'service', 'service'))])
    .line(
      8,
      [12, timeseries({ title: 'Request rate', description: 'Requests per second handled by each service.' }, 'reqps', [prom(requests, '{{service}}')])],
      [
        12,
        timeseries({ title: 'Error ratio', description: 'Share of each service\'s requests answered with a 5xx.' }, 'percentunit', [
          prom(errorRatio, '{{service}}'),
        ]),
      ],
    )
    .line(8, ...QUANTILES.map(([q, p]) => [8, latencyPanel(`Latency ${p}`, q, ['service'], [onService], '{{service}}')] as const))
    .section('Routes')
    .line(
      9,
      [
        8,
        timeseries({ title: 'Request rate by route', description: 'Requests per second per route template.' }, 'reqps', [
          prom(selector('service_route:http_server_requests:rate5m', onService), routeLegend),
        ]),
      ],
      [
        8,
        timeseries({ title: 'Error ratio by route', description: 'Share of 5xx answers per route: which endpoint is failing.' }, 'percentunit', [
          prom(selector('service_route:http_server_error_ratio:rate5m', onService), routeLegend),
        ]),
      ],
      [
        8,
        timeseries({ title: 'Latency p95 by route', description: 'p95 request duration per route: which endpoint is slow.' }, 's', [
          prom(selector('service_route:http_server_request_duration_seconds:p95_5m', onService), '{{service}} {{http_route}}'),
        ]),
      ],
    );

  return threadlineDashboard({
    key: 'overview',
    description: 'RED metrics (rate, errors, duration) of every Threadline service and route.',
    variables: [prometheusVariable(), serviceVariable({ multi: true })],
    grid,
    next: ['slo', 'detail', 'map'],
  });
}
