// Request explorer: one request across every service. Paste the correlation ID
// from a response header, a log line or an alert, or a trace ID from an exemplar.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { loki } from '../datasources.ts';
import { threadlineDashboard } from '../dashboard.ts';
import { Grid } from '../layout.ts';
import { asStackedBars, logs, note, timeseries, traceTable, traceView } from '../panels.ts';
import { logql, traceById, traceql } from '../queries.ts';
import { logServiceVariable, textVariable } from '../variables.ts';

// The line filter runs first and cheaply; the JSON field match then drops lines
// that merely mention the ID (e.g. a message quoting another request).
const byField = (field: string, variable: string): string =>
  `{service_name=~"$service"} |= "$${variable}" | json | ${field} = "$${variable}"`;

const HOW_TO = [
  'Paste a **correlation ID** (the `x-correlation-id` response header, or `correlation_id` in any log line) to see every log line',
  'and trace of that request across services, or a **trace ID** (from an exemplar or a `trace_id` field) to open the trace.',
  'In a log line, the `trace_id` field links to the trace.',
].join(' ');

export function requestExplorer(): Dashboard {
  const grid = new Grid()
    .line(3, [24, note('How to use', HOW_TO)])
    .section('By correlation ID')
    .line(
      8,
      [
        12,
        asStackedBars(
          timeseries(
            { title: 'Services that logged this request', description: 'Log lines carrying the correlation ID, per service: the path the request took.' },
            'short',
            [logql(`sum by (service_name) (count_over_time(${byField('correlation_id', 'correlation_id')} [$__auto]))`, '{{service_name}}')],
            loki,
          ),
        ),
      ],
      [
        12,
        traceTable(
          { title: 'Traces with this correlation ID', description: 'Every trace whose spans carry the correlation ID (async work can start new traces).' },
          traceql('{ span.correlation.id = "$correlation_id" }', 50),
        ),
      ],
    )
    .line(
      14,
      [
        24,
        logs({ title: 'Log lines for this correlation ID', description: 'Every service, oldest at the bottom. Expand a line for its trace link.' }, [
          logql(byField('correlation_id', 'correlation_id')),
        ]),
      ],
    )
    .section('By trace ID')
    .line(14, [24, traceView({ title: 'Trace', description: 'The whole trace: which service spent the time and which span failed.' }, traceById('$trace_id'))])
    .line(
      10,
      [24, logs({ title: 'Log lines for this trace', description: 'Log lines written while this trace was active, from every service.' }, [logql(byField('trace_id', 'trace_id'))])],
    );

  return threadlineDashboard({
    key: 'explorer',
    description: 'Everything about one request: log lines of every service by correlation ID, and its traces.',
    variables: [
      textVariable('correlation_id', 'Correlation ID', 'Value of the x-correlation-id header or correlation_id log field.'),
      textVariable('trace_id', 'Trace ID', '32 hex characters, from an exemplar or a trace_id log field.'),
      logServiceVariable(),
    ],
    grid,
    next: ['detail', 'map'],
    time: 'now-6h',
  });
}
