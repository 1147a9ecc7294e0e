// Services overview: the first screen on call. Which service is unhealthy, and how badly?
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { threadlineDashboard } from '../dashboard.ts';
import { Grid } from '../layout.ts';
import { drillDown } from '../links.ts';
import { linkColumn, stat, table, timeseries, warnAt } from '../panels.ts';
import { onService, selector } from '../promql.ts';
import { prom } from '../queries.ts';
import { latencyCell, QUANTILES, redCells } from '../red.ts';
import { acrossServices } from '../variables.ts';

const requests = selector('service:http_server_requests:rate5m', onService);
const errors = selector('service:http_server_errors:rate5m', onService);
const errorRatio = selector('service:http_server_error_ratio:rate5m', onService);
const latency = (p: string): string => selector(`service:http_server_request_duration_seconds:${p}_5m`, onService);

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
    .line(8, ...QUANTILES.map(([q, p]) => latencyCell(q, p, ['service'], [onService], '{{service}}')))
    .section('Routes')
    .line(
      9,
      ...redCells({
        what: 'requests by route',
        rate: selector('service_route:http_server_requests:rate5m', onService),
        errors: selector('service_route:http_server_error_ratio:rate5m', onService),
        latency: selector('service_route:http_server_request_duration_seconds:p95_5m', onService),
        legend: '{{service}} {{http_request_method}} {{http_route}}',
        exemplars: false,
      }),
    );

  return threadlineDashboard({
    key: 'overview',
    description: 'RED metrics (rate, errors, duration) of every Threadline service and route.',
    variables: acrossServices(),
    grid,
    next: ['slo', 'detail', 'map'],
  });
}
