// SLOs and alerts: how much error budget is left, how fast it is burning, and
// what is firing now. The burn-rate alerts link here.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { threadlineDashboard } from '../dashboard.ts';
import { Grid } from '../layout.ts';
import { alertGroups, stat, stateTimeline, table, timeseries, withThresholdLines } from '../panels.ts';
import type { Step } from '../panels.ts';
import { onService, selector } from '../promql.ts';
import { prom } from '../queries.ts';
import { acrossServices } from '../variables.ts';

// The objective of collector-config/prometheus/rules/recording.yml: 99.5% of
// requests neither 5xx nor slower than 0.5 s.
const ERROR_BUDGET = 0.005;

// Each window with the burn rate of the multi-window alert that reads it
// (Google SRE workbook: 14.4x over 1h/5m, 6x over 6h/30m, 3x over 1d/2h, 1x over 3d/6h).
const WINDOWS = [
  ['5m', 14.4],
  ['30m', 6],
  ['1h', 14.4],
  ['2h', 3],
  ['6h', 6],
  ['1d', 3],
  ['3d', 1],
] as const;
type Window = (typeof WINDOWS)[number][0];

const badRatio = (window: Window): string => selector(`service:slo_errors:ratio_rate${window}`, onService);
const burnRate = (window: Window): string => `${badRatio(window)} / ${ERROR_BUDGET}`;
const budgetLeft = `1 - ${badRatio('3d')} / ${ERROR_BUDGET}`;
const FIRING = 'ALERTS{alertstate="firing"}';
// Burn rates read as multiples: "14.4x".
const TIMES = 'suffix:x';

// Orange once the budget burns faster than it refills, red at the alert's rate.
const burnSteps = (factor: number): Step[] =>
  factor > 1
    ? [
        [null, 'green'],
        [1, 'orange'],
        [factor, 'red'],
      ]
    : [
        [null, 'green'],
        [1, 'red'],
      ];

function burnPanel(title: string, windows: readonly Window[], steps: readonly Step[]) {
  return withThresholdLines(
    timeseries(
      { title, description: 'Burn rate: 1 spends the budget exactly over 30 days; the dashed lines are where the alerts fire.' },
      TIMES,
      windows.map((w) => prom(burnRate(w), `{{service}} ${w}`)),
    ),
    steps,
  );
}

export function sloAlerts(): Dashboard {
  const burnTable = table(
    { title: 'Burn rate per window', description: 'Every service against every alert window; red is where a burn-rate alert fires.' },
    WINDOWS.map(([window, factor]) => ({
      query: prom(burnRate(window), '', { instant: true }),
      header: window,
      unit: TIMES,
      steps: burnSteps(factor),
    })),
  );
  const firing = table({ title: 'Firing in Prometheus', description: 'Every alert Prometheus is firing now, with its labels.' }, [
    { query: prom(FIRING, '', { instant: true }), header: 'Firing', unit: 'short' },
  ], ['alertstate']);

  const grid = new Grid()
    .line(
      4,
      [
        6,
        stat(
          { title: 'Error budget left (3 days)', description: 'Least budget left among the selected services, over the last 3 days.' },
          'percentunit',
          prom(`min(${budgetLeft})`, 'budget'),
          [
            [null, 'red'],
            [0.25, 'orange'],
            [0.5, 'green'],
          ],
        ),
      ],
      [6, stat({ title: 'Fastest burn (1h)', description: 'Highest 1-hour burn rate; the fast alert pages at 14.4.' }, TIMES, prom(`max(${burnRate('1h')})`, 'burn'), burnSteps(14.4))],
      [6, stat({ title: 'Fastest burn (1d)', description: 'Highest 1-day burn rate; the slow alert opens a ticket at 3.' }, TIMES, prom(`max(${burnRate('1d')})`, 'burn'), burnSteps(3))],
      [
        6,
        stat({ title: 'Firing alerts', description: 'Alerts firing anywhere in the stack.' }, 'short', prom(`count(${FIRING}) or vector(0)`, 'alerts'), [
          [null, 'green'],
          [1, 'red'],
        ]),
      ],
    )
    .section('Error budget')
    .line(8, [24, burnTable])
    .line(
      8,
      [
        12,
        timeseries({ title: 'Error budget left (3-day window)', description: 'Below zero the service has spent more than its budget.' }, 'percentunit', [
          prom(budgetLeft, '{{service}}'),
        ]).min(-1),
      ],
      [
        12,
        withThresholdLines(
          timeseries({ title: 'Bad requests (1h window)', description: 'Share of requests that were 5xx or slower than 0.5 s; the dashed line is the objective.' }, 'percentunit', [
            prom(badRatio('1h'), '{{service}}'),
          ]),
          [
            [null, 'green'],
            [ERROR_BUDGET, 'red'],
          ],
        ),
      ],
    )
    .line(
      8,
      [12, burnPanel('Burn rate: paging windows', ['5m', '1h', '30m', '6h'], [
          [null, 'green'],
          [6, 'orange'],
          [14.4, 'red'],
        ])],
      [12, burnPanel('Burn rate: ticket windows', ['2h', '1d', '3d'], burnSteps(3))],
    )
    .section('Alerts')
    .line(
      10,
      [12, alertGroups({ title: 'Alertmanager', description: 'Alert groups as Alertmanager routes them, with silences and receivers.' })],
      [12, firing],
    )
    .line(
      7,
      [
        24,
        stateTimeline({ title: 'Alert history', description: 'When each alert fired in the dashboard time range.' }, [
          prom(`sum by (alertname, service) (${FIRING})`, '{{alertname}} {{service}}'),
        ]),
      ],
    );

  return threadlineDashboard({
    key: 'slo',
    description: 'Error budget and burn rates of the 99.5% request SLO, and the alerts firing now.',
    variables: acrossServices(),
    grid,
    next: ['overview', 'detail', 'explorer'],
    time: 'now-24h',
  });
}
