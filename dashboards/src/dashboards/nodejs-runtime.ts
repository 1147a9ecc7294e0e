// Node.js runtime: when latency rises without errors, or a process restarts,
// the cause is often here — a blocked event loop, a growing heap, GC or CPU.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { prometheusVariable } from '../datasources.ts';
import { threadlineDashboard } from '../dashboard.ts';
import { Grid } from '../layout.ts';
import { stat, timeseries, warnAt } from '../panels.ts';
import { onInstance, onService, rate, selector, sumBy } from '../promql.ts';
import { prom } from '../queries.ts';
import { instanceVariable, serviceVariable } from '../variables.ts';

const scoped = [onService, onInstance];
const perInstance = '{{service}} {{instance}}';
const series = (metric: string): string => selector(metric, ...scoped);

export function nodejsRuntime(): Dashboard {
  const cpu = rate('process_cpu_seconds_total', scoped);
  const grid = new Grid()
    .line(
      4,
      [
        6,
        stat(
          { title: 'Worst event-loop lag p99', description: 'Above 100 ms requests queue behind blocked JavaScript.' },
          's',
          prom(`max(${series('nodejs_eventloop_lag_p99_seconds')})`, 'lag'),
          warnAt(0.1, 0.5),
        ),
      ],
      [6, stat({ title: 'Largest heap used', description: 'The biggest V8 heap among the selected instances.' }, 'bytes', prom(`max(${series('nodejs_heap_size_used_bytes')})`, 'heap'))],
      [
        6,
        stat(
          { title: 'Busiest CPU', description: 'CPU seconds per second of the busiest instance; 100% is one full core.' },
          'percentunit',
          prom(`max(${cpu})`, 'cpu'),
          warnAt(0.7, 0.9),
        ),
      ],
      [
        6,
        stat(
          { title: 'Restarts in range', description: 'Process starts within the dashboard time range: crashes, OOM kills or deploys.' },
          'short',
          prom(`sum(changes(${series('process_start_time_seconds')}[$__range])) or vector(0)`, 'restarts'),
          [
            [null, 'green'],
            [1, 'orange'],
          ],
        ),
      ],
    )
    .section('Event loop')
    .line(
      8,
      [
        12,
        timeseries({ title: 'Event-loop lag', description: 'How late timers fire: p99 and mean per instance.' }, 's', [
          prom(series('nodejs_eventloop_lag_p99_seconds'), `p99 ${perInstance}`),
          prom(series('nodejs_eventloop_lag_seconds'), `mean ${perInstance}`),
        ]),
      ],
      [
        12,
        timeseries(
          { title: 'Event-loop utilisation', description: 'Share of time the loop is busy; near 100% the process cannot take more work.' },
          'percentunit',
          [prom(series('nodejs_eventloop_utilization_ratio'), perInstance)],
        ).max(1),
      ],
    )
    .section('Memory and garbage collection')
    .line(
      8,
      [
        12,
        timeseries({ title: 'Heap', description: 'V8 heap used against heap allocated; used climbing steadily is a leak.' }, 'bytes', [
          prom(series('nodejs_heap_size_used_bytes'), `used ${perInstance}`),
          prom(series('nodejs_heap_size_total_bytes'), `total ${perInstance}`),
        ]),
      ],
      [
        12,
        timeseries({ title: 'Resident memory', description: 'RSS: what the container memory limit counts.' }, 'bytes', [
          prom(series('process_resident_memory_bytes'), perInstance),
        ]),
      ],
    )
    .line(
      8,
      [
        12,
        timeseries({ title: 'Time in GC', description: 'Share of wall time spent collecting garbage, by GC kind.' }, 'percentunit', [
          prom(sumBy(['service', 'instance', 'kind'], rate('nodejs_gc_duration_seconds_sum', scoped)), `${perInstance} {{kind}}`),
        ]),
      ],
      [
        12,
        timeseries({ title: 'GC runs', description: 'Collections per second, by GC kind.' }, 'ops', [
          prom(sumBy(['service', 'instance', 'kind'], rate('nodejs_gc_duration_seconds_count', scoped)), `${perInstance} {{kind}}`),
        ]),
      ],
    )
    .section('Process')
    .line(
      8,
      [8, timeseries({ title: 'CPU', description: 'CPU seconds per second; 100% is one full core.' }, 'percentunit', [prom(cpu, perInstance)])],
      [
        8,
        timeseries({ title: 'Active handles', description: 'Open sockets, timers and files; a steady climb is a handle leak.' }, 'short', [
          prom(series('nodejs_active_handles_total'), perInstance),
        ]),
      ],
      [
        8,
        timeseries({ title: 'Uptime', description: 'Time since each process started; a drop to zero is a restart.' }, 's', [
          prom(`time() - ${series('process_start_time_seconds')}`, perInstance),
        ]),
      ],
    );

  return threadlineDashboard({
    key: 'runtime',
    description: 'Event loop, heap, GC, CPU, memory and handles of every Node.js process, per instance.',
    variables: [prometheusVariable(), serviceVariable({ multi: true }), instanceVariable()],
    grid,
    next: ['detail', 'overview'],
  });
}
