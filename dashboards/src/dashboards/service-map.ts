// Service map: who calls whom, how often, how slowly and how often it fails —
// from Tempo's service graph, so uninstrumented peers (databases, brokers) show too.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { threadlineDashboard } from '../dashboard.ts';
import { Grid } from '../layout.ts';
import { nodeGraph, table, warnAt } from '../panels.ts';
import { rate, RATE_WINDOW } from '../promql.ts';
import { prom, serviceMap } from '../queries.ts';
import { redCells } from '../red.ts';
import { acrossServices } from '../variables.ts';

const EDGE = ['client', 'server'];

// Edges where the selected service is either end: `or` keeps each edge once.
function touching(metric: string, window: string): string {
  return `${rate(metric, ['client=~"$service"'], window)} or ${rate(metric, ['server=~"$service"'], window)}`;
}

function edgeRate(metric: string, window: string, by: readonly string[] = EDGE): string {
  return `sum by (${by.join(', ')}) (${touching(metric, window)})`;
}

function edgeFailureRatio(window: string): string {
  return `${edgeRate('traces_service_graph_request_failed_total', window)} / ${edgeRate('traces_service_graph_request_total', window)}`;
}

function edgeP95(window: string): string {
  return `histogram_quantile(0.95, ${edgeRate('traces_service_graph_request_server_seconds_bucket', window, ['le', ...EDGE])})`;
}

export function serviceMapDashboard(): Dashboard {
  const edges = table(
    { title: 'Edges now', description: 'Each caller → callee pair over the last 5 minutes, busiest first.' },
    [
      { query: prom(edgeRate('traces_service_graph_request_total', '5m'), '', { instant: true }), header: 'Requests/s', unit: 'reqps' },
      { query: prom(edgeFailureRatio('5m'), '', { instant: true }), header: 'Failed', unit: 'percentunit', steps: warnAt(0.01, 0.05) },
      { query: prom(edgeP95('5m'), '', { instant: true }), header: 'p95', unit: 's', steps: warnAt(0.5, 1) },
    ],
  );

  const grid = new Grid()
    .line(
      16,
      [
        24,
        nodeGraph(
          {
            title: 'Service graph',
            description: 'Nodes are services (and the databases and brokers they call); edges show request rate and failures. Click a node for its traces and metrics.',
          },
          serviceMap(),
        ),
      ],
    )
    .section('Edges touching the selected services')
    .line(
      8,
      ...redCells({
        what: 'calls by edge',
        rate: edgeRate('traces_service_graph_request_total', RATE_WINDOW),
        errors: edgeFailureRatio(RATE_WINDOW),
        latency: edgeP95(RATE_WINDOW),
        legend: '{{client}} → {{server}}',
        exemplars: false,
      }),
    )
    .line(8, [24, edges]);

  return threadlineDashboard({
    key: 'map',
    description: "Tempo's service graph: every call between services with its rate, failures and latency.",
    variables: acrossServices(),
    grid,
    next: ['overview', 'detail', 'explorer'],
  });
}
