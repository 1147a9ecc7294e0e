// Starts the shop's services (and the alert sink) as local processes with the agent preloaded,
// the way docs/contract.md lays them out on loopback: HTTP 8080-8084, metrics 9464-9468.
import { join } from 'node:path';
import { startChild, type Child } from './child.ts';
import { demoDir } from './paths.ts';
import { LOCAL_HTTP_PORTS, LOCAL_METRICS_PORTS, SERVICE_NAMES, type ServiceName } from '../shared/settings.ts';

export interface Ports {
  readonly http: Readonly<Record<ServiceName, number>>;
  readonly metrics: Readonly<Record<ServiceName, number>>;
  readonly alertSink: number;
}

export const LOCAL_PORTS: Ports = { http: LOCAL_HTTP_PORTS, metrics: LOCAL_METRICS_PORTS, alertSink: 9099 };

/** Variables a service inherits from the runner's environment (the issue: OTEL_* and THREADLINE_*). */
const PASSED_THROUGH = /^(OTEL_|THREADLINE_|DATABASE_|AMQP_|NODE_|PATH$|HOME$|LANG$|TZ$)/;

export interface ShopOptions {
  readonly ports: Ports;
  /** The runner's environment, filtered by PASSED_THROUGH. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Extra variables for one service (scenarios, tests). */
  readonly serviceEnv?: Partial<Record<ServiceName, Readonly<Record<string, string>>>>;
  readonly onLine: (service: string, line: string) => void;
  readonly stderr?: (service: string, chunk: string) => void;
  readonly startTimeoutMs?: number;
}

export type ProcessName = ServiceName | 'alert-sink';

export function environmentFor(name: ProcessName, options: ShopOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined && PASSED_THROUGH.test(key)) env[key] = value;
  for (const service of SERVICE_NAMES) env[`${service.toUpperCase()}_URL`] = `http://127.0.0.1:${options.ports.http[service]}`;
  env.OTEL_SERVICE_NAME = name;
  // This machine's services stay on loopback; in containers they listen on every interface.
  env.HOST = '127.0.0.1';
  env.THREADLINE_METRICS_HOST = '127.0.0.1';
  if (name === 'alert-sink') {
    env.PORT = String(options.ports.alertSink);
    // Not scraped: its metrics port would clash with the gateway's 9464.
    env.THREADLINE_METRICS_PORT = '0';
  } else {
    env.PORT = String(options.ports.http[name]);
    env.THREADLINE_METRICS_PORT = String(options.ports.metrics[name]);
    Object.assign(env, options.serviceEnv?.[name]);
  }
  return env;
}

/** Starts one process and resolves once it logged "listening" (rejects with its stderr if it dies). */
export async function startProcess(name: ProcessName, options: ShopOptions): Promise<Child> {
  const child = startChild({
    name,
    command: process.execPath,
    args: ['--import', '@threadline/agent/register', join('services', name, 'main.ts')],
    cwd: demoDir,
    env: environmentFor(name, options),
    stderr: (chunk) => options.stderr?.(name, chunk),
  });
  child.onLine((line) => options.onLine(name, line));
  try {
    await child.waitForLine((line) => line.includes('"msg":"listening"'), options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await child.stop(1000);
    throw error;
  }
  return child;
}

/** All five services at once; if one fails to start, the others are stopped again. */
export async function startShop(options: ShopOptions): Promise<Map<ServiceName, Child>> {
  const started = await Promise.allSettled(SERVICE_NAMES.map((name) => startProcess(name, options)));
  const children = new Map<ServiceName, Child>();
  const failures: string[] = [];
  started.forEach((result, index) => {
    const name = SERVICE_NAMES[index] as ServiceName;
    if (result.status === 'fulfilled') children.set(name, result.value);
    else failures.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
  });
  if (failures.length > 0) {
    await Promise.all([...children.values()].map((child) => child.stop()));
    throw new Error(`the shop did not start:\n${failures.join('\n')}`);
  }
  return children;
}
