// Shared by the benchmarks: processes pinned to cores, /proc readings, medians and tables.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/ports.ts';

export { freePort };

/** One way of running the measured process: its preload flags and environment. */
export interface Variant {
  readonly name: string;
  readonly preload: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The app it runs, in bench/fixtures (default app.cjs, Express). */
  readonly app?: string;
  /** The variant its ratios are taken against (default the first, bare Express). */
  readonly baseline?: string;
}

/** The path of the app a variant runs. */
export function fixtureOf(variant: Variant): string {
  return `${FIXTURES}${variant.app ?? 'app.cjs'}`;
}

export const AUTOCANNON = fileURLToPath(new URL('../../node_modules/autocannon/autocannon.js', import.meta.url));

export const AGENT_REGISTER = fileURLToPath(new URL('../dist/register.js', import.meta.url));

/**
 * Bare Express first (the ratios are against it), then the agent's configurations and
 * OpenTelemetry's own register as a peer, then the same routes on Fastify bare and with the agent
 * all on (its ratios against bare Fastify); `--only a,b` keeps bare Express, the variants whose
 * names contain one of the words and their baselines.
 */
export function chosenVariants(sinkUrl: string): Variant[] {
  const agent = ['-r', AGENT_REGISTER];
  const traces = { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl };
  const variants: Variant[] = [
    { name: 'bare Express 5', preload: [], env: {} },
    { name: 'agent: metrics only', preload: agent, env: { OTEL_SDK_DISABLED: 'true', THREADLINE_LOG_LEVEL: 'silent' } },
    { name: 'agent: logs only', preload: agent, env: { OTEL_SDK_DISABLED: 'true', THREADLINE_METRICS_PORT: '0' } },
    { name: 'agent: traces only', preload: agent, env: { ...traces, THREADLINE_LOG_LEVEL: 'silent', THREADLINE_METRICS_PORT: '0' } },
    { name: 'agent: all on', preload: agent, env: traces },
    { name: 'agent: all on + Loki', preload: agent, env: { ...traces, THREADLINE_LOKI_URL: sinkUrl } },
    {
      name: 'OTel auto-instrumentations register',
      preload: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
      env: { ...traces, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
    },
    { name: 'bare Fastify 5', preload: [], env: {}, app: 'fastify-app.cjs' },
    { name: 'Fastify 5 + agent: all on', preload: agent, env: traces, app: 'fastify-app.cjs', baseline: 'bare Fastify 5' },
  ];
  const only = option('only')?.split(',');
  if (only === undefined) return variants;
  const kept = variants.filter((v, i) => i === 0 || only.some((word) => v.name.includes(word)));
  const baselines = new Set(kept.map((v) => v.baseline));
  return variants.filter((v) => kept.includes(v) || baselines.has(v.name));
}

/** The measured app's environment: the variant's on top of the bench's defaults. */
export function appEnv(variant: Variant, port: number, upstream: string, metricsPort: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    PORT: String(port),
    UPSTREAM_URL: upstream,
    OTEL_SERVICE_NAME: 'bench',
    THREADLINE_METRICS_PORT: String(metricsPort),
    NODE_ENV: 'production',
    ...variant.env,
  };
}
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CLOCK_TICKS_PER_SECOND = 100;
const hasTaskset = existsSync('/usr/bin/taskset');

/** Spawns `node args` on one core (when taskset exists), so the load generator gets the other. */
export function spawnNode(core: number | undefined, args: readonly string[], options: SpawnOptions): ChildProcess {
  if (core === undefined || !hasTaskset) return spawn(process.execPath, args, options);
  return spawn('taskset', ['-c', String(core), process.execPath, ...args], options);
}

/** Polls until `url` answers 200; returns the milliseconds since `since`. */
export async function waitForOk(url: string, since: number, timeoutMs = 20_000): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** The pid of the node process itself (taskset execs into it, so the pid is the same). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

/** Writes a run's figures to `agent/.bench/<name>-<time>.json` for tracking; returns the file. */
export function saveResults(name: string, results: object): string {
  const dir = fileURLToPath(new URL('../.bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

export function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}

/** autocannon in its own process on core 1, so it does not compete with the server on core 0. */
export async function autocannon(url: string, args: readonly string[]): Promise<AutocannonResult> {
  const child = spawnNode(1, [AUTOCANNON, '--json', ...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
  return JSON.parse(output) as AutocannonResult;
}

/** The bare upstream and OTLP/Loki sink (fixtures/upstream.cjs) on core 1. */
export async function startSink(): Promise<{ url: string; close: () => Promise<void> }> {
  const port = await freePort();
  const child = spawnNode(1, [`${FIXTURES}upstream.cjs`], { env: { PORT: String(port) }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/hello`, performance.now());
  return { url, close: () => stop(child) };
}
