// `npm run demo`: checks PostgreSQL and RabbitMQ, builds the agent, starts Prometheus and
// Alertmanager (when installed), the alert sink and the five services, sends traffic, applies a
// scenario, and prints a live summary on stderr while every service's JSON log lines go to
// stdout (and to demo/.logs/services.jsonl). Ctrl-C or SIGTERM stops everything.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { amqpUrl, databaseUrl, SERVICE_NAMES, type ServiceName } from '../shared/settings.ts';
import { NO_FAULTS } from '../shared/faults.ts';
import { parseRunnerArgs, USAGE, type RunnerArgs } from './args.ts';
import { agentBuildIsCurrent, buildAgent } from './build.ts';
import type { Child } from './child.ts';
import { demoDir } from './paths.ts';
import { preflight } from './preflight.ts';
import { SCENARIOS, type Scenario } from './scenarios.ts';
import { LOCAL_PORTS, startProcess, startShop, type ShopOptions } from './shop.ts';
import { startStack, type Stack } from './stack.ts';
import { renderSummary } from './summary.ts';
import { startTraffic, type Traffic } from './traffic.ts';

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

async function applyScenario(scenario: Scenario, gatewayUrl: string, children: Map<ServiceName, Child>, expectedExits: Set<string>): Promise<void> {
  for (const [service, faults] of Object.entries(scenario.faults)) {
    const response = await fetch(`${gatewayUrl}/admin/faults/${service}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...NO_FAULTS, ...faults }),
    });
    say(`scenario ${scenario.name}: faults for ${service} → ${response.status} ${await response.text()}`);
  }
  for (const service of scenario.stop ?? []) {
    expectedExits.add(service);
    say(`scenario ${scenario.name}: stopping ${service}`);
    await children.get(service)?.stop();
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

  const problems = await preflight(databaseUrl(), amqpUrl());
  if (problems.length > 0) {
    for (const problem of problems) say(problem);
    process.exitCode = 1;
    return;
  }
  if (args.build && !agentBuildIsCurrent()) {
    say('building @threadline/agent …');
    buildAgent();
  }

  const logDir = join(demoDir, '.logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'services.jsonl');
  const logStream = createWriteStream(logFile);
  process.stdout.on('error', () => undefined); // a closed pipe (| head) must not kill the demo
  const onLine = (_service: string, line: string): void => {
    process.stdout.write(`${line}\n`);
    logStream.write(`${line}\n`);
  };
  const shopOptions: ShopOptions = {
    ports: LOCAL_PORTS,
    env: process.env,
    onLine,
    stderr: (service, chunk) => process.stderr.write(chunk.replace(/^(?=.)/gm, `[${service}] `)),
  };

  const stackDir = mkdtempSync(join(tmpdir(), 'threadline-demo-'));
  const children = new Map<string, Child>();
  const expectedExits = new Set<string>();
  let stack: Stack | undefined;
  let traffic: Traffic | undefined;
  let summaryTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;

  const stopAll = (why: string): Promise<void> => {
    stopping ??= (async () => {
      say(`stopping (${why}) …`);
      if (summaryTimer) clearInterval(summaryTimer);
      await traffic?.stop();
      await Promise.all([...children.values()].map((child) => child.stop()));
      await stack?.stop();
      await new Promise((resolve) => logStream.end(resolve));
      rmSync(stackDir, { recursive: true, force: true });
      say(`stopped. The services' logs are in ${logFile}`);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));

  try {
    const sink = await startProcess('alert-sink', shopOptions);
    children.set('alert-sink', sink);
    const started = await startStack({
      dir: stackDir,
      prometheusPort: PROMETHEUS_PORT,
      alertmanagerPort: ALERTMANAGER_PORT,
      alertSinkPort: LOCAL_PORTS.alertSink,
      metricsPorts: LOCAL_PORTS.metrics,
      fast: args.fastAlerts,
    });
    const noPrometheusReason = typeof started === 'string' ? started : undefined;
    if (typeof started === 'string') say(started);
    else stack = started;
    if (stopping) return;
    const shop = await startShop(shopOptions);
    for (const [name, child] of shop) children.set(name, child);
    for (const [name, child] of children) {
      void child.exited.then((code) => {
        if (!stopping && !expectedExits.has(name)) say(`${name} exited unexpectedly (${code}); see its lines above`);
      });
    }
    if (stopping) return;

    const gatewayUrl = `http://127.0.0.1:${LOCAL_PORTS.http.gateway}`;
    say(`shop open: ${SERVICE_NAMES.map((s) => `${s} :${LOCAL_PORTS.http[s]}`).join(', ')}; try: curl -i -X POST ${gatewayUrl}/api/orders -H 'content-type: application/json' -d '{"customerId":"c-1","items":[{"sku":"tea-sencha","quantity":1}]}'`);
    if (stack) say(`Prometheus ${stack.prometheusUrl} (alerts: ${stack.prometheusUrl}/alerts), Alertmanager ${stack.alertmanagerUrl}, alert sink http://127.0.0.1:${LOCAL_PORTS.alertSink}/alerts`);
    const runId = Date.now().toString(36);
    traffic = startTraffic(gatewayUrl, args.ratePerSecond, runId);
    if (args.scenario) await applyScenario(args.scenario, gatewayUrl, shop, expectedExits);

    const startedAt = Date.now();
    const activeTraffic = traffic;
    summaryTimer = setInterval(() => {
      void renderSummary({
        elapsedSeconds: (Date.now() - startedAt) / 1000,
        scenario: args.scenario?.name,
        prometheusUrl: stack?.prometheusUrl,
        noPrometheusReason,
        alertSinkUrl: `http://127.0.0.1:${LOCAL_PORTS.alertSink}`,
        traffic: activeTraffic.stats,
        logFile,
      }).then((text) => {
        if (!stopping) process.stderr.write(`${text}\n`);
      });
    }, args.summaryEverySeconds * 1000);
    if (args.durationSeconds !== undefined) {
      await sleep(args.durationSeconds * 1000);
      await stopAll(`--duration ${args.durationSeconds}s`);
    }
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
    await stopAll('start failed');
  }
}

await main();
