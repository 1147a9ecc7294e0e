// The runner's command line.
import { parseArgs } from 'node:util';
import { findScenario, SCENARIOS, type Scenario } from './scenarios.ts';

export interface RunnerArgs {
  readonly scenario: Scenario | undefined;
  readonly durationSeconds: number | undefined;
  readonly ratePerSecond: number;
  readonly summaryEverySeconds: number;
  readonly fastAlerts: boolean;
  readonly build: boolean;
  readonly list: boolean;
  readonly help: boolean;
  /** A running shop (e.g. compose) to send traffic and faults to, instead of starting one. */
  readonly against: string | undefined;
  /** That shop's Prometheus, for the summary. */
  readonly prometheus: string | undefined;
  /** Start the local viewer and send it every service's traces, logs, metrics and alerts. */
  readonly viewer: boolean;
}

export const USAGE = `npm run demo -- [options]

  --scenario <name>    turn faults on so that an alert fires (see --list)
  --list               list the scenarios and the alerts they fire
  --duration <s>       stop by itself after this many seconds (default: run until Ctrl-C)
  --rate <n>           orders per second from the traffic generator (default 3)
  --summary-every <s>  seconds between live summaries (default 5)
  --fast-alerts        scrape every second and shorten every alert's "for" and Alertmanager's
                       group waits, so alerts fire within a minute (expressions unchanged)
  --viewer             start the local viewer (http://127.0.0.1:4318) and send it the services'
                       traces, logs, metrics and alerts (what \`npm start\` does)
  --no-build           do not rebuild the agent first
  --against <url>      start nothing; send traffic and the scenario's faults to the gateway at
                       <url> (e.g. http://localhost:8080 of docker compose)
  --prometheus <url>   with --against: the Prometheus to read the summary from (compose with
                       collector-config/compose/publish-ports.yml: http://localhost:9090)
  --help

Environment: DATABASE_URL, AMQP_URL (defaults: the standard loopback ports), AMQP_EXCHANGE;
OTEL_* and THREADLINE_* are passed through to every service.`;

function positive(name: string, raw: string | undefined, fallback: number | undefined): number | undefined {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

function url(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^https?:\/\/[^/]+$/.test(raw.replace(/\/+$/, ''))) throw new Error(`--${name} must be an http(s) base URL such as http://localhost:8080, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/+$/, '');
}

export function parseRunnerArgs(argv: readonly string[]): RunnerArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      scenario: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
      'summary-every': { type: 'string' },
      'fast-alerts': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      against: { type: 'string' },
      prometheus: { type: 'string' },
      viewer: { type: 'boolean', default: false },
    },
  });
  const scenario = values.scenario === undefined ? undefined : findScenario(values.scenario);
  if (values.scenario !== undefined && scenario === undefined) {
    throw new Error(`unknown scenario ${JSON.stringify(values.scenario)}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  return {
    scenario,
    durationSeconds: positive('duration', values.duration, undefined),
    ratePerSecond: positive('rate', values.rate, 3) ?? 3,
    summaryEverySeconds: positive('summary-every', values['summary-every'], 5) ?? 5,
    fastAlerts: values['fast-alerts'],
    build: !values['no-build'],
    list: values.list,
    help: values.help,
    against: url('against', values.against),
    prometheus: url('prometheus', values.prometheus),
    viewer: values.viewer,
  };
}
