// Telemetry health: is the telemetry itself arriving? Open it when a dashboard
// goes quiet or the agents' drop alerts fire — before trusting any other graph.
import { MappingType } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { threadlineDashboard } from '../dashboard.ts';
import { Grid } from '../layout.ts';
import { stat, stateTimeline, timeseries } from '../panels.ts';
import type { Step } from '../panels.ts';
import { increase, onService, sumRate } from '../promql.ts';
import { prom } from '../queries.ts';
import { acrossServices } from '../variables.ts';

const bySvc = ['service'];
const anyIsBad: Step[] = [
  [null, 'green'],
  [1, 'red'],
];

function agentCounter(title: string, metric: string, description: string, steps: readonly Step[] = anyIsBad) {
  return stat({ title, description }, 'short', prom(`sum(${increase(metric, [onService], '$__range')}) or vector(0)`, title), steps);
}

export function telemetryHealth(): Dashboard {
  const grid = new Grid()
    .line(
      4,
      [6, agentCounter('Log lines dropped', 'threadline_logs_dropped_total', 'Lines the agents dropped in the time range because Loki could not keep up or was unreachable.')],
      [6, agentCounter('Spans dropped', 'threadline_spans_dropped_total', 'Spans the agents dropped in the time range: full export queue.')],
      [6, agentCounter('Export errors', 'threadline_export_errors_total', 'Failed exports of logs or traces in the time range.')],
      [
        6,
        agentCounter('Invalid correlation IDs', 'threadline_invalid_correlation_ids_total', 'Inbound correlation IDs that were malformed and replaced: a misbehaving client.', [
          [null, 'green'],
          [1, 'orange'],
        ]),
      ],
    )
    .section('Agents')
    .line(
      8,
      [
        12,
        timeseries({ title: 'Dropped telemetry', description: 'Log lines and spans dropped per second, per service.' }, 'short', [
          prom(sumRate('threadline_logs_dropped_total', bySvc, [onService]), 'logs {{service}}'),
          prom(sumRate('threadline_spans_dropped_total', bySvc, [onService]), 'spans {{service}}'),
        ]),
      ],
      [
        12,
        timeseries({ title: 'Export errors', description: 'Failed exports per second, by service and signal.' }, 'short', [
          prom(sumRate('threadline_export_errors_total', ['service', 'signal'], [onService]), '{{service}} {{signal}}'),
        ]),
      ],
    )
    .line(
      7,
      [
        24,
        stateTimeline({ title: 'Scrape targets up', description: 'Whether Prometheus reaches each target: a gap here is a hole in every metric.' }, [
          prom('up', '{{job}} {{instance}}'),
        ]).mappings([{ type: MappingType.ValueToText, options: { '0': { text: 'down', color: 'red' }, '1': { text: 'up', color: 'green' } } }]),
      ],
    )
    .section('Collector (traces)')
    .line(
      8,
      [
        8,
        timeseries({ title: 'Spans received', description: 'Spans the collector accepted from the agents, and spans it refused.' }, 'short', [
          prom(sumRate('otelcol_receiver_accepted_spans_total', ['receiver'], []), 'accepted {{receiver}}'),
          prom(sumRate('otelcol_receiver_refused_spans_total', ['receiver'], []), 'refused {{receiver}}'),
        ]),
      ],
      [
        8,
        timeseries({ title: 'Spans exported', description: 'Spans the collector sent on to Tempo, and spans that failed to send.' }, 'short', [
          prom(sumRate('otelcol_exporter_sent_spans_total', ['exporter'], []), 'sent {{exporter}}'),
          prom(sumRate('otelcol_exporter_send_failed_spans_total', ['exporter'], []), 'failed {{exporter}}'),
        ]),
      ],
      [
        8,
        timeseries({ title: 'Export queue fill', description: 'How full the exporter queue is; at 100% new spans are dropped.' }, 'percentunit', [
          prom('max by (exporter) (otelcol_exporter_queue_size / otelcol_exporter_queue_capacity)', '{{exporter}}'),
        ]).max(1),
      ],
    )
    .section('Backends')
    .line(
      8,
      [
        12,
        timeseries({ title: 'Loki ingestion', description: 'Log lines Loki received per second, and samples it discarded (by reason).' }, 'short', [
          prom(sumRate('loki_distributor_lines_received_total', [], []), 'lines received'),
          prom(sumRate('loki_discarded_samples_total', ['reason'], []), 'discarded {{reason}}'),
        ]),
      ],
      [
        12,
        timeseries({ title: 'Tempo ingestion', description: 'Spans Tempo received per second, and spans it discarded (by reason).' }, 'short', [
          prom(sumRate('tempo_distributor_spans_received_total', [], []), 'spans received'),
          prom(sumRate('tempo_discarded_spans_total', ['reason'], []), 'discarded {{reason}}'),
        ]),
      ],
    );

  return threadlineDashboard({
    key: 'health',
    description: "The telemetry pipeline itself: the agents' drop counters, scrapes, the collector, Loki and Tempo ingestion.",
    variables: acrossServices(),
    grid,
    next: ['overview', 'runtime'],
  });
}
