// Service detail: one service end to end — its routes, what it calls, what it
// consumes, and the error logs and slow traces that explain a bad graph.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { loki, prometheusVariable } from '../datasources.ts';
import { threadlineDashboard } from '../dashboard.ts';
import { Grid } from '../layout.ts';
import { logs, stat, table, timeseries, traceTable, warnAt } from '../panels.ts';
import {
  CLIENT_DURATION,
  failureRatio,
  MESSAGING_DURATION,
  onInstance,
  onRoute,
  onService,
  quantile,
  requestRate,
  RPC_CLIENT_DURATION,
  RPC_SERVER_DURATION,
  rpcNotOk,
  rpcServerFaults,
  SERVER_DURATION,
  selector,
  serverErrors,
} from '../promql.ts';
import { logql, prom, traceql } from '../queries.ts';
import { redCells } from '../red.ts';
import { instanceVariable, routeVariable, serviceVariable } from '../variables.ts';

const server = [onService, onInstance, onRoute];
const scoped = [onService, onInstance];
const byRoute = ['http_request_method', 'http_route'];
const byRpcMethod = ['rpc_service', 'rpc_method'];

// The same objective the latency SLO uses: slower than this is a slow request.
export const SLOW_TRACES = `{ resource.service.name = "$service" && (status = error || duration > 500ms) }`;

export function serviceDetail(): Dashboard {
  const routes = table(
    {
      title: 'Routes now',
      description: 'Each route over the last 5 minutes, busiest first.',
    },
    [
      {
        query: prom(selector('service_route:http_server_requests:rate5m', onService, onRoute), '', { instant: true }),
        header: 'Requests/s',
        unit: 'reqps',
      },
      {
        query: prom(selector('service_route:http_server_error_ratio:rate5m', onService, onRoute), '', { instant: true }),
        header: 'Errors',
        unit: 'percentunit',
        steps: warnAt(0.01, 0.05),
      },
      {
        query: prom(quantile(0.95, SERVER_DURATION, ['service', ...byRoute], [onService, onRoute], '5m'), '', {
          instant: true,
        }),
        header: 'p95',
        unit: 's',
        steps: warnAt(0.5, 1),
      },
    ],
    ['service'],
  );

  const grid = new Grid()
    .line(
      4,
      [6, stat({ title: 'Requests/s', description: 'Selected instances and routes.' }, 'reqps', prom(requestRate(SERVER_DURATION, [], server), 'requests'))],
      [
        6,
        stat(
          { title: 'Error ratio', description: 'Share of requests answered with a 5xx.' },
          'percentunit',
          prom(failureRatio(SERVER_DURATION, serverErrors, [], server), 'errors'),
          warnAt(0.01, 0.05),
        ),
      ],
      [
        6,
        stat(
          { title: 'Latency p95', description: 'Server-side request duration, 95th percentile.' },
          's',
          prom(quantile(0.95, SERVER_DURATION, [], server), 'p95'),
          warnAt(0.5, 1),
        ),
      ],
      [
        6,
        stat(
          { title: 'Instances', description: 'Instances of this service whose metrics are being scraped.' },
          'short',
          prom(`count(${selector('process_start_time_seconds', ...scoped)})`, 'instances'),
          [
            [null, 'red'],
            [1, 'green'],
          ],
        ),
      ],
    )
    .section('Routes')
    .line(
      8,
      ...redCells({
        what: 'requests by route',
        rate: requestRate(SERVER_DURATION, byRoute, server),
        errors: failureRatio(SERVER_DURATION, serverErrors, byRoute, server),
        latency: quantile(0.95, SERVER_DURATION, byRoute, server),
        legend: '{{http_request_method}} {{http_route}}',
        exemplars: true,
      }),
    )
    .line(
      8,
      [
        12,
        timeseries({ title: 'Responses by status code', description: 'Which status codes the service is answering with.' }, 'reqps', [
          prom(requestRate(SERVER_DURATION, ['http_response_status_code'], server), '{{http_response_status_code}}'),
        ]),
      ],
      [12, routes],
    )
    .section('Dependencies (outgoing HTTP)')
    .line(
      8,
      ...redCells({
        what: 'calls by dependency',
        rate: requestRate(CLIENT_DURATION, ['server_address'], scoped),
        // "error" is the agent's status for a call that got no response at all.
        errors: failureRatio(CLIENT_DURATION, 'http_response_status_code=~"5..|error"', ['server_address'], scoped),
        latency: quantile(0.95, CLIENT_DURATION, ['server_address'], scoped),
        legend: '{{server_address}}',
        exemplars: true,
      }),
    )
    .section('gRPC calls served')
    .line(
      8,
      ...redCells({
        what: 'gRPC calls served by method',
        rate: requestRate(RPC_SERVER_DURATION, byRpcMethod, scoped),
        // The caller's mistakes (NOT_FOUND, INVALID_ARGUMENT, …) are not the server failing.
        errors: failureRatio(RPC_SERVER_DURATION, rpcServerFaults, byRpcMethod, scoped),
        latency: quantile(0.95, RPC_SERVER_DURATION, byRpcMethod, scoped),
        legend: '{{rpc_service}}/{{rpc_method}}',
        exemplars: true,
        rateUnit: 'ops',
      }),
    )
    .line(
      8,
      [
        24,
        timeseries({ title: 'gRPC calls served by status code', description: 'Which gRPC status codes the service ends its calls with (0 is OK).' }, 'ops', [
          prom(requestRate(RPC_SERVER_DURATION, ['rpc_grpc_status_code'], scoped), '{{rpc_grpc_status_code}}'),
        ]),
      ],
    )
    .section('gRPC calls made')
    .line(
      8,
      ...redCells({
        what: 'gRPC calls made by method',
        rate: requestRate(RPC_CLIENT_DURATION, byRpcMethod, scoped),
        // For the caller every code but OK is a failed call.
        errors: failureRatio(RPC_CLIENT_DURATION, rpcNotOk, byRpcMethod, scoped),
        latency: quantile(0.95, RPC_CLIENT_DURATION, byRpcMethod, scoped),
        legend: '{{rpc_service}}/{{rpc_method}}',
        exemplars: true,
        rateUnit: 'ops',
      }),
    )
    .section('Message consumers')
    .line(
      8,
      ...redCells({
        what: 'messages by queue',
        rate: requestRate(MESSAGING_DURATION, ['messaging_destination_name'], scoped),
        errors: failureRatio(MESSAGING_DURATION, 'outcome="failure"', ['messaging_destination_name'], scoped),
        latency: quantile(0.95, MESSAGING_DURATION, ['messaging_destination_name'], scoped),
        legend: '{{messaging_destination_name}}',
        exemplars: true,
        rateUnit: 'ops',
      }),
    )
    .section('Logs and traces')
    .line(
      6,
      [
        24,
        timeseries(
          { title: 'Log lines by level', description: 'A jump in error or warn lines often comes before the metrics move.' },
          'short',
          [logql('sum by (level) (count_over_time({service_name="$service"} [$__auto]))', '{{level}}')],
          loki,
        ),
      ],
    )
    .line(
      10,
      [
        24,
        logs({ title: 'Error logs', description: 'Recent error and fatal lines. Expand one to follow its trace_id to Tempo.' }, [
          logql('{service_name="$service", level=~"error|fatal"} | json'),
        ]),
      ],
    )
    .line(
      10,
      [
        24,
        traceTable(
          { title: 'Slow or failed traces', description: 'Traces through this service that failed or took longer than 500 ms. Click a trace ID to open it.' },
          traceql(SLOW_TRACES, 20),
        ),
      ],
    );

  return threadlineDashboard({
    key: 'detail',
    description: 'One service: RED per route, outgoing dependencies, gRPC calls served and made, message consumers, error logs and slow traces.',
    variables: [prometheusVariable(), serviceVariable({ multi: false }), instanceVariable(), routeVariable()],
    grid,
    next: ['overview', 'runtime', 'explorer', 'map'],
  });
}
