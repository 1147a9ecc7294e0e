// A whole demo for one test file: the services as real child processes with the agent preloaded,
// on free ports, with a schema prefix and an exchange of their own (so runs never collide), an
// OTLP receiver standing in for the collector, and optionally Prometheus and Alertmanager (fast
// timings) with the alert sink. stop() ends every process and removes what the run created.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import pg from 'pg';
import { freePort } from '../../agent/test/helpers/ports.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../../agent/test/helpers/receivers.ts';
import type { Child } from '../runner/child.ts';
import { startProcess, startShop, type Ports, type ProcessName, type ShopOptions } from '../runner/shop.ts';
import { startStack, type Stack } from '../runner/stack.ts';
import { DEFAULT_AMQP_URL, DEFAULT_DATABASE_URL, SERVICE_NAMES, type ServiceName } from '../shared/settings.ts';

export type LogLine = Record<string, unknown> & { service?: string; msg?: string; correlation_id?: string; trace_id?: string };

export interface Demo {
  readonly runId: string;
  readonly ports: Ports;
  readonly gatewayUrl: string;
  readonly exchange: string;
  readonly schemaPrefix: string;
  readonly otlp: Receiver<ReceivedSpan>;
  readonly logs: LogLine[];
  readonly children: Map<ProcessName, Child>;
  readonly stack: Stack | undefined;
  readonly options: ShopOptions;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** (Re)starts one service of this demo. */
  start(name: ProcessName): Promise<Child>;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** Which services to run (default: all five). */
  readonly services?: readonly ServiceName[];
  /** Prometheus, Alertmanager (fast timings) and the alert sink. */
  readonly withStack?: boolean;
  /** Variables for every service on top of the harness's own (e.g. a viewer's endpoints instead of the stand-in receiver). */
  readonly env?: Readonly<Record<string, string>>;
  /** A viewer that Alertmanager delivers to as well. */
  readonly viewerUrl?: string;
}

const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const amqpUrl = process.env.AMQP_URL ?? DEFAULT_AMQP_URL;

async function portsFor(): Promise<Ports> {
  const http: Partial<Record<ServiceName, number>> = {};
  const metrics: Partial<Record<ServiceName, number>> = {};
  for (const service of SERVICE_NAMES) {
    http[service] = await freePort();
    metrics[service] = await freePort();
  }
  return { http: http as Record<ServiceName, number>, metrics: metrics as Record<ServiceName, number>, alertSink: await freePort() };
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const runId = randomBytes(4).toString('hex');
  const exchange = `threadline-test-${runId}`;
  const schemaPrefix = `t${runId}_`;
  const ports = await portsFor();
  const otlp = await startOtlpReceiver();
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  const children = new Map<ProcessName, Child>();
  const stackDir = mkdtempSync(join(tmpdir(), 'threadline-demo-test-'));
  let stack: Stack | undefined;

  const shopOptions: ShopOptions = {
    ports,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA_PREFIX: schemaPrefix,
      AMQP_URL: amqpUrl,
      AMQP_EXCHANGE: exchange,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      ...options.env,
    },
    onLine: (_service, line) => {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ msg: `(not JSON) ${line}` });
      }
      for (const wake of waiters) wake();
    },
  };

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = logs.find(predicate);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no such log line within ${timeoutMs} ms; last lines:\n${logs.slice(-15).map((l) => JSON.stringify(l)).join('\n')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const start = async (name: ProcessName): Promise<Child> => {
    const child = await startProcess(name, shopOptions);
    children.set(name, child);
    return child;
  };

  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map((child) => child.stop()));
    await stack?.stop();
    await otlp.close();
    rmSync(stackDir, { recursive: true, force: true });
    await cleanUp(schemaPrefix, exchange);
  };

  try {
    if (options.withStack) {
      await start('alert-sink');
      const started = await startStack({
        dir: stackDir,
        prometheusPort: await freePort(),
        alertmanagerPort: await freePort(),
        alertSinkPort: ports.alertSink,
        metricsPorts: ports.metrics,
        fast: true,
        viewerUrl: options.viewerUrl,
      });
      if (typeof started === 'string') throw new Error(started);
      stack = started;
    }
    if (options.services) {
      for (const name of options.services) await start(name);
    } else {
      for (const [name, child] of await startShop(shopOptions)) children.set(name, child);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    runId,
    ports,
    gatewayUrl: `http://127.0.0.1:${ports.http.gateway}`,
    exchange,
    schemaPrefix,
    otlp,
    logs,
    children,
    stack,
    options: shopOptions,
    waitForLog,
    start,
    stop,
  };
}

/** Drops the run's schemas, exchange and queues. */
async function cleanUp(schemaPrefix: string, exchange: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const service of SERVICE_NAMES) await client.query(`DROP SCHEMA IF EXISTS ${schemaPrefix}${service} CASCADE`);
  } finally {
    await client.end();
  }
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    for (const service of SERVICE_NAMES) await channel.deleteQueue(`${exchange}.${service}`);
    await channel.deleteExchange(exchange);
    await channel.close();
  } finally {
    await connection.close();
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

export async function putJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
