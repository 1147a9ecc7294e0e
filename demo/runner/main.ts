// `npm run demo`: checks PostgreSQL and RabbitMQ, builds the agent, starts Prometheus and
// Alertmanager (when installed), the alert sink and the five services, sends traffic, applies a
// scenario, and prints a live summary on stderr while every service's JSON log lines go to
// stdout (and to demo/.logs/services.jsonl). Ctrl-C or SIGTERM stops everything.
// With --against it starts nothing and drives a shop that already runs (docker compose).
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NO_FAULTS } from '../shared/faults.ts';
import { amqpUrl, databaseUrl, SERVICE_NAMES, type ServiceName } from '../shared/settings.ts';
import { parseRunnerArgs, USAGE, type RunnerArgs } from './args.ts';
import { agentBuildIsCurrent, buildAgent } from './build.ts';
import type { Child } from './child.ts';
import { demoDir } from './paths.ts';
import { preflight } from './preflight.ts';
import { SCENARIOS, type Scenario } from './scenarios.ts';
import { LOCAL_PORTS, startProcess, startShop, type ShopOptions } from './shop.ts';
import { startStack } from './stack.ts';
import { renderSummary } from './summary.ts';
import { startTraffic } from './traffic.ts';
import { startViewerProcess } from './viewer.ts';

const PROMETHEUS_PORT = 9090;
const ALERTMANAGER_PORT = 9093;

function say(message: string): void {
  process.stderr.write(`[demo] ${message}\n`);
}

function parseOrExit(): RunnerArgs {
  try {
    return parseRunnerArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    process.exit(2);
  }
}

/** Everything that must be undone on the way out, last started first. */
class Cleanup {
  readonly #steps: Array<() => Promise<void> | void> = [];
  #running: Promise<void> | undefined;

  get stopping(): boolean {
    return this.#running !== undefined;
  }

  add(step: () => Promise<void> | void): void {
    this.#steps.unshift(step);
  }

  run(why: string): Promise<void> {
    this.#running ??= (async () => {
      say(`stopping (${why}) …`);
      for (const step of this.#steps) await step();
      say('stopped.');
    })();
    return this.#running;
  }
}

interface Shop {
  readonly gatewayUrl: string;
  readonly prometheusUrl: string | undefined;
  readonly noPrometheusReason: string | undefined;
  readonly alertSinkUrl: string | undefined;
  readonly logHint: (correlationId: string) => string;
  /** Stops a service for a scenario (a real outage). */
  stopService(service: ServiceName): Promise<void>;
}

async function startLocalShop(args: RunnerArgs, cleanup: Cleanup): Promise<Shop | undefined> {
  const problems = await preflight(databaseUrl(), amqpUrl());
  if (problems.length > 0) {
    for (const problem of problems) say(problem);
    process.exitCode = 1;
    return undefined;
  }
  if (args.build && !agentBuildIsCurrent()) {
    say('building @threadline/agent …');
    buildAgent();
  }

  const logDir = join(demoDir, '.logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'services.jsonl');
  const logStream = createWriteStream(logFile);
  cleanup.add(async () => {
    await new Promise((resolve) => logStream.end(resolve));
    say(`the services' log lines are in ${logFile}`);
  });
  process.stdout.on('error', () => undefined); // a closed pipe (| head) must not stop the demo
  const children = new Map<string, Child>();
  const expectedExits = new Set<string>();
  cleanup.add(async () => {
    // The services first, so that their last spans and lines (their shutdown) still reach the viewer.
    await Promise.all([...children].filter(([name]) => name !== 'viewer').map(([, child]) => child.stop()));
    await children.get('viewer')?.stop();
  });

  let viewerUrl: string | undefined;
  if (args.viewer) {
    const viewer = await startViewerProcess(Object.values(LOCAL_PORTS.metrics).map((port) => `127.0.0.1:${port}`), (chunk) => process.stderr.write(chunk));
    children.set('viewer', viewer.child);
    viewerUrl = viewer.url;
    say(`viewer ${viewerUrl}: every service sends it traces and logs, it scrapes their metrics, Alertmanager sends it alerts`);
  }
  // The services send to the viewer unless the environment already points them elsewhere.
  const viewerEnv = viewerUrl === undefined ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: viewerUrl, THREADLINE_LOKI_URL: viewerUrl };
  const options: ShopOptions = {
    ports: LOCAL_PORTS,
    env: { ...viewerEnv, ...process.env },
    onLine: (_service, line) => {
      process.stdout.write(`${line}\n`);
      logStream.write(`${line}\n`);
    },
    stderr: (service, chunk) => process.stderr.write(chunk.replace(/^(?=.)/gm, `[${service}] `)),
  };
  children.set('alert-sink', await startProcess('alert-sink', options));
  const stackDir = mkdtempSync(join(tmpdir(), 'threadline-demo-'));
  cleanup.add(() => rmSync(stackDir, { recursive: true, force: true }));
  const stack = await startStack({
    dir: stackDir,
    prometheusPort: PROMETHEUS_PORT,
    alertmanagerPort: ALERTMANAGER_PORT,
    alertSinkPort: LOCAL_PORTS.alertSink,
    metricsPorts: LOCAL_PORTS.metrics,
    fast: args.fastAlerts,
    viewerUrl,
  });
  if (typeof stack === 'string') say(stack);
  else cleanup.add(() => stack.stop());
  if (cleanup.stopping) return undefined;

  for (const [name, child] of await startShop(options)) children.set(name, child);
  for (const [name, child] of children) {
    void child.exited.then((code) => {
      if (!cleanup.stopping && !expectedExits.has(name)) say(`${name} exited unexpectedly (${code}); see its lines above`);
    });
  }
  const gatewayUrl = `http://127.0.0.1:${LOCAL_PORTS.http.gateway}`;
  const alertSinkUrl = `http://127.0.0.1:${LOCAL_PORTS.alertSink}`;
  say(`shop open: ${SERVICE_NAMES.map((s) => `${s} :${LOCAL_PORTS.http[s]}`).join(', ')}`);
  say(`try: curl -i -X POST ${gatewayUrl}/api/orders -H 'content-type: application/json' -d '{"customerId":"c-1","items":[{"sku":"tea-sencha","quantity":1}]}'`);
  if (typeof stack !== 'string') say(`Prometheus ${stack.prometheusUrl} (alerts: ${stack.prometheusUrl}/alerts), Alertmanager ${stack.alertmanagerUrl}, alert sink ${alertSinkUrl}/alerts`);
  return {
    gatewayUrl,
    prometheusUrl: typeof stack === 'string' ? undefined : stack.prometheusUrl,
    noPrometheusReason: typeof stack === 'string' ? stack : undefined,
    alertSinkUrl,
    logHint: (id) => (viewerUrl ? `${viewerUrl}/request/${encodeURIComponent(id)}` : `grep '"correlation_id":"${id}"' ${logFile}`),
    stopService: async (service) => {
      expectedExits.add(service);
      await children.get(service)?.stop();
    },
  };
}

function remoteShop(args: RunnerArgs, gatewayUrl: string): Shop {
  say(`driving the shop at ${gatewayUrl}${args.prometheus ? `, summary from ${args.prometheus}` : ''}`);
  return {
    gatewayUrl,
    prometheusUrl: args.prometheus,
    noPrometheusReason: 'no --prometheus given: per-service figures and alerts are in Grafana (http://localhost:3000)',
    alertSinkUrl: undefined,
    logHint: (id) => `Grafana → Threadline → Request explorer, correlation_id=${id}`,
    stopService: async (service) => {
      say(`this scenario stops ${service}; do it yourself: docker compose stop ${service} (and docker compose start ${service} after)`);
    },
  };
}

async function applyScenario(scenario: Scenario, shop: Shop): Promise<void> {
  for (const [service, faults] of Object.entries(scenario.faults)) {
    const response = await fetch(`${shop.gatewayUrl}/admin/faults/${service}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...NO_FAULTS, ...faults }),
    });
    say(`scenario ${scenario.name}: faults for ${service} → ${response.status} ${await response.text()}`);
  }
  for (const service of scenario.stop ?? []) {
    say(`scenario ${scenario.name}: stopping ${service}`);
    await shop.stopService(service);
  }
}

/** Switches a remote shop's faults off again, so a scenario does not outlive the run. */
async function clearFaults(scenario: Scenario, gatewayUrl: string): Promise<void> {
  for (const service of Object.keys(scenario.faults)) {
    await fetch(`${gatewayUrl}/admin/faults/${service}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const args = parseOrExit();
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.list) {
    for (const scenario of SCENARIOS) process.stdout.write(`${scenario.name.padEnd(22)} ${scenario.alerts.join(', ')}\n${' '.repeat(23)}${scenario.description}\n`);
    return;
  }

  const cleanup = new Cleanup();
  // Once everything is stopped, leave: nothing of ours is left to wait for.
  // SIGHUP too: a closed terminal must not leave the viewer, in its own process group, running.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void cleanup.run(signal).then(() => process.exit()));
  const duration = new AbortController();
  cleanup.add(() => duration.abort());
  try {
    const shop = args.against ? remoteShop(args, args.against) : await startLocalShop(args, cleanup);
    if (!shop || cleanup.stopping) return;
    const traffic = startTraffic(shop.gatewayUrl, args.ratePerSecond, Date.now().toString(36));
    cleanup.add(() => traffic.stop());
    const { scenario } = args;
    if (scenario) {
      await applyScenario(scenario, shop);
      if (args.against) cleanup.add(() => clearFaults(scenario, shop.gatewayUrl));
    }

    const startedAt = Date.now();
    const timer = setInterval(() => {
      void renderSummary({
        elapsedSeconds: (Date.now() - startedAt) / 1000,
        scenario: scenario?.name,
        prometheusUrl: shop.prometheusUrl,
        noPrometheusReason: shop.noPrometheusReason,
        alertSinkUrl: shop.alertSinkUrl,
        traffic: traffic.stats,
        logHint: shop.logHint,
      }).then((text) => {
        if (!cleanup.stopping) process.stderr.write(`${text}\n`);
      });
    }, args.summaryEverySeconds * 1000);
    cleanup.add(() => clearInterval(timer));
    if (args.durationSeconds !== undefined) {
      await sleep(args.durationSeconds * 1000, undefined, { signal: duration.signal }).catch(() => undefined);
      await cleanup.run(`--duration ${args.durationSeconds}s`);
    }
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
    await cleanup.run('start failed');
  }
}

await main();
